"""The college's clock: times stored in UTC, reasoned about in the college's zone.

Opening hours are minutes after local midnight. A local (date, minute) is turned into UTC
on that date, so 10:00 stays 10:00 on both sides of a daylight-saving change. Local times
that do not exist (the hour skipped in spring) have no UTC instant and are never slots.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from app.config import settings

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def zone() -> ZoneInfo:
    """The college's zone (read on every call: tests switch it)."""
    return settings.tz


def local_instant(day: date, minute: int) -> datetime | None:
    """The UTC instant of local ``day`` at ``minute`` after midnight, or None if skipped."""
    naive = datetime.combine(day, time()) + timedelta(minutes=minute)
    aware = naive.replace(tzinfo=zone())
    instant = aware.astimezone(UTC)
    if instant.astimezone(zone()).replace(tzinfo=None) != naive:
        return None
    return instant


def boundary_instant(day: date, minute: int) -> datetime:
    """Like local_instant, but a skipped local time maps to the instant the gap ends."""
    naive = datetime.combine(day, time()) + timedelta(minutes=minute)
    return naive.replace(tzinfo=zone()).astimezone(UTC)


def day_start(day: date) -> datetime:
    """UTC instant of local midnight (or the first instant of the day if midnight is skipped)."""
    naive = datetime.combine(day, time())
    return naive.replace(tzinfo=zone()).astimezone(UTC)


def to_local(instant: datetime) -> datetime:
    return instant.astimezone(zone())


def local_text(instant: datetime) -> str:
    """An instant as the college reads it: 2026-05-20 19:30."""
    return instant.astimezone(zone()).strftime("%Y-%m-%d %H:%M")


def local_date(instant: datetime) -> date:
    return instant.astimezone(zone()).date()


def local_minute(instant: datetime) -> int:
    local = instant.astimezone(zone())
    return local.hour * 60 + local.minute


def today(now: datetime | None = None) -> date:
    """Today's date in the college's zone."""
    return local_date(now or datetime.now(UTC))


def term_bounds(day: date, session=None) -> tuple[date, date]:
    """The college term containing ``day`` as [start, end): the term calendar's (校历) when
    one is configured for that day, else the fixed rule (autumn Sep–Feb, spring Mar–Aug).

    Without ``session`` the calendar is read on a short session of its own, so callers that
    hold none keep working; pass the request's session to read within its transaction."""
    from app.services.terms import calendar  # the calendar's models import this module

    if session is not None:
        term = calendar.term_dates_containing(session, day=day)
    else:
        from app import db

        with db.open_session() as own:
            term = calendar.term_dates_containing(own, day=day)
    if term is not None:
        starts_on, ends_on = term
        return starts_on, ends_on + timedelta(days=1)
    return fixed_term_bounds(day)


def fixed_term_bounds(day: date) -> tuple[date, date]:
    """The rule used where no term is configured: autumn Sep–Feb, spring Mar–Aug."""
    if day.month >= 9:
        return date(day.year, 9, 1), date(day.year + 1, 3, 1)
    if day.month < 3:
        return date(day.year - 1, 9, 1), date(day.year, 3, 1)
    return date(day.year, 3, 1), date(day.year, 9, 1)


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def week_range(monday: date) -> tuple[datetime, datetime]:
    """UTC bounds [start, end) of the local week that starts on ``monday``."""
    return day_start(monday), day_start(monday + timedelta(days=7))


def hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


@dataclass(frozen=True)
class Slot:
    """One slot of a studio's grid: local date and minute, and its UTC bounds."""

    day: date
    minute: int
    starts_at: datetime
    ends_at: datetime

    @property
    def label(self) -> str:
        return hhmm(self.minute)


def day_slots(day: date, opens: int, closes: int, slot_minutes: int) -> list[Slot]:
    """The grid of one day; slots in a skipped hour are left out."""
    slots = []
    for minute in range(opens, closes, slot_minutes):
        end_minute = min(minute + slot_minutes, closes)
        starts_at = local_instant(day, minute)
        ends_at = boundary_instant(day, end_minute)
        if starts_at is None or ends_at is None or ends_at <= starts_at:
            continue
        slots.append(Slot(day, minute, starts_at, ends_at))
    return slots
