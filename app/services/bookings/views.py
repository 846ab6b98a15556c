"""What the booking pages show: week calendar, day board, my bookings, approval queue,
dashboard figures. Each is a fixed handful of queries, whatever the number of bookings."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from math import ceil

from sqlalchemy import and_, bindparam, func, not_, or_
from sqlmodel import Session, select

from app.config import settings
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
from app.models.teams import Team
from app.services import clock
from app.services.bookings.grid import Column, Grid, build_grid
from app.services.bookings.lifecycle import BookingView, describe
from app.services.bookings.rules import weekly_hours
from app.services.bookings.strikes import StrikeSummary, strike_summary
from app.services.pagination import Page, paginate
from app.services.studios import get_studio, studio_hours


@dataclass
class WeekCalendar:
    studio: Studio
    monday: date
    days: list[date]
    grid: Grid
    blackouts: list[StudioBlackout]
    waitlist: list[WaitlistEntry] = field(default_factory=list)

    @property
    def prev_week(self) -> date:
        return self.monday - timedelta(days=7)

    @property
    def next_week(self) -> date:
        return self.monday + timedelta(days=7)


# A waitlist offer whose hold has ended no longer holds its time, even before it is
# written as lapsed (the next booking, waitlist or offer action, or `tick`, writes it).
_STALE_OFFER = and_(
    Booking.status == BookingStatus.offered, Booking.offer_expires_at <= bindparam("now")
)


def _bookings_between(session, studio_ids, start, end, now):
    query = (
        select(Booking, User)
        .join(User, User.id == Booking.user_id)
        .where(
            Booking.studio_id.in_(studio_ids),
            Booking.starts_at < end,
            Booking.ends_at > start,
            Booking.status.in_(ACTIVE_STATUSES + (BookingStatus.no_show,)),
            not_(_STALE_OFFER),
        )
        .params(now=now)
        .order_by(Booking.starts_at)
    )
    return [(b, u) for b, u in session.exec(query).all()]


def _blackouts_between(session, studio_ids, start, end):
    query = select(StudioBlackout).where(
        StudioBlackout.studio_id.in_(studio_ids),
        StudioBlackout.starts_at < end,
        StudioBlackout.ends_at > start,
    )
    return list(session.exec(query.order_by(StudioBlackout.starts_at)).all())


def week_calendar(
    session: Session, *, studio_id: int, monday: date, viewer: User, now: datetime | None = None
) -> WeekCalendar:
    """One studio's week: a grid of slots, its bookings and blackouts (six queries)."""
    now = now or utcnow()
    studio = get_studio(session, studio_id=studio_id)
    monday = clock.monday_of(monday)
    hours = studio_hours(session, studio_id=studio.id)
    start, end = clock.week_range(monday)
    bookings = _bookings_between(session, [studio.id], start, end, now)
    blackouts = _blackouts_between(session, [studio.id], start, end)
    days = [monday + timedelta(days=n) for n in range(7)]
    columns = [Column(day, studio, hours.get(day.weekday())) for day in days]
    used = 0.0
    if viewer.role == Role.student:  # the weekly quota counts every studio
        used = weekly_hours(session, user_id=viewer.id, day=monday)
    grid = build_grid(
        columns, studio.slot_minutes, bookings, blackouts, viewer=viewer, now=now, used_hours=used
    )
    waitlist = session.exec(
        select(WaitlistEntry).where(
            WaitlistEntry.studio_id == studio.id,
            WaitlistEntry.user_id == viewer.id,
            WaitlistEntry.status == WaitlistStatus.waiting,
            WaitlistEntry.starts_at >= start,
            WaitlistEntry.starts_at < end,
        )
    ).all()
    return WeekCalendar(studio, monday, days, grid, blackouts, list(waitlist))


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


def day_board(session: Session, *, day: date, viewer: User, now: datetime | None = None):
    """Every active studio on one day, side by side, for the front desk (four queries)."""
    now = now or utcnow()
    studios = list(
        session.exec(
            select(Studio).where(Studio.is_active == True).order_by(Studio.name)  # noqa: E712
        ).all()
    )
    ids = [s.id for s in studios]
    hours = {
        h.studio_id: h
        for h in session.exec(
            select(StudioHours).where(
                StudioHours.studio_id.in_(ids), StudioHours.weekday == day.weekday()
            )
        ).all()
    }
    start, end = clock.day_start(day), clock.day_start(day + timedelta(days=1))
    bookings = _bookings_between(session, ids, start, end, now) if ids else []
    blackouts = _blackouts_between(session, ids, start, end) if ids else []
    slot = min((s.slot_minutes for s in studios), default=30)
    columns = [Column(day, studio, hours.get(studio.id)) for studio in studios]
    grid = build_grid(columns, slot, bookings, blackouts, viewer=viewer, now=now)
    return DayBoard(day, grid)


# A waitlist entry holding an offer whose hold has not ended (rows joined to the booking).
_OPEN_OFFER = and_(
    WaitlistEntry.status == WaitlistStatus.offered,
    Booking.status == BookingStatus.offered,
    Booking.offer_expires_at > bindparam("now"),
)


def _offers(rows) -> list[tuple[WaitlistEntry, Booking, Studio]]:
    """The open offers among (entry, studio, booking) rows, soonest deadline first."""
    found = [(e, b, s) for e, s, b in rows if e.status == WaitlistStatus.offered]
    return sorted(found, key=lambda row: row[1].offer_expires_at)


@dataclass
class MyBookings:
    upcoming: list[BookingView]
    past: Page
    waitlist: list[tuple[WaitlistEntry, Studio]]
    promoted: list[tuple[WaitlistEntry, Studio]]
    teams: dict[int, Team] = field(default_factory=dict)
    # Open waitlist offers: (entry, the held booking, studio), soonest deadline first.
    offers: list[tuple[WaitlistEntry, Booking, Studio]] = field(default_factory=list)


# Bookings still ahead of their holder: not ended, not lapsed (approved, start + check-in
# window passed), not expired (pending at its start). Parameters: _upcoming_params(now).
_UPCOMING = and_(
    Booking.ends_at > bindparam("now"),
    Booking.status.in_((BookingStatus.pending, BookingStatus.approved, BookingStatus.checked_in)),
    not_(and_(Booking.status == BookingStatus.approved, Booking.starts_at < bindparam("cutoff"))),
    not_(and_(Booking.status == BookingStatus.pending, Booking.starts_at <= bindparam("now"))),
)


def _upcoming_params(now) -> dict:
    return {"now": now, "cutoff": now - timedelta(minutes=settings.booking_checkin_after_minutes)}


def my_bookings(
    session: Session, *, user: User, page: int = 1, per_page: int = 20, now=None
) -> MyBookings:
    """Upcoming and past bookings of a user, their teams and waitlist (six queries)."""
    now = now or utcnow()
    upcoming_params = _upcoming_params(now)
    upcoming_query = (
        select(Booking, Studio)
        .join(Studio, Studio.id == Booking.studio_id)
        .where(Booking.user_id == user.id, _UPCOMING)
        .order_by(Booking.starts_at)
        .limit(200)
        .params(upcoming_params)
    )
    upcoming = [describe(b, s, user, user, now) for b, s in session.exec(upcoming_query).all()]
    past_query = (
        select(Booking)
        .where(
            Booking.user_id == user.id,
            not_(_UPCOMING),
            Booking.status != BookingStatus.offered,  # offers are listed apart, while open
        )
        .order_by(Booking.starts_at.desc(), Booking.id.desc())
        .params(upcoming_params)
    )
    items, total = paginate(session, past_query, page=page, per_page=per_page)
    studios = {}
    ids = {b.studio_id for b in items}
    if ids:
        studios = {s.id: s for s in session.exec(select(Studio).where(Studio.id.in_(ids))).all()}
    past_views = [describe(b, studios[b.studio_id], user, user, now) for b in items]
    past = Page(
        items=past_views,
        total=total,
        number=min(page, max(1, ceil(total / per_page))),
        per_page=per_page,
        base_path="/bookings",
    )
    entries = session.exec(
        select(WaitlistEntry, Studio, Booking)
        .join(Studio, Studio.id == WaitlistEntry.studio_id)
        .outerjoin(Booking, Booking.id == WaitlistEntry.booking_id)
        .where(
            WaitlistEntry.user_id == user.id,
            or_(
                (WaitlistEntry.status == WaitlistStatus.waiting) & (WaitlistEntry.starts_at > now),
                (WaitlistEntry.status == WaitlistStatus.promoted)
                & (WaitlistEntry.resolved_at > now - timedelta(days=7)),
                _OPEN_OFFER,
            ),
        )
        .order_by(WaitlistEntry.starts_at)
        .params(now=now)
    ).all()
    waiting = [(e, s) for e, s, _ in entries if e.status == WaitlistStatus.waiting]
    promoted = [(e, s) for e, s, _ in entries if e.status == WaitlistStatus.promoted]
    offers = _offers(entries)
    team_ids = {v.booking.team_id for v in upcoming + past_views if v.booking.team_id}
    teams = {}
    if team_ids:
        teams = {t.id: t for t in session.exec(select(Team).where(Team.id.in_(team_ids))).all()}
    return MyBookings(upcoming, past, waiting, promoted, teams, offers)


def approval_queue(
    session: Session, *, user: User, page: int = 1, per_page: int = 25, now=None
) -> Page:
    """Pending bookings the user may decide on, soonest first."""
    now = now or utcnow()
    query = (
        select(Booking, Studio, User)
        .join(Studio, Studio.id == Booking.studio_id)
        .join(User, User.id == Booking.user_id)
        .where(Booking.status == BookingStatus.pending, Booking.starts_at > now)
        .order_by(Booking.starts_at, Booking.id)
    )
    if user.role != Role.admin:
        query = query.where(Studio.approver_id == user.id)
    rows, total = paginate(session, query, page=page, per_page=per_page)
    views = [describe(b, s, u, user, now) for b, s, u in rows]
    return Page(
        items=views,
        total=total,
        number=min(page, max(1, ceil(total / per_page))),
        per_page=per_page,
        base_path="/bookings/approvals",
    )


@dataclass
class BookingDashboard:
    upcoming: list[BookingView] = field(default_factory=list)
    promoted: list[tuple[WaitlistEntry, Studio]] = field(default_factory=list)
    offers: list[tuple[WaitlistEntry, Booking, Studio]] = field(default_factory=list)
    pending_decisions: int = 0
    today_count: int = 0
    strike: StrikeSummary | None = None  # a student's missed check-ins and suspension


# The personal dashboard panel's statements, built once (on every student and teacher home
# page); the time limits are bind parameters, see _upcoming_params.
_MY_NEXT_BOOKINGS = (
    select(Booking, Studio)
    .join(Studio, Studio.id == Booking.studio_id)
    .where(Booking.user_id == bindparam("user_id"), _UPCOMING)
    .order_by(Booking.starts_at)
    .limit(5)
)
_MY_PROMOTIONS_AND_OFFERS = (
    select(WaitlistEntry, Studio, Booking)
    .join(Studio, Studio.id == WaitlistEntry.studio_id)
    .outerjoin(Booking, Booking.id == WaitlistEntry.booking_id)
    .where(
        WaitlistEntry.user_id == bindparam("user_id"),
        or_(
            (WaitlistEntry.status == WaitlistStatus.promoted)
            & (WaitlistEntry.resolved_at > bindparam("since")),
            _OPEN_OFFER,
        ),
    )
    .order_by(WaitlistEntry.starts_at)
)
_PENDING_FOR_APPROVER = (
    select(func.count())
    .select_from(Booking)
    .join(Studio, Studio.id == Booking.studio_id)
    .where(
        Booking.status == BookingStatus.pending,
        Booking.starts_at > bindparam("now"),
        Studio.approver_id == bindparam("user_id"),
    )
)


def dashboard_bookings(session: Session, *, user: User, now=None) -> BookingDashboard:
    """A user's next bookings, waitlist slots they got or are offered, and decisions
    waiting for them."""
    now = now or utcnow()
    data = BookingDashboard()
    if user.role == Role.mentor:
        return data
    if user.role == Role.admin:  # the admin panel shows studio-wide counts only
        pending = (
            select(func.count())
            .select_from(Booking)
            .where(Booking.status == BookingStatus.pending, Booking.starts_at > now)
        )
        day = clock.local_date(now)
        today = (
            select(func.count())
            .select_from(Booking)
            .where(
                Booking.status.in_(ACTIVE_STATUSES),
                Booking.starts_at >= clock.day_start(day),
                Booking.starts_at < clock.day_start(day + timedelta(days=1)),
            )
        )
        data.pending_decisions, data.today_count = session.exec(
            select(pending.scalar_subquery(), today.scalar_subquery())
        ).one()
        return data
    params = {"user_id": user.id, **_upcoming_params(now), "since": now - timedelta(days=7)}
    upcoming = session.exec(_MY_NEXT_BOOKINGS, params=params).all()
    data.upcoming = [describe(b, s, user, user, now) for b, s in upcoming]
    rows = session.exec(_MY_PROMOTIONS_AND_OFFERS, params=params).all()
    data.promoted = [(e, s) for e, s, _ in rows if e.status == WaitlistStatus.promoted]
    data.offers = _offers(rows)
    if user.role == Role.student:
        data.strike = strike_summary(session, user=user, now=now)
    if user.role == Role.teacher:
        data.pending_decisions = session.exec(
            _PENDING_FOR_APPROVER, params={"user_id": user.id, "now": now}
        ).one()
    return data
