"""What the booking pages show: week calendar, day board, my bookings, approval queue,
dashboard figures. Each is a fixed handful of queries, whatever the number of bookings."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from math import ceil

from sqlalchemy import and_, bindparam, func, not_, or_
from sqlalchemy.orm import Bundle
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
from app.services.bookings import kept
from app.services.bookings.feeds import studio_feed_token
from app.services.bookings.grid import Column, Grid, build_grid, shows_names
from app.services.bookings.lifecycle import BookingView, describe
from app.services.bookings.rules import weekly_hours
from app.services.bookings.strikes import StrikeSummary, strike_summary
from app.services.pagination import Page, paginate
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


# The own bookings page's statements, built once (bind parameters: user_id and
# _upcoming_params; the past page's limit and offset; since for the waitlist).
_MY_UPCOMING = (
    select(Booking, Studio)
    .join(Studio, Studio.id == Booking.studio_id)
    .where(Booking.user_id == bindparam("user_id"), _UPCOMING)
    .order_by(Booking.starts_at)
    .limit(200)
)
_MY_PAST_WHERE = (
    Booking.user_id == bindparam("user_id"),
    not_(_UPCOMING),
    Booking.status != BookingStatus.offered,  # offers are listed apart, while open
)
_MY_PAST_COUNT = select(func.count()).select_from(Booking).where(*_MY_PAST_WHERE)
_MY_PAST = (
    select(Booking, Studio)
    .join(Studio, Studio.id == Booking.studio_id)
    .where(*_MY_PAST_WHERE)
    .order_by(Booking.starts_at.desc(), Booking.id.desc())
    .limit(bindparam("limit"))
    .offset(bindparam("offset"))
)
_MY_WAITLIST = (
    select(WaitlistEntry, Studio, Booking)
    .join(Studio, Studio.id == WaitlistEntry.studio_id)
    .outerjoin(Booking, Booking.id == WaitlistEntry.booking_id)
    .where(
        WaitlistEntry.user_id == bindparam("user_id"),
        or_(
            (WaitlistEntry.status == WaitlistStatus.waiting)
            & (WaitlistEntry.starts_at > bindparam("now")),
            (WaitlistEntry.status == WaitlistStatus.promoted)
            & (WaitlistEntry.resolved_at > bindparam("since")),
            _OPEN_OFFER,
        ),
    )
    .order_by(WaitlistEntry.starts_at)
)
_TEAMS = select(Team).where(Team.id.in_(bindparam("team_ids", expanding=True)))


def my_bookings(
    session: Session, *, user: User, page: int = 1, per_page: int = 20, now=None
) -> MyBookings:
    """Upcoming and past bookings of a user, their teams and waitlist (five queries)."""
    now = now or utcnow()
    params = {"user_id": user.id, **_upcoming_params(now), "since": now - timedelta(days=7)}
    upcoming = [
        describe(b, s, user, user, now) for b, s in session.exec(_MY_UPCOMING, params=params).all()
    ]
    total = session.exec(_MY_PAST_COUNT, params=params).one()
    number = min(max(page, 1), max(1, ceil(total / per_page)))
    past_params = {**params, "limit": per_page, "offset": (number - 1) * per_page}
    past_views = [
        describe(b, s, user, user, now) for b, s in session.exec(_MY_PAST, params=past_params).all()
    ]
    past = Page(
        items=past_views,
        total=total,
        number=number,
        per_page=per_page,
        base_path="/bookings",
    )
    entries = session.exec(_MY_WAITLIST, params=params).all()
    waiting = [(e, s) for e, s, _ in entries if e.status == WaitlistStatus.waiting]
    promoted = [(e, s) for e, s, _ in entries if e.status == WaitlistStatus.promoted]
    offers = _offers(entries)
    team_ids = {v.booking.team_id for v in upcoming + past_views if v.booking.team_id}
    teams = {}
    if team_ids:
        rows = session.exec(_TEAMS, params={"team_ids": list(team_ids)}).all()
        teams = {t.id: t for t in rows}
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
# The panel shows a few columns: read as bundles (rows with the models' attribute names),
# which cost a fraction of loading model objects.
_BOOKING_SHOWN = Bundle(
    "booking",
    Booking.id,
    Booking.user_id,
    Booking.status,
    Booking.starts_at,
    Booking.ends_at,
    Booking.offer_expires_at,
    Booking.team_id,
)
_MY_NEXT_BOOKINGS = (
    select(_BOOKING_SHOWN, Bundle("studio", Studio.id, Studio.name, Studio.approver_id))
    .select_from(Booking)
    .join(Studio, Studio.id == Booking.studio_id)
    .where(Booking.user_id == bindparam("user_id"), _UPCOMING)
    .order_by(Booking.starts_at)
    .limit(5)
)
_MY_PROMOTIONS_AND_OFFERS = (
    select(
        Bundle(
            "entry",
            WaitlistEntry.id,
            WaitlistEntry.status,
            WaitlistEntry.booking_id,
            WaitlistEntry.starts_at,
            WaitlistEntry.ends_at,
        ),
        Bundle("studio", Studio.id, Studio.name),
        Bundle("hold", Booking.id, Booking.offer_expires_at),
    )
    .select_from(WaitlistEntry)
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
