"""The review (复盘) form of a live session: what went well, what to change, and the
follow-up action rows (text + owner + optional due date)."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import Field
from pydantic_core import PydanticCustomError

from app.i18n import lazy_gettext as _l
from app.schemas.base import FormModel
from app.schemas.fields import Flag, Text, clean_text, is_blank, row_id_or_none
from app.schemas.times import parse_local_date

REVIEW_CHARS = 5000
ACTION_CHARS = 500
MAX_ACTIONS = 20


@dataclass(frozen=True)
class ActionRow:
    """One filled action row; ``number`` (from 1) names its inputs' error slots."""

    number: int
    action_id: int | None  # the action it edits; None for a new one
    text: str
    owner_id: int | None
    due_on: date | None


def _worded(exc: PydanticCustomError) -> Any:
    context = exc.context or {}
    return _l(context.get("msgid", "Check this field."), **context.get("params", {}))


class ReviewForm(FormModel):
    """做得好的 / 要改的, and the action rows (repeated inputs, as the plan's product rows).
    A row left blank is skipped; an existing action whose row is cleared is removed."""

    went_well: Text(REVIEW_CHARS)
    problems: Text(REVIEW_CHARS)
    action_ids: list[str] = Field(default=[], alias="action_id")
    action_texts: list[str] = Field(default=[], alias="action_text")
    action_owners: list[str] = Field(default=[], alias="action_owner")
    action_dues: list[str] = Field(default=[], alias="action_due")

    def _raw_rows(self):
        columns = (self.action_ids, self.action_texts, self.action_owners, self.action_dues)
        width = max(len(column) for column in columns)
        padded = [list(column) + [""] * (width - len(column)) for column in columns]
        for number, (action_id, text, owner, due) in enumerate(zip(*padded, strict=True), 1):
            if not (is_blank(text) and is_blank(owner) and is_blank(due)):
                yield number, action_id, text, owner, due

    def actions(self) -> list[ActionRow]:
        """The filled rows, typed (call on a valid form; the service checks the owners)."""
        return [
            ActionRow(
                number,
                row_id_or_none(action_id),
                clean_text(text, max_length=ACTION_CHARS, required=True),
                row_id_or_none(owner),
                None if is_blank(due) else parse_local_date(due),
            )
            for number, action_id, text, owner, due in self._raw_rows()
        ]

    def field_problems(self) -> dict[str, Any]:
        problems: dict[str, Any] = {}
        if not self.has("action_ids", "action_texts", "action_owners", "action_dues"):
            return problems
        rows = list(self._raw_rows())
        if len(rows) > MAX_ACTIONS:
            problems["actions"] = _l("Record at most %(n)s actions.", n=MAX_ACTIONS)
        for number, _action_id, text, owner, due in rows:
            try:
                clean_text(text, max_length=ACTION_CHARS, required=True)
            except PydanticCustomError as exc:
                problems[f"action_text_{number}"] = _worded(exc)
            if row_id_or_none(owner) is None:
                problems[f"action_owner_{number}"] = _l("Choose who owns this action.")
            if not is_blank(due):
                try:
                    parse_local_date(due)
                except PydanticCustomError as exc:
                    problems[f"action_due_{number}"] = _worded(exc)
        return problems


class CommentForm(FormModel):
    """A mentor's or teacher's remark on a session's review."""

    body: Text(2000, required=True)


class ActionTickForm(FormModel):
    """Mark a review action done (1) or reopen it (0)."""

    done: Flag() = False
