"""Forms of mentoring: guidance logs, team pairings, teachers' enterprise pairings and
practice days."""

from datetime import date, timedelta
from typing import Any

from pydantic import Field

from app.i18n import N_
from app.i18n import lazy_gettext as _l
from app.models.teams import GuidanceMode
from app.schemas.base import FormModel
from app.schemas.fields import Choice, Count, Flag, IdList, OptionalId, Text
from app.schemas.times import LocalDate

MAX_ACTIONS = 10
MAX_MINUTES = 600
MAX_REPORT_WEEKS = 104


class LogForm(FormModel):
    """One guidance session: when, how long, how, the topics (skills), notes and the
    action items the team should do next (one input per item)."""

    held_on: LocalDate(not_future=True)
    minutes: Count(low=1, high=MAX_MINUTES)
    mode: Choice(GuidanceMode, message=N_("Choose how the session was held."))
    skill_ids: IdList = []
    notes: Text(10000)
    actions: list[str] = Field(default=[], alias="action")

    def action_items(self) -> list[str]:
        return [text.strip() for text in self.actions if text.strip()]

    def field_problems(self) -> dict[str, Any]:
        if not self.has("actions"):
            return {}
        items = self.action_items()
        if len(items) > MAX_ACTIONS:
            return {"actions": _l("Record at most %(n)s action items.", n=MAX_ACTIONS)}
        if any(len(text) > 500 or "\x00" in text for text in items):
            return {"actions": _l("Each action item may have at most 500 characters.")}
        return {}


class ActionTickForm(FormModel):
    done: Flag() = True


class _Span(FormModel):
    """A start date and an optional end that is not before it."""

    starts_on: LocalDate()
    ends_on: LocalDate(required=False) = None

    def field_problems(self) -> dict[str, Any]:
        if self.has("starts_on", "ends_on") and self.ends_on and self.ends_on < self.starts_on:
            return {"ends_on": _l("The end must not be before the start.")}
        return {}


class PairingForm(_Span):
    team_id: OptionalId
    teacher_id: OptionalId
    mentor_id: OptionalId
    goals: Text(5000)


class EndPairingForm(FormModel):
    ends_on: LocalDate(required=False) = None


class EnterprisePairingForm(_Span):
    teacher_id: OptionalId = None
    enterprise: Text(200, required=True)
    contact: Text(100)
    notes: Text(2000)


class PracticeForm(FormModel):
    teacher_id: OptionalId = None
    enterprise: Text(200, required=True)
    starts_on: LocalDate(not_future=True)
    ends_on: LocalDate(not_future=True)
    content: Text(2000)

    def field_problems(self) -> dict[str, Any]:
        if not self.has("starts_on", "ends_on"):
            return {}
        if self.ends_on < self.starts_on:
            return {"ends_on": _l("The end must not be before the start.")}
        if (self.ends_on - self.starts_on).days >= 366:
            return {"ends_on": _l("Record at most one year at a time.")}
        return {}


class ReportFilter(FormModel):
    """The guidance report's period: the last N weeks, or from a day to a day (inclusive)."""

    weeks: Count(low=1, high=MAX_REPORT_WEEKS) = 4
    start: LocalDate(required=False) = None
    end: LocalDate(required=False) = None
    # Every quiet team rather than the first few (hundreds at a big college: loaded on
    # demand, since the page is read for its totals far more often than for that list).
    all_quiet: Flag() = False

    def end_exclusive(self) -> date | None:
        return self.end + timedelta(days=1) if self.end else None
