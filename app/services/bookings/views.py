"""What the booking pages show: my bookings, the approval queue and the dashboard figures
(the week calendar and the day board are in calendar_views.py). Each is a fixed handful
of queries, whatever the number of bookings."""

from dataclasses import dataclass, field
from datetime import timedelta
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
    WaitlistEntry,
    WaitlistStatus,
)
from app.models.teams import Team
from app.services import clock
from app.services.bookings.calendar_views import (  # noqa: F401  (re-exported)
    DayBoard,
    WeekCalendar,
    day_board,
    week_calendar,
)
from app.services.bookings.lifecycle import BookingView, describe
from app.services.bookings.strikes import StrikeSummary, strike_summary
from app.services.pagination import Page, paginate

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
    # The views' bookings, studios and teams are rows of the columns shown (bundles with
    # the models' attribute names), not model objects.
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
# The page shows a few columns of each booking and studio (and describe() asks no more):
# bundles with the models' attribute names, a fraction of the cost of model objects.
_BOOKING_LISTED = Bundle(
    "booking",
    Booking.id,
    Booking.user_id,
    Booking.purpose,
    Booking.title,
    Booking.status,
    Booking.starts_at,
    Booking.ends_at,
    Booking.team_id,
)
_STUDIO_LISTED = Bundle("studio", Studio.id, Studio.name, Studio.approver_id)
_MY_UPCOMING = (
    select(_BOOKING_LISTED, _STUDIO_LISTED)
    .select_from(Booking)
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
# A page of past bookings with the count of all of them (one statement; the count alone
# only when the page asked for is past the last).
_MY_PAST = (
    select(
        _BOOKING_LISTED,
        _STUDIO_LISTED,
        _MY_PAST_COUNT.correlate(None).scalar_subquery(),  # once, not per row
    )
    .select_from(Booking)
    .join(Studio, Studio.id == Booking.studio_id)
    .where(*_MY_PAST_WHERE)
    .order_by(Booking.starts_at.desc(), Booking.id.desc())
    .limit(bindparam("limit"))
    .offset(bindparam("offset"))
)
# The waitlist rows show a few columns: bundles with the models' attribute names.
_ENTRY_SHOWN = Bundle(
    "entry",
    WaitlistEntry.id,
    WaitlistEntry.status,
    WaitlistEntry.booking_id,
    WaitlistEntry.starts_at,
    WaitlistEntry.ends_at,
)
_WAITLIST_COLUMNS = (
    _ENTRY_SHOWN,
    Bundle("studio", Studio.id, Studio.name),
    Bundle("hold", Booking.id, Booking.offer_expires_at),
)
_MY_WAITLIST = (
    select(*_WAITLIST_COLUMNS)
    .select_from(WaitlistEntry)
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
_TEAMS = select(Bundle("team", Team.id, Team.name)).where(
    Team.id.in_(bindparam("team_ids", expanding=True))
)


def _page_params(params: dict, number: int, per_page: int) -> dict:
    return {**params, "limit": per_page, "offset": (number - 1) * per_page}


def my_bookings(
    session: Session, *, user: User, page: int = 1, per_page: int = 20, now=None
) -> MyBookings:
    """Upcoming and past bookings of a user, their teams and waitlist (three or four queries;
    one more for a page past the last)."""
    now = now or utcnow()
    params = {"user_id": user.id, **_upcoming_params(now), "since": now - timedelta(days=7)}
    upcoming = [
        describe(b, s, user, user, now) for b, s in session.exec(_MY_UPCOMING, params=params).all()
    ]
    number = max(page, 1)
    rows = session.exec(_MY_PAST, params=_page_params(params, number, per_page)).all()
    if rows:
        total = rows[0][2]
    else:  # none on the first page: none at all; past the last page: count them
        total = session.exec(_MY_PAST_COUNT, params=params).one() if number > 1 else 0
    last = max(1, ceil(total / per_page))
    if number > last:  # past the last page: show the last
        number = last
        if total:
            rows = session.exec(_MY_PAST, params=_page_params(params, number, per_page)).all()
    past_views = [describe(b, s, user, user, now) for b, s, _total in rows]
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


def dashboard_bookings(
    session: Session, *, user: User, now=None, term: tuple | None = None
) -> BookingDashboard:
    """A user's next bookings, waitlist slots they got or are offered, and decisions
    waiting for them. ``term``: today's term as strikes._params takes it, if already read."""
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
        data.strike = strike_summary(session, user=user, now=now, term=term)
    if user.role == Role.teacher:
        data.pending_decisions = session.exec(
            _PENDING_FOR_APPROVER, params={"user_id": user.id, "now": now}
        ).one()
    return data
