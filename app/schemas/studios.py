"""Forms of studios (administrators): a studio's settings with its weekly opening hours,
and a blackout period. A unique name and a valid approver need the database: the studios
service checks those."""

from datetime import date, datetime, timedelta
from typing import Any

from pydantic import create_model

from app.i18n import lazy_gettext as _l
from app.schemas.base import FormModel
from app.schemas.fields import Count, Flag, OptionalId, Text
from app.schemas.times import HourMinute, LocalDate
from app.services import clock

SLOT_CHOICES = (15, 20, 30, 45, 60, 90, 120)
DAY_MINUTES = 24 * 60
EQUIPMENT_LINES = 50
EQUIPMENT_LINE_CHARS = 100


def hours_field(weekday: int) -> str:
    """Where a weekday's opening-hours problem is shown (one message per table row)."""
    return f"hours_{weekday}"


class _StudioSettings(FormModel):
    name: Text(100, required=True)
    location: Text(200)
    capacity: Count(low=1, high=500)
    equipment: Text(EQUIPMENT_LINES * (EQUIPMENT_LINE_CHARS + 1))
    slot_minutes: Count(low=15, high=120)
    min_minutes: Count(low=15, high=DAY_MINUTES)
    max_minutes: Count(low=15, high=DAY_MINUTES)
    advance_days: Count(low=1, high=365)
    buffer_minutes: Count(low=0, high=240)
    # How long a freed slot is held for the first on its waitlist: 5 minutes to a day.
    offer_hold_minutes: Count(low=5, high=1440)
    requires_approval: Flag()
    approver_id: OptionalId
    is_active: Flag()

    def equipment_text(self) -> str:
        """One item per line, blank lines dropped."""
        lines = (line.strip() for line in self.equipment.splitlines())
        return "\n".join(line[:EQUIPMENT_LINE_CHARS] for line in lines if line)

    def hours(self) -> dict[int, tuple[int, int]]:
        """Opening and closing minute of each open weekday (a closed day has neither)."""
        opening = {}
        for weekday in range(7):
            opens, closes = getattr(self, f"opens_{weekday}"), getattr(self, f"closes_{weekday}")
            if opens is not None and closes is not None:
                opening[weekday] = (opens, closes)
        return opening

    def field_problems(self) -> dict[str, Any]:
        problems: dict[str, Any] = {}
        slot = self.slot_minutes if self.has("slot_minutes") else None
        if slot is not None and slot not in SLOT_CHOICES:
            problems["slot_minutes"] = _l("Choose one of the offered slot sizes.")
            slot = None
        lengths = ("min_minutes", "max_minutes")
        for name in lengths:
            if slot and self.has(name) and getattr(self, name) % slot:
                problems[name] = _l("Use a multiple of the slot size (%(n)s minutes).", n=slot)
        if (
            self.has(*lengths)
            and not problems.keys() & set(lengths)
            and self.min_minutes > self.max_minutes
        ):
            problems["max_minutes"] = _l("The maximum must not be below the minimum.")
        if self.has("equipment") and len(self.equipment_text().splitlines()) > EQUIPMENT_LINES:
            problems["equipment"] = _l("List at most %(n)s items of equipment.", n=EQUIPMENT_LINES)
        for weekday in range(7):
            problem = self._hours_problem(weekday, slot)
            if problem is not None:
                problems[hours_field(weekday)] = problem
        return problems

    def _hours_problem(self, weekday: int, slot: int | None) -> Any:
        names = (f"opens_{weekday}", f"closes_{weekday}")
        if not self.has(*names):
            return None  # a time that is not HH:MM: its own message is shown
        opens, closes = (getattr(self, name) for name in names)
        if opens is None and closes is None:
            return None  # closed that day
        if opens is None or closes is None:
            return _l("Enter both times as HH:MM, or leave both empty for a closed day.")
        if opens >= closes:
            return _l("The closing time must be after the opening time.")
        if slot and (opens % slot or closes % slot):
            return _l("Times must fall on the slot grid (every %(n)s minutes).", n=slot)
        return None


# opens_0, closes_0 … opens_6, closes_6: a blank pair is a closed day
StudioForm = create_model(
    "StudioForm",
    __base__=_StudioSettings,
    __doc__="A studio's settings, booking rules and opening hours (0 is Monday).",
    __module__=__name__,
    **{
        f"{edge}_{weekday}": (HourMinute(required=False), ...)
        for weekday in range(7)
        for edge in ("opens", "closes")
    },
)


def _instant(day: date, minute: int) -> datetime | None:
    """UTC instant of a local date and minute; 24:00 is the next midnight; None for a
    local time the clocks skip."""
    if minute == DAY_MINUTES:
        return clock.day_start(day + timedelta(days=1))
    return clock.local_instant(day, minute)


class BlackoutForm(FormModel):
    """A period the studio is closed: from a local date and time to another; a blank
    time is the start (00:00) or the end (24:00) of the day."""

    start_date: LocalDate()
    start_time: HourMinute(required=False)
    end_date: LocalDate()
    end_time: HourMinute(required=False)
    reason: Text(200)

    def starts_at(self) -> datetime:
        return _instant(self.start_date, self.start_time or 0)  # type: ignore[return-value]

    def ends_at(self) -> datetime:
        end = DAY_MINUTES if self.end_time is None else self.end_time
        return _instant(self.end_date, end)  # type: ignore[return-value]

    def field_problems(self) -> dict[str, Any]:
        problems: dict[str, Any] = {}
        if self.has("reason") and not self.reason:
            problems["reason"] = _l("Say why the studio is closed (e.g. maintenance, exams).")
        edges = {}
        for key, fields, instant in (
            ("starts", ("start_date", "start_time"), self.starts_at),
            ("ends", ("end_date", "end_time"), self.ends_at),
        ):
            if self.has(*fields):
                edges[key] = instant()
                if edges[key] is None:
                    problems[key] = _l("This local time does not exist (clocks change).")
        if edges.get("starts") and edges.get("ends") and edges["ends"] <= edges["starts"]:
            problems["ends"] = _l("The end must be after the start.")
        return problems
