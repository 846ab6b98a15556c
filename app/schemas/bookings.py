"""Forms of studio bookings: one booking (the week calendar's panel, also used to join the
waitlist), a teacher's weekly series, and the reason given when cancelling or rejecting.

What needs the database or the booker (a purpose of their role, a team they may book for,
the studio's own rules) is checked by the bookings service."""

from datetime import datetime, timedelta
from typing import Any

from pydantic import Field

from app.i18n import N_
from app.i18n import lazy_gettext as _l
from app.models.studios import Purpose
from app.schemas.base import FormModel
from app.schemas.fields import Choice, Count, Id, OptionalId, Text
from app.schemas.times import HourMinute, LocalDate
from app.services import clock

DAY_MINUTES = 24 * 60
MAX_WEEKS = 26
TITLE_CHARS = 200
REASON_CHARS = 500


class _SlotForm(FormModel):
    """What a booking and a series share: the start time, the length, the purpose, a
    note and the team booked for."""

    time: HourMinute(message=N_("Enter a start time as HH:MM."))
    minutes: Count(low=1, high=DAY_MINUTES, message=N_("Choose a length."))
    purpose: Choice(Purpose, message=N_("Choose a purpose."))
    title: Text(TITLE_CHARS)
    team_id: OptionalId

    def field_problems(self) -> dict[str, Any]:
        if self.has("time") and self.time >= DAY_MINUTES:  # 24:00 ends a day, starts none
            return {"time": _l("Enter a start time as HH:MM.")}
        return {}


class BookingForm(_SlotForm):
    """One booking of a studio: a local date and start time, and a length."""

    date: LocalDate()

    def span(self) -> tuple[datetime, datetime]:
        """The booking's UTC start and end (a valid form names no skipped local time)."""
        starts_at = clock.local_instant(self.date, self.time)
        return starts_at, starts_at + timedelta(minutes=self.minutes)  # type: ignore[operator]

    def field_problems(self) -> dict[str, Any]:
        problems = super().field_problems()
        if (
            self.has("date", "time")
            and "time" not in problems
            and clock.local_instant(self.date, self.time) is None
        ):
            problems["time"] = _l("This local time does not exist (clocks change).")
        return problems


class RecurringForm(_SlotForm):
    """A weekly series: a studio, weekdays (0 is Monday) and the first and last date."""

    studio_id: Id
    weekdays: list[Count(low=0, high=6)]
    first_date: LocalDate()
    last_date: LocalDate()

    def days(self) -> list[int]:
        """The chosen weekdays, each once, Monday first."""
        return sorted(set(self.weekdays))

    def field_problems(self) -> dict[str, Any]:
        problems = super().field_problems()
        if self.has("weekdays") and not self.weekdays:
            problems["weekdays"] = _l("Choose at least one weekday.")
        if self.has("first_date", "last_date"):
            if self.last_date < self.first_date:
                problems["last_date"] = _l("The last date must not be before the first.")
            elif (self.last_date - self.first_date).days > MAX_WEEKS * 7:
                problems["last_date"] = _l("A series may cover at most %(n)s weeks.", n=MAX_WEEKS)
        return problems


class RecurringActionForm(RecurringForm):
    """The series form as posted: preview it, or book the occurrences the preview showed
    (each named by its start, as the preview's hidden inputs send it)."""

    action: Choice(("preview", "commit"), required=False)
    occurrences: list[Text(40)] = Field(default=[], alias="occurrence")

    @property
    def commits(self) -> bool:
        return self.action == "commit"


class ReasonForm(FormModel):
    """Why a booking is cancelled or rejected (the booker sees it); whether a reason is
    needed depends on who decides, so the service says so."""

    reason: Text(REASON_CHARS)


class DoorCheckinForm(FormModel):
    """Checking in from the studio's QR: the door's code the scan carried."""

    code: Text(64) = ""


class ForgiveStrikeForm(FormModel):
    """Why staff forgive a missed check-in (the student and other staff read it); ``q`` is
    the strikes page's search, kept for the way back."""

    reason: Text(REASON_CHARS, required=True)
    q: Text(100) = ""
