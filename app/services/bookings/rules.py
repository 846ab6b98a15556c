"""Every rule a booking must pass, and the statuses that time decides.

Rules, each with a code that a refusal names: the studio is in service; the purpose fits
the booker's role; a student not suspended for missed check-ins (``strikes``); the length
fits the studio; not in the past; within the advance window; inside opening hours and on
the slot grid; not in a blackout; the student's weekly hour quota; the team's weekly hour
quota; no overlap (with the studio's buffer) with an active booking. A booking may name a
team (``check_team``): an entrepreneurship live session must, and a student may only name
a team they are a current member of.

The last rule is also the database's: a PostgreSQL exclusion constraint and an SQLite
trigger (see the studios migration). Making a booking under these rules: ``create``.
"""

from datetime import date, datetime, timedelta

from sqlalchemy import and_, bindparam, case, or_, update
from sqlmodel import Session, select

from app.config import settings
from app.errors import FormErrors
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
    StudioHours,
)
from app.models.teams import Team, TeamMember
from app.services import clock
from app.services.bookings import strikes
from app.services.bookings.checks import (  # noqa: F401 (re-exported: BookingRefused, ...)
    RULE_NAMES,
    BookingRefused,
    blackout_refusal,
    clash_refusal,
    is_staff,
    quota_refusal,
    suspension_refusal,
    taken_refusal,
    time_refusal,
)
from app.services.bookings.checks import refuse as _refuse
from app.services.bookings.facts import read_facts
from app.services.studios import studio_hours

# Refusals that show demand the studios could not meet (counted in the utilisation report).
DEMAND_RULES = frozenset({"taken", "buffer", "blackout", "quota", "team_quota", "advance"})
PURPOSE_LABELS = {
    Purpose.course: N_("Course practice"),
    Purpose.competition: N_("Competition training"),
    Purpose.live_session: N_("Entrepreneurship live session"),
    Purpose.personal: N_("Personal practice"),
}
STAFF_ONLY_PURPOSES = frozenset({Purpose.course})


# Built once: the booking form lists them, on every page and every refused press.
_EVERY_TEAM = select(Team).order_by(Team.name)
_MY_CURRENT_TEAMS = _EVERY_TEAM.where(
    Team.id.in_(  # type: ignore[union-attr]
        select(TeamMember.team_id).where(
            TeamMember.user_id == bindparam("user_id"),
            TeamMember.left_on.is_(None),  # type: ignore[union-attr]
        )
    )
)


def team_choices(session: Session, *, user: User) -> list[Team]:
    """The teams ``user`` may book for: a student's current teams; every team for staff."""
    if user.role in (Role.admin, Role.teacher):
        return list(session.exec(_EVERY_TEAM).all())
    return list(session.exec(_MY_CURRENT_TEAMS, params={"user_id": user.id}).all())


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
    strikes_since: datetime | None = None,
    team_choices: list | None = None,
) -> None:
    """Raise BookingRefused for the first rule the booking breaks. ``planned_team_hours``:
    hours the same request already books for the team in that week (a series' earlier
    occurrences, not stored yet); ``strikes_since``: the term's first instant, when the
    caller has it (``strikes.term_start``). What the rules judge is read in one statement
    (``facts``); given ``team_choices``, the teams the booking form lists for ``user``
    (``team_choices()``) are read in it too and put in that list."""
    hours = studio_hours(session, studio_id=studio.id) if hours is None else hours

    def refuse(rule: str, message: str, status: int = 409, **params):
        return _refuse(rule, message, studio, starts_at, ends_at, status_code=status, **params)

    if not studio.is_active:
        raise refuse("inactive", N_("This studio is out of service."), 422)
    if purpose in STAFF_ONLY_PURPOSES and not is_staff(user):
        raise refuse("purpose", N_("Only teachers book studios for course practice."), 422)
    student = user.role == Role.student
    if strikes_since is None and student:
        strikes_since = strikes.term_start(session, now)
    session.flush()  # the facts are read on the connection, past the ORM's autoflush
    facts = read_facts(
        session,
        studio_id=studio.id,
        buffer_minutes=studio.buffer_minutes,
        starts_at=starts_at,
        ends_at=ends_at,
        now=now,
        user_id=user.id,
        strikes_since=strikes_since if student else None,
        week=check_quota and student,
        team_id=team_id if check_quota else None,
        team_choices=None if team_choices is None else ("all" if is_staff(user) else "mine"),
    )
    if team_choices is not None:
        team_choices.extend(facts.teams)
    if student:  # suspended for missed check-ins: nothing else matters
        summary = strikes.summarise(facts.strike_starts, now)
        refusal = suspension_refusal(studio, summary, starts_at, ends_at)
        if refusal is not None:
            raise refusal
    refusal = time_refusal(studio, hours, user, starts_at, ends_at, now)
    if refusal is None:
        refusal = blackout_refusal(studio, facts.blackouts, starts_at, ends_at)
    if refusal is None and check_quota:
        used = facts.week_hours() if student else 0
        refusal = quota_refusal(studio, user, used, starts_at, ends_at)
    if refusal is not None:
        raise refusal
    minutes = round((ends_at - starts_at).total_seconds() / 60)
    if check_quota and team_id is not None:
        used = facts.team_week_hours() + planned_team_hours
        quota = settings.booking_team_weekly_hours
        if used + minutes / 60 > quota + 1e-9:
            raise refuse(
                "team_quota",
                N_("A team may book %(quota)s hours a week; this team has %(used)s in that week."),
                quota=quota,
                used=f"{used:g}",
            )
    refusal = clash_refusal(studio, facts.near, starts_at, ends_at)
    if refusal is not None:
        refusal.near = list(facts.near)
        raise refusal


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


def _due_statuses_update(*, one_studio: bool):
    """One UPDATE for every status time has decided (see apply_due_statuses), built once:
    every booking attempt runs it, and three statements built per call cost more than the
    update itself."""
    now = bindparam("now", type_=Booking.__table__.c.decided_at.type)
    cutoff = bindparam("cutoff", type_=Booking.__table__.c.starts_at.type)
    no_show = and_(Booking.status == BookingStatus.approved, Booking.starts_at < cutoff)
    completed = and_(Booking.status == BookingStatus.checked_in, Booking.ends_at <= now)
    expired = and_(Booking.status == BookingStatus.pending, Booking.starts_at <= now)
    query = update(Booking).where(or_(no_show, completed, expired))
    if one_studio:
        query = query.where(Booking.studio_id == bindparam("in_studio"))
    return query.values(
        status=case(
            (no_show, BookingStatus.no_show.value),
            (completed, BookingStatus.completed.value),
            else_=BookingStatus.rejected.value,
        ),
        decided_at=case((expired, now), else_=Booking.decided_at),
        sequence=Booking.sequence + 1,  # calendars see the new status
    )


_DUE_ANYWHERE = _due_statuses_update(one_studio=False)
_DUE_IN_STUDIO = _due_statuses_update(one_studio=True)


def apply_due_statuses(
    session: Session, *, now: datetime | None = None, studio_id: int | None = None
) -> int:
    """Write the statuses that time has decided: an approved booking not checked in by
    the end of its check-in window is a no-show, a checked-in one that has ended is
    completed, a request still pending at its start is rejected."""
    now = now or utcnow()
    params = {"now": now, "cutoff": now - timedelta(minutes=settings.booking_checkin_after_minutes)}
    if studio_id is None:
        return session.exec(_DUE_ANYWHERE, params=params).rowcount or 0
    return session.exec(_DUE_IN_STUDIO, params={**params, "in_studio": studio_id}).rowcount or 0


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
