"""What contest judging and certificate exams share: a rubric criterion's fields and a
score sheet, checked one way and written one way, so the two cannot drift apart.

Both store criteria with ``name_zh, name_en, weight, max_score, sort_order`` and scores as
one row per criterion with a ``value``; the callers own the tables and who may write.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol

from sqlmodel import Session

from app.errors import FormErrors
from app.i18n import lazy_gettext as _l
from app.services.contests.editions import parse_decimal, parse_int, parse_names


class Criterion(Protocol):
    id: int | None
    max_score: int


class ScoreRow(Protocol):
    value: Decimal


@dataclass(frozen=True)
class CriterionFields:
    name_zh: str
    name_en: str
    weight: Decimal
    max_score: int


def criterion_fields(
    *, name_zh: str | None, name_en: str | None, weight: str | None, max_score: str | None
) -> CriterionFields:
    """A new criterion's fields from a form, or FormErrors beside each bad field."""
    errors: dict = {}
    name_zh, name_en = parse_names(
        name_zh, name_en, errors, missing=_l("Enter the criterion's name.")
    )
    w = parse_decimal(weight or "1", "weight", errors, low=Decimal("0.01"), high=Decimal(100))
    top = parse_int(max_score, "max_score", errors, low=1, high=1000)
    if top is None and "max_score" not in errors:
        errors["max_score"] = _l("Enter the maximum score.")
    if errors:
        raise FormErrors(errors)
    return CriterionFields(name_zh, name_en, w, top)


def read_score_sheet(
    rubric: Iterable[Criterion], form: Mapping[str, Any], errors: dict
) -> dict[int, Decimal | None]:
    """The values sent for a rubric (fields ``c<criterion id>``): a blank field clears its
    score (None), a field not sent is left alone. Bad values go into ``errors``."""
    values: dict[int, Decimal | None] = {}
    for criterion in rubric:
        name = f"c{criterion.id}"
        if name not in form:
            continue
        text = (form.get(name) or "").strip()
        if not text:
            values[criterion.id] = None
            continue
        value = parse_decimal(text, name, errors, low=0, high=criterion.max_score)
        if name in errors:
            errors[name] = _l(
                "Enter a score from 0 to %(max)s (at most two decimal places).",
                max=criterion.max_score,
            )
        else:
            values[criterion.id] = value
    return values


def write_scores(
    session: Session,
    values: Mapping[int, Decimal | None],
    existing: Mapping[int, ScoreRow],
    new_row: Callable[[int, Decimal], Any],
) -> None:
    """Apply checked values to the score rows by criterion id: delete, add or update."""
    for criterion_id, value in values.items():
        row = existing.get(criterion_id)
        if value is None:
            if row is not None:
                session.delete(row)
        elif row is None:
            session.add(new_row(criterion_id, value))
        elif row.value != value:
            row.value = value
            session.add(row)
