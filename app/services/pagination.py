"""A page of results, with the links a list needs."""

from dataclasses import dataclass, field
from math import ceil
from typing import Any, Generic, TypeVar
from urllib.parse import urlencode

from sqlalchemy import func
from sqlmodel import Session, select
from sqlmodel.sql.expression import SelectOfScalar

T = TypeVar("T")


@dataclass
class Page(Generic[T]):
    items: list[T]
    total: int
    number: int
    per_page: int
    base_path: str = ""
    query: dict[str, Any] = field(default_factory=dict)

    @property
    def pages(self) -> int:
        return max(1, ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages

    def url_for(self, number: int) -> str:
        params = {k: v for k, v in self.query.items() if v not in (None, "")}
        params["page"] = number
        return f"{self.base_path}?{urlencode(params)}"


def paginate(
    session: Session, query: SelectOfScalar, *, page: int, per_page: int
) -> tuple[list, int]:
    """Items of one page and the total count: two statements whatever the size."""
    total = session.exec(select(func.count()).select_from(query.order_by(None).subquery())).one()
    last_page = max(1, ceil(total / per_page))
    page = min(page, last_page)
    items = list(session.exec(query.offset((page - 1) * per_page).limit(per_page)).all())
    return items, total
