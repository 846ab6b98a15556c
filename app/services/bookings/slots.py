"""The slot grid of a studio: whether a time lies on it, and the next free time on it.

Used by the booking service (app/services/bookings.py), where every rule is applied.
"""

from datetime import datetime, timedelta

from sqlmodel import Session, select

from app.models.studios import ACTIVE_STATUSES, Booking, Studio, StudioBlackout, StudioHours
from app.services import clock

NEXT_FREE_SEARCH_DAYS = 60


def check_grid(studio: Studio, hours: dict[int, StudioHours], starts_at, ends_at) -> str | None:
    """None when [starts_at, ends_at) lies inside one day's opening hours, on the grid."""
    day = clock.local_date(starts_at)
    row = hours.get(day.weekday())
    if row is None:
        return "closed_day"
    start_minute = clock.local_minute(starts_at)
    wall_minutes = round((ends_at - starts_at).total_seconds() / 60)
    end_minute = start_minute + wall_minutes
    if clock.local_date(ends_at - timedelta(microseconds=1)) != day:
        return "hours"
    if start_minute < row.opens or end_minute > row.closes:
        return "hours"
    if (start_minute - row.opens) % studio.slot_minutes:
        return "grid"
    return None


def next_free_slot(
    session: Session,
    *,
    studio: Studio,
    hours: dict[int, StudioHours],
    after: datetime,
    minutes: int,
    now: datetime,
) -> clock.Slot | None:
    """The first start at or after ``after`` where ``minutes`` fit every time rule."""
    minutes = max(minutes, studio.min_minutes)
    horizon_day = clock.local_date(now) + timedelta(days=studio.advance_days)
    first_day = clock.local_date(after)
    last_day = min(horizon_day, first_day + timedelta(days=NEXT_FREE_SEARCH_DAYS))
    if last_day < first_day:
        return None
    window_start, window_end = (
        clock.day_start(first_day),
        clock.day_start(last_day + timedelta(days=1)),
    )
    # Column pairs, not entities: every refused press in a rush searches up to the
    # booking horizon, over every booking in it.
    busy = session.exec(
        select(Booking.starts_at, Booking.blocked_until).where(
            Booking.studio_id == studio.id,
            Booking.status.in_(ACTIVE_STATUSES),
            Booking.starts_at < window_end + timedelta(minutes=studio.buffer_minutes),
            Booking.blocked_until > window_start,
        )
    ).all()
    dark = session.exec(
        select(StudioBlackout.starts_at, StudioBlackout.ends_at).where(
            StudioBlackout.studio_id == studio.id,
            StudioBlackout.starts_at < window_end,
            StudioBlackout.ends_at > window_start,
        )
    ).all()
    buffer = timedelta(minutes=studio.buffer_minutes)
    day = first_day
    while day <= last_day:
        row = hours.get(day.weekday())
        if row is not None:
            for slot in clock.day_slots(day, row.opens, row.closes, studio.slot_minutes):
                start = slot.starts_at
                end = start + timedelta(minutes=minutes)
                if start < after or check_grid(studio, hours, start, end) is not None:
                    continue
                if any(s < end + buffer and start < e for s, e in busy):
                    continue
                if any(s < end and start < e for s, e in dark):
                    continue
                return clock.Slot(day, slot.minute, start, end)
        day += timedelta(days=1)
    return None
