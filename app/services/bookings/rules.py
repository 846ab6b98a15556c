"""Every rule a booking must pass, and the statuses that time decides.

Rules, each with a code that a refusal names: the studio is in service; the purpose fits
the booker's role; the length fits the studio; not in the past; within the advance
window; inside opening hours and on the slot grid; not in a blackout; the student's
weekly hour quota; the team's weekly hour quota; no overlap (with the studio's buffer)
with an active booking. A booking may name a team (``check_team``): an entrepreneurship
live session must, and a student may only name a team they are a current member of.

The last rule is also the database's: a PostgreSQL exclusion constraint and an SQLite
trigger (see the studios migration). Making a booking under these rules: ``create``.
"""

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, select

from app.config import settings
from app.errors import DomainError, FormErrors
from app.i18n import N_
from app.i18n import lazy_gettext as _l
from app.models import Role, User
from app.models.base import utcnow
from app.models.studios import (
    ACTIVE_STATUSES,
    Booking,
    BookingStatus,
    Purpose,
    Studio,
    StudioBlackout,
    StudioHours,
)
from app.models.teams import Team, TeamMember
from app.services import clock
from app.services.bookings.slots import check_grid
from app.services.studios import studio_hours

RULE_NAMES = {
    "inactive": N_("Studio in service"),
    "purpose": N_("Purpose allowed for your role"),
    "length": N_("Booking length"),
    "past": N_("Not in the past"),
    "advance": N_("Advance booking window"),
    "closed": N_("Opening hours and slot grid"),
    "blackout": N_("Blackout period"),
    "quota": N_("Weekly hour quota"),
    "team_quota": N_("Weekly hour quota per team"),
    "taken": N_("No double booking"),
}
# Refusals that show demand the studios could not meet (counted in the utilisation report).
DEMAND_RULES = frozenset({"taken", "blackout", "quota", "team_quota", "advance"})
PURPOSE_LABELS = {
    Purpose.course: N_("Course practice"),
    Purpose.competition: N_("Competition training"),
    Purpose.live_session: N_("Entrepreneurship live session"),
    Purpose.personal: N_("Personal practice"),
}
STAFF_ONLY_PURPOSES = frozenset({Purpose.course})


class BookingRefused(DomainError):
    """A rule refused the booking: ``rule`` names it, ``next_free`` suggests a slot."""

    def __init__(
        self,
        rule: str,
        message: str,
        *,
        studio_id: int,
        starts_at: datetime,
        ends_at: datetime,
        status_code: int = 409,
        **params: Any,
    ) -> None:
        super().__init__(message, **params)
        self.rule = rule
        self.rule_name = RULE_NAMES[rule]
        self.status_code = status_code
        self.studio_id = studio_id
        self.starts_at = starts_at
        self.ends_at = ends_at
        self.next_free: clock.Slot | None = None


def team_choices(session: Session, *, user: User) -> list[Team]:
    """The teams ``user`` may book for: a student's current teams; every team for staff."""
    query = select(Team).order_by(Team.name)
    if user.role not in (Role.admin, Role.teacher):
        current = select(TeamMember.team_id).where(
            TeamMember.user_id == user.id,
            TeamMember.left_on.is_(None),  # type: ignore[union-attr]
        )
        query = query.where(Team.id.in_(current))  # type: ignore[union-attr]
    return list(session.exec(query).all())


def check_team(session: Session, *, user: User, purpose: str, team_id: int | None) -> None:
    """The "booking for a team" rule: FormErrors beside the team field when it breaks.

    A live session names a team; any team for staff, a current team of a student.
    """
    if team_id is None:
        if purpose == Purpose.live_session:
            raise FormErrors(
                {
                    "team_id": _l(
                        "Booking for a team: an entrepreneurship live session needs a team."
                    )
                }
            )
        return
    if session.get(Team, team_id) is None:
        raise FormErrors({"team_id": _l("Booking for a team: choose a team from the list.")})
    if user.role in (Role.admin, Role.teacher):
        return
    member = session.exec(
        select(TeamMember.id).where(
            TeamMember.team_id == team_id,
            TeamMember.user_id == user.id,
            TeamMember.left_on.is_(None),  # type: ignore[union-attr]
        )
    ).first()
    if member is None:
        raise FormErrors(
            {"team_id": _l("Booking for a team: choose a team you are a current member of.")}
        )


def purposes_for(user: User) -> list[str]:
    """The purposes a user may choose."""
    if user.role in (Role.admin, Role.teacher):
        return [p.value for p in Purpose]
    return [p.value for p in Purpose if p not in STAFF_ONLY_PURPOSES]


def check_purpose(user: User, purpose: str) -> None:
    """A purpose the booker's role may choose (course practice is for staff), beside the
    purpose field of the form."""
    if purpose not in purposes_for(user):
        raise FormErrors({"purpose": _l("Choose a purpose.")})


def may_decide(user: User, studio: Studio) -> bool:
    """Administrators decide for every studio; a named approver for theirs."""
    return user.role == Role.admin or (
        studio.approver_id is not None and studio.approver_id == user.id
    )


def _refuse(rule: str, message: str, studio: Studio, starts_at, ends_at, **kw) -> BookingRefused:
    return BookingRefused(
        rule, message, studio_id=studio.id, starts_at=starts_at, ends_at=ends_at, **kw
    )


def _fmt(instant: datetime) -> str:
    return clock.to_local(instant).strftime("%Y-%m-%d %H:%M")


def check_rules(
    session: Session,
    *,
    studio: Studio,
    user: User,
    starts_at: datetime,
    ends_at: datetime,
    purpose: str,
    now: datetime,
    hours: dict[int, StudioHours] | None = None,
    check_quota: bool = True,
    team_id: int | None = None,
    planned_team_hours: float = 0.0,
) -> None:
    """Raise BookingRefused for the first rule the booking breaks. ``planned_team_hours``:
    hours the same request already books for the team in that week (a series' earlier
    occurrences, not stored yet)."""
    hours = studio_hours(session, studio_id=studio.id) if hours is None else hours

    def refuse(rule: str, message: str, status: int = 409, **params):
        return _refuse(rule, message, studio, starts_at, ends_at, status_code=status, **params)

    staff = user.role in (Role.admin, Role.teacher)
    if not studio.is_active:
        raise refuse("inactive", N_("This studio is out of service."), 422)
    if purpose in STAFF_ONLY_PURPOSES and not staff:
        raise refuse("purpose", N_("Only teachers book studios for course practice."), 422)
    minutes = round((ends_at - starts_at).total_seconds() / 60)
    if minutes % studio.slot_minutes or not studio.min_minutes <= minutes <= studio.max_minutes:
        raise refuse(
            "length",
            N_("Book from %(min)s to %(max)s minutes, in steps of %(slot)s minutes."),
            422,
            min=studio.min_minutes,
            max=studio.max_minutes,
            slot=studio.slot_minutes,
        )
    if starts_at < now:
        raise refuse("past", N_("This time has already begun or passed."), 422)
    advance = settings.booking_staff_advance_days if staff else studio.advance_days
    if clock.local_date(starts_at) > clock.local_date(now) + timedelta(days=advance):
        raise refuse(
            "advance", N_("Bookings open %(days)s days ahead; this is later."), days=advance
        )
    problem = check_grid(studio, hours, starts_at, ends_at)
    if problem == "closed_day":
        raise refuse("closed", N_("The studio is closed on that day."), 422)
    if problem == "hours":
        raise refuse("closed", N_("The studio is not open for all of that time."), 422)
    if problem == "grid":
        raise refuse(
            "closed",
            N_("Bookings start on the studio's %(slot)s-minute grid."),
            422,
            slot=studio.slot_minutes,
        )
    blackout = session.exec(
        select(StudioBlackout).where(
            StudioBlackout.studio_id == studio.id,
            StudioBlackout.starts_at < ends_at,
            StudioBlackout.ends_at > starts_at,
        )
    ).first()
    if blackout is not None:
        raise refuse(
            "blackout",
            N_("The studio is closed from %(start)s to %(end)s: %(reason)s"),
            start=_fmt(blackout.starts_at),
            end=_fmt(blackout.ends_at),
            reason=blackout.reason,
        )
    if check_quota and user.role == Role.student:
        used = weekly_hours(session, user_id=user.id, day=clock.local_date(starts_at))
        quota = settings.booking_student_weekly_hours
        if used + minutes / 60 > quota + 1e-9:
            raise refuse(
                "quota",
                N_("Students may book %(quota)s hours a week; you have %(used)s in that week."),
                quota=quota,
                used=f"{used:g}",
            )
    if check_quota and team_id is not None:
        used = team_weekly_hours(session, team_id=team_id, day=clock.local_date(starts_at))
        used += planned_team_hours
        quota = settings.booking_team_weekly_hours
        if used + minutes / 60 > quota + 1e-9:
            raise refuse(
                "team_quota",
                N_("A team may book %(quota)s hours a week; this team has %(used)s in that week."),
                quota=quota,
                used=f"{used:g}",
            )
    blocked_until = ends_at + timedelta(minutes=studio.buffer_minutes)
    clash = session.exec(
        select(Booking).where(
            Booking.studio_id == studio.id,
            Booking.status.in_(ACTIVE_STATUSES),
            Booking.starts_at < blocked_until,
            Booking.blocked_until > starts_at,
        )
    ).first()
    if clash is not None:
        raise taken_refusal(studio, starts_at, ends_at, clash)


def taken_refusal(studio: Studio, starts_at, ends_at, clash: Booking | None) -> BookingRefused:
    if clash is None:
        message, params = N_("Someone else booked this time a moment ago."), {}
    else:
        message = N_("This time is already booked (%(start)s to %(end)s).")
        params = {
            "start": _fmt(clash.starts_at),
            "end": clock.to_local(clash.ends_at).strftime("%H:%M"),
        }
    return _refuse("taken", message, studio, starts_at, ends_at, **params)


def weekly_hours(session: Session, *, user_id: int, day: date, exclude_id: int | None = None):
    """Hours of a user's active bookings in the local week containing ``day``."""
    start, end = clock.week_range(clock.monday_of(day))
    query = select(Booking.id, Booking.starts_at, Booking.ends_at).where(
        Booking.user_id == user_id,
        Booking.status.in_(ACTIVE_STATUSES),
        Booking.starts_at >= start,
        Booking.starts_at < end,
    )
    return sum(
        (e - s).total_seconds() / 3600 for i, s, e in session.exec(query).all() if i != exclude_id
    )


def team_weekly_hours(session: Session, *, team_id: int, day: date) -> float:
    """Hours of a team's active bookings in the local week containing ``day``."""
    start, end = clock.week_range(clock.monday_of(day))
    query = select(Booking.starts_at, Booking.ends_at).where(
        Booking.team_id == team_id,
        Booking.status.in_(ACTIVE_STATUSES),
        Booking.starts_at >= start,
        Booking.starts_at < end,
    )
    return sum((e - s).total_seconds() / 3600 for s, e in session.exec(query).all())


def apply_due_statuses(
    session: Session, *, now: datetime | None = None, studio_id: int | None = None
) -> int:
    """Write the statuses that time has decided: no-show, completed, expired requests."""
    now = now or utcnow()
    cutoff = now - timedelta(minutes=settings.booking_checkin_after_minutes)
    changes = [
        (
            (Booking.status == BookingStatus.approved, Booking.starts_at < cutoff),
            {"status": BookingStatus.no_show},
        ),
        (
            (Booking.status == BookingStatus.checked_in, Booking.ends_at <= now),
            {"status": BookingStatus.completed},
        ),
        (
            (Booking.status == BookingStatus.pending, Booking.starts_at <= now),
            {"status": BookingStatus.rejected, "decided_at": now},
        ),
    ]
    total = 0
    for conditions, values in changes:
        query = update(Booking).where(*conditions)
        if studio_id is not None:
            query = query.where(Booking.studio_id == studio_id)
        total += session.exec(query.values(**values)).rowcount or 0
    return total


def effective_status(booking: Booking, now: datetime | None = None) -> str:
    """The status as of ``now``, without writing (pages read it; `tick` writes it)."""
    now = now or utcnow()
    status = booking.status
    if status == BookingStatus.approved and now > booking.starts_at + timedelta(
        minutes=settings.booking_checkin_after_minutes
    ):
        return BookingStatus.no_show
    if status == BookingStatus.checked_in and now >= booking.ends_at:
        return BookingStatus.completed
    if status == BookingStatus.pending and now >= booking.starts_at:
        return BookingStatus.rejected
    return status
