"""Factories for studios and bookings: make_x(session, **overrides) -> x (flushed)."""

import itertools
from datetime import date, datetime, timedelta

from sqlmodel import Session

from app.models.studios import Booking, BookingStatus, Studio, StudioBlackout, StudioHours
from app.schemas.times import parse_hhmm
from app.services import clock as st

_seq = itertools.count(1)


def make_studio(
    session: Session,
    *,
    opens: str = "08:00",
    closes: str = "22:00",
    weekdays=range(7),
    **overrides,
) -> Studio:
    n = next(_seq)
    values = {
        "name": f"直播间 {n}",
        "location": f"实训楼 {n}0{n}",
        "capacity": 6,
        "equipment": "补光灯\n声卡\n手机支架",
        "slot_minutes": 30,
        "min_minutes": 30,
        "max_minutes": 240,
        "advance_days": 14,
        "buffer_minutes": 0,
    }
    values.update(overrides)
    studio = Studio(**values)
    session.add(studio)
    session.flush()
    for weekday in weekdays:
        session.add(
            StudioHours(
                studio_id=studio.id,
                weekday=weekday,
                opens=parse_hhmm(opens),
                closes=parse_hhmm(closes),
            )
        )
    session.flush()
    return studio


def local(day: date, hhmm: str) -> datetime:
    """The UTC instant of a local date and time in the configured zone."""
    return st.local_instant(day, parse_hhmm(hhmm))


def next_weekday(weekday: int, *, after: date | None = None, weeks: int = 0) -> date:
    """The next local date (strictly after ``after``, default today) on ``weekday``."""
    start = after or st.today()
    days = (weekday - start.weekday() - 1) % 7 + 1
    return start + timedelta(days=days + 7 * weeks)


def make_booking(
    session: Session,
    *,
    studio: Studio,
    user,
    starts_at: datetime,
    minutes: int = 60,
    status: str = BookingStatus.approved,
    purpose: str = "personal",
    **overrides,
) -> Booking:
    """A booking written directly (no rules): for setting up situations."""
    ends_at = starts_at + timedelta(minutes=minutes)
    values = {
        "studio_id": studio.id,
        "user_id": user.id,
        "purpose": purpose,
        "starts_at": starts_at,
        "ends_at": ends_at,
        "blocked_until": ends_at + timedelta(minutes=studio.buffer_minutes),
        "status": status,
    }
    values.update(overrides)
    booking = Booking(**values)
    session.add(booking)
    session.flush()
    return booking


def make_blackout(session: Session, *, studio: Studio, starts_at, ends_at, reason="设备检修"):
    blackout = StudioBlackout(
        studio_id=studio.id, starts_at=starts_at, ends_at=ends_at, reason=reason
    )
    session.add(blackout)
    session.flush()
    return blackout
