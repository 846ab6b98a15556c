"""No-show strikes and the suspension they bring.

A strike is a student's own booking whose check-in window closed without a check-in
(stored as no-show, or still approved past the window: ``apply_due_statuses`` writes it
lazily), that started in the current term (``clock.term_bounds``) and that staff have not
forgiven. Its time is the moment the window closed (start + the check-in minutes after),
so it does not depend on when a page or ``tick`` wrote the status. Bookings of teachers
and administrators never count.

When a student has ``booking_strike_limit`` (K) strikes, they may neither book nor join a
waitlist for ``booking_suspension_days`` (D) days: from the K-th strike's time until D
days after their latest strike (a further missed check-in, from a booking made before the
suspension, extends it), half-open, so at that instant exactly they may book again. A new
term starts from zero strikes, and so ends any suspension. Forgiving a strike takes it out
of the count at once, and with it the suspension if the count falls below K.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from math import ceil

from sqlalchemy import bindparam, case, exists, func, or_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from app.config import settings
from app.errors import Conflict, Forbidden, NotFound
from app.models import Role, User
from app.models.base import utcnow
from app.models.strikes import StrikeForgiveness
from app.models.studios import Booking, BookingStatus, Studio
from app.services import clock
from app.services.pagination import Page, paginate

# A booking is a missed check-in once its start is before ``cutoff`` (now minus the
# check-in minutes) while it is still approved or already marked no-show.
MISSED = (
    Booking.status.in_((BookingStatus.no_show, BookingStatus.approved)),
    Booking.starts_at >= bindparam("term_start"),
    Booking.starts_at < bindparam("cutoff"),
)
FORGIVEN = exists().where(StrikeForgiveness.booking_id == Booking.id)
# What every booking attempt of a student asks (built once: it runs in the booking rush).
_STRIKE_STARTS = (
    select(Booking.starts_at)
    .where(Booking.user_id == bindparam("user_id"), *MISSED, ~FORGIVEN)
    .order_by(Booking.starts_at, Booking.id)
)


def term_start(session: Session, now: datetime, *, term: tuple | None = None) -> datetime:
    """The first instant of the term ``now`` is in: strikes count from it. ``term``: (a
    college date, the first day of its term) a caller has already read (the dashboard keeps
    it with the day's data); used only if it is ``now``'s date."""
    day = clock.local_date(now)
    if term is not None and term[0] == day:
        first_day = term[1]
    else:
        first_day, _end = clock.term_bounds(day, session)
    return clock.day_start(first_day)


def missed_cutoff(now: datetime) -> datetime:
    """A booking that started before this and is not checked in is a missed check-in."""
    return now - timedelta(minutes=settings.booking_checkin_after_minutes)


def _params(session: Session, now: datetime, *, term: tuple | None = None, **extra) -> dict:
    return {
        "term_start": term_start(session, now, term=term),
        "cutoff": missed_cutoff(now),
        **extra,
    }


def missed_at(booking_start: datetime) -> datetime:
    """When a booking starting at ``booking_start`` became a missed check-in."""
    return booking_start + timedelta(minutes=settings.booking_checkin_after_minutes)


@dataclass(frozen=True)
class StrikeSummary:
    """A student's strikes this term and whether they are suspended now."""

    count: int = 0
    limit: int = 0
    suspended_since: datetime | None = None
    suspended_until: datetime | None = None

    @property
    def suspended(self) -> bool:
        return self.suspended_until is not None

    @property
    def days(self) -> int:
        return settings.booking_suspension_days


def summarise(starts: list[datetime], now: datetime) -> StrikeSummary:
    """The summary of counted strikes (their bookings' starts, oldest first): the rule."""
    limit = settings.booking_strike_limit
    count = len(starts)
    if limit <= 0 or count < limit:
        return StrikeSummary(count, limit)
    until = missed_at(starts[-1]) + timedelta(days=settings.booking_suspension_days)
    if now >= until:
        return StrikeSummary(count, limit)
    return StrikeSummary(count, limit, missed_at(starts[limit - 1]), until)


def strike_summary(
    session: Session, *, user: User, now: datetime | None = None, term: tuple | None = None
) -> StrikeSummary:
    """A student's strikes this term and suspension (one query, and the term's unless
    ``term`` is given, see _params; empty for staff)."""
    now = now or utcnow()
    if user.role != Role.student:
        return StrikeSummary(limit=settings.booking_strike_limit)
    params = _params(session, now, term=term, user_id=user.id)
    starts = session.exec(_STRIKE_STARTS, params=params).all()
    return summarise(list(starts), now)


@dataclass(frozen=True)
class Strike:
    """One missed check-in this term, forgiven or not."""

    booking: Booking
    studio: Studio
    forgiveness: StrikeForgiveness | None = None
    forgiven_by: str = ""  # the forgiver's name

    @property
    def missed_at(self) -> datetime:
        return missed_at(self.booking.starts_at)

    @property
    def counts(self) -> bool:
        return self.forgiveness is None


@dataclass
class StrikeHistory:
    """A student's missed check-ins this term (oldest first) and what they add up to."""

    student: User | None
    summary: StrikeSummary
    strikes: list[Strike] = field(default_factory=list)


_FORGIVER = aliased(User)
# Built once: every student's own bookings page reads it.
_HISTORY = (
    select(Booking, Studio, StrikeForgiveness, _FORGIVER.full_name)
    .join(Studio, Studio.id == Booking.studio_id)
    .outerjoin(StrikeForgiveness, StrikeForgiveness.booking_id == Booking.id)
    .outerjoin(_FORGIVER, _FORGIVER.id == StrikeForgiveness.forgiven_by_id)
    .where(Booking.user_id.in_(bindparam("user_ids", expanding=True)), *MISSED)
    .order_by(Booking.starts_at, Booking.id)
)


def _history_rows(session: Session, user_ids: list[int], now: datetime, params=None):
    params = {**(params or _params(session, now)), "user_ids": list(user_ids)}
    by_user: dict[int, list[Strike]] = {uid: [] for uid in user_ids}
    for booking, studio, forgiveness, name in session.exec(_HISTORY, params=params).all():
        by_user[booking.user_id].append(Strike(booking, studio, forgiveness, name or ""))
    return by_user


def _history(student: User | None, strikes: list[Strike], now: datetime) -> StrikeHistory:
    counted = [s.booking.starts_at for s in strikes if s.counts]
    return StrikeHistory(student, summarise(counted, now), strikes)


def strike_history(session: Session, *, user: User, now: datetime | None = None) -> StrikeHistory:
    """A student's own missed check-ins this term, with forgiveness (one query)."""
    now = now or utcnow()
    if user.role != Role.student:
        return StrikeHistory(user, StrikeSummary(limit=settings.booking_strike_limit))
    return _history(user, _history_rows(session, [user.id], now)[user.id], now)


def strikes_overview(
    session: Session, *, q: str = "", page: int = 1, per_page: int = 20, now=None
) -> Page:
    """Students with missed check-ins this term, most strikes first; ``q`` matches their
    name or username (five queries whatever the number of students, the term's among them)."""
    now = now or utcnow()
    counted = func.sum(case((StrikeForgiveness.id.is_(None), 1), else_=0))
    params = _params(session, now)  # the term is read once for the page
    query = (
        select(User, counted.label("strikes"))
        .join(Booking, Booking.user_id == User.id)
        .outerjoin(StrikeForgiveness, StrikeForgiveness.booking_id == Booking.id)
        .where(User.role == Role.student, *MISSED)
        .group_by(User.id)
        .order_by(counted.desc(), User.full_name, User.id)
        .params(params)
    )
    q = (q or "").strip()[:100]
    if q:
        like = f"%{q}%"
        query = query.where(or_(User.full_name.ilike(like), User.username.ilike(like)))
    rows, total = paginate(session, query, page=page, per_page=per_page)
    students = [user for user, _count in rows]
    by_user = _history_rows(session, [u.id for u in students], now, params) if students else {}
    return Page(
        items=[_history(u, by_user[u.id], now) for u in students],
        total=total,
        number=min(page, max(1, ceil(total / per_page))),
        per_page=per_page,
        base_path="/bookings/strikes",
        query={"q": q},
    )


def forgive_strike(
    session: Session, *, booking_id: int, actor: User, reason: str, now: datetime | None = None
) -> StrikeForgiveness:
    """Staff take a missed check-in of this term out of a student's strikes, with a reason."""
    now = now or utcnow()
    if actor.role not in (Role.admin, Role.teacher):
        raise Forbidden("Only teachers and administrators forgive missed check-ins.")
    row = session.exec(
        select(Booking, User).join(User, User.id == Booking.user_id).where(Booking.id == booking_id)
    ).first()
    if row is None:
        raise NotFound("This booking does not exist.")
    booking, booker = row
    params = _params(session, now)
    missed = (
        booker.role == Role.student
        and booking.status in (BookingStatus.no_show, BookingStatus.approved)
        and params["term_start"] <= booking.starts_at < params["cutoff"]
    )
    if not missed:
        raise Conflict("Only a student's missed check-in of this term can be forgiven.")
    done = select(StrikeForgiveness.id).where(StrikeForgiveness.booking_id == booking.id)
    if session.exec(done).first() is not None:
        raise Conflict("This missed check-in is already forgiven.")
    forgiveness = StrikeForgiveness(
        booking_id=booking.id, forgiven_by_id=actor.id, forgiven_at=now, reason=reason.strip()
    )
    try:
        with session.begin_nested():  # someone else may have forgiven it a moment ago
            session.add(forgiveness)
    except IntegrityError as exc:
        raise Conflict("This missed check-in is already forgiven.") from exc
    return forgiveness
