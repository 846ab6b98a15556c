"""What a studio's week calendar and the front desk's day board show: the shared rows
kept per worker (kept.py) with the viewer's own part drawn live. A fixed handful of
queries, whatever the number of bookings."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import bindparam
from sqlmodel import Session, select

from app.models import Role, User
from app.models.base import utcnow
from app.models.studios import (
    ACTIVE_STATUSES,
    Booking,
    BookingStatus,
    Studio,
    StudioBlackout,
    StudioHours,
    WaitlistEntry,
    WaitlistStatus,
)
from app.services import clock
from app.services.bookings import kept
from app.services.bookings.feeds import studio_feed_token
from app.services.bookings.grid import Column, Grid, build_grid, shows_names
from app.services.bookings.rules import weekly_hours
from app.services.studios import get_studio


@dataclass
class WeekCalendar:
    studio: Studio
    monday: date
    days: list[date]
    grid: Grid
    blackouts: list[StudioBlackout]
    waitlist: list[WaitlistEntry] = field(default_factory=list)
    # The grid as everyone with the viewer's role (and booked hours) sees it; the template
    # draws the rows holding the viewer's own bookings live.
    shared: kept.SharedGrid | None = None
    viewer_id: int | None = None

    @property
    def prev_week(self) -> date:
        return self.monday - timedelta(days=7)

    @property
    def next_week(self) -> date:
        return self.monday + timedelta(days=7)


# Built once (a week page runs them on every visit). Waitlist holds are read whatever their
# end: a kept week leaves out those that have ended by the time it is drawn
# (kept.visible_bookings).
_BOOKINGS_BETWEEN = (
    select(Booking, User)
    .join(User, User.id == Booking.user_id)
    .where(
        Booking.studio_id.in_(bindparam("studio_ids", expanding=True)),
        Booking.starts_at < bindparam("end"),
        Booking.ends_at > bindparam("start"),
        Booking.status.in_(ACTIVE_STATUSES + (BookingStatus.no_show,)),
    )
    .order_by(Booking.starts_at)
)
_BLACKOUTS_BETWEEN = (
    select(StudioBlackout)
    .where(
        StudioBlackout.studio_id.in_(bindparam("studio_ids", expanding=True)),
        StudioBlackout.starts_at < bindparam("end"),
        StudioBlackout.ends_at > bindparam("start"),
    )
    .order_by(StudioBlackout.starts_at)
)
_STUDIO_HOURS = select(StudioHours).where(
    StudioHours.studio_id.in_(bindparam("studio_ids", expanding=True))
)
_MY_WAITLIST_IN_WEEK = select(WaitlistEntry).where(
    WaitlistEntry.studio_id == bindparam("studio_id"),
    WaitlistEntry.user_id == bindparam("user_id"),
    WaitlistEntry.status == WaitlistStatus.waiting,
    WaitlistEntry.starts_at >= bindparam("start"),
    WaitlistEntry.starts_at < bindparam("end"),
)


def _load_rows(session, studios: list[Studio], start, end) -> kept.KeptRows:
    """The hours, bookings and blackouts of ``studios`` between two instants."""
    params = {"studio_ids": [s.id for s in studios], "start": start, "end": end}
    hours: dict[int, dict[int, StudioHours]] = {}
    bookings, blackouts = [], []
    if studios:
        for h in session.exec(_STUDIO_HOURS, params=params).all():
            hours.setdefault(h.studio_id, {})[h.weekday] = h
        bookings = [(b, u) for b, u in session.exec(_BOOKINGS_BETWEEN, params=params).all()]
        blackouts = list(session.exec(_BLACKOUTS_BETWEEN, params=params).all())
    return kept.KeptRows(studios, hours, bookings, blackouts)


def _draw(columns, slot, rows: kept.KeptRows, audience, now) -> kept.SharedGrid:
    """The grid of ``columns`` for ``audience`` at ``now``, with the instant it holds until."""
    bookings = kept.visible_bookings(rows, now)
    grid = build_grid(
        columns,
        slot,
        bookings,
        rows.blackouts,
        viewer=audience,
        now=now,
        used_hours=audience.used_hours,
    )
    studio = columns[0].studio if columns else None
    shared = kept.shared_rows(grid, studio, shows_names(audience))
    until = kept.valid_until(grid, rows.bookings, now)
    return kept.SharedGrid(grid, shared, until, clock.local_date(now))


def week_calendar(
    session: Session, *, studio_id: int, monday: date, viewer: User, now: datetime | None = None
) -> WeekCalendar:
    """One studio's week: a grid of slots, its bookings and blackouts; the shared part is
    kept (kept.py), the viewer's booked hours and waitlist are read each time."""
    now = now or utcnow()
    monday = clock.monday_of(monday)
    start, end = clock.week_range(monday)

    def load() -> kept.KeptRows:
        studio = get_studio(session, studio_id=studio_id)
        return _load_rows(session, [studio], start, end)

    rows = kept.kept_rows(session, ("week", studio_id, monday), load)
    studio = rows.studios[0]
    used = 0.0
    if viewer.role == Role.student:  # the weekly quota counts every studio
        used = weekly_hours(session, user_id=viewer.id, day=monday)
    audience = kept.audience_of(viewer, used)

    def draw() -> kept.SharedGrid:
        columns = kept.columns_of_week(rows, monday)
        shared = _draw(columns, studio.slot_minutes, rows, audience, now)
        shared.feed_token = studio_feed_token(session, studio_id=studio.id, viewer=audience)
        return shared

    shared = rows.grid_for((audience.role, used), now, draw)
    params = {"studio_id": studio.id, "user_id": viewer.id, "start": start, "end": end}
    waitlist = list(session.exec(_MY_WAITLIST_IN_WEEK, params=params).all())
    days = [monday + timedelta(days=n) for n in range(7)]
    return WeekCalendar(
        studio,
        monday,
        days,
        shared.grid,
        rows.blackouts,
        waitlist,
        shared=shared,
        viewer_id=viewer.id,
    )


@dataclass
class DayBoard:
    day: date
    grid: Grid

    @property
    def prev_day(self) -> date:
        return self.day - timedelta(days=1)

    @property
    def next_day(self) -> date:
        return self.day + timedelta(days=1)


_ACTIVE_STUDIOS = select(Studio).where(Studio.is_active == True).order_by(Studio.name)  # noqa: E712


def day_board(session: Session, *, day: date, viewer: User, now: datetime | None = None):
    """Every active studio on one day, side by side, for the front desk; kept (kept.py)
    for everyone of the viewer's role until a booking or a studio changes."""
    now = now or utcnow()
    start, end = clock.day_start(day), clock.day_start(day + timedelta(days=1))

    def load() -> kept.KeptRows:
        studios = list(session.exec(_ACTIVE_STUDIOS).all())
        return _load_rows(session, studios, start, end)

    rows = kept.kept_rows(session, ("board", day), load)
    slot = min((s.slot_minutes for s in rows.studios), default=30)
    audience = kept.audience_of(viewer, 0.0)

    def draw() -> kept.SharedGrid:
        columns = [
            Column(day, s, rows.hours.get(s.id, {}).get(day.weekday())) for s in rows.studios
        ]
        return _draw(columns, slot, rows, audience, now)

    shared = rows.grid_for((audience.role,), now, draw)
    return DayBoard(day, shared.grid)


# A waitlist entry holding an offer whose hold has not ended (rows joined to the booking).
