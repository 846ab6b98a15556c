"""The team page's guidance part: the team's pairings with their mentors, and its latest
logs with their author and open action items. Columns, not entities, in one prebuilt
statement each (the team page is among the most visited)."""

from datetime import date, datetime
from typing import NamedTuple

from sqlalchemy import Integer, bindparam, func, or_
from sqlmodel import Session, select

from app.models import Role, User
from app.models.teams import ActionItem, GuidanceLog, Pairing
from app.services.mentoring.guidance import _is_team_member
from app.services.mentoring.pairings import Mentor, Teacher

# The team page's list: columns only, with the author's name and the open action items
# as a scalar subquery (one statement; a list shows neither topics nor items).
_OPEN_ACTIONS = (
    select(func.count())
    .where(ActionItem.log_id == GuidanceLog.id, ActionItem.done_at.is_(None))  # type: ignore[union-attr]
    .scalar_subquery()
)
LOG_LINE_COLUMNS = (
    GuidanceLog.id,
    GuidanceLog.held_on,
    GuidanceLog.mode,
    GuidanceLog.minutes,
    GuidanceLog.acknowledged_at,
    User.full_name,
    _OPEN_ACTIONS.label("open_actions"),
)
"""A log as a list line (the team page, a pairing's page): with its author's name and open
action items; join the author as ``User``."""
_TEAM_LOGS = (
    select(*LOG_LINE_COLUMNS)
    .join(Pairing, Pairing.id == GuidanceLog.pairing_id)
    .join(User, User.id == GuidanceLog.author_id)
    .where(Pairing.team_id == bindparam("team_id"))
    .order_by(GuidanceLog.held_on.desc(), GuidanceLog.id.desc())  # type: ignore[attr-defined]
    .limit(bindparam("limit", type_=Integer))
)
_OWN_TEAM_LOGS = _TEAM_LOGS.where(
    or_(Pairing.mentor_id == bindparam("user_id"), Pairing.teacher_id == bindparam("user_id"))
)


class TeamLogLine(NamedTuple):
    """One log on the team page: ``log`` and ``author`` are the line itself."""

    id: int
    held_on: date
    mode: str
    minutes: int
    acknowledged_at: datetime | None
    full_name: str
    open_actions: int

    @property
    def log(self) -> "TeamLogLine":
        return self

    @property
    def author(self) -> "TeamLogLine":
        return self


def team_logs(
    session: Session, *, user: User, team_id: int, limit: int = 20, visible: bool = False
) -> list[TeamLogLine]:
    """The team's guidance logs that ``user`` may read (for the team page). ``visible``:
    the caller has checked that ``user`` may see the team (a student: was a member)."""
    query = _TEAM_LOGS
    if user.role in (Role.mentor, Role.teacher):
        query = _OWN_TEAM_LOGS
    elif (
        user.role == Role.student
        and not visible
        and not _is_team_member(session, team_id=team_id, user=user, current=False)
    ):
        return []
    params = {"team_id": team_id, "limit": limit, "user_id": user.id}
    return [TeamLogLine(*row) for row in session.exec(query, params=params).all()]


# The team page shows each pairing's mentors and dates: columns, not five entities a row.
_TEAM_PAIRINGS = (
    select(Pairing.starts_on, Pairing.ends_on, Teacher.full_name, Mentor.full_name)
    .join(Teacher, Teacher.id == Pairing.teacher_id)
    .join(Mentor, Mentor.id == Pairing.mentor_id)
    .where(Pairing.team_id == bindparam("team_id"))
    .order_by(Pairing.starts_on.desc(), Pairing.id.desc())  # type: ignore[attr-defined]
)
_MENTORS_TEAM_PAIRINGS = _TEAM_PAIRINGS.where(Pairing.mentor_id == bindparam("user_id"))


class _Dates(NamedTuple):
    starts_on: date
    ends_on: date | None


class _Name(NamedTuple):
    full_name: str


class TeamPairingLine(NamedTuple):
    pairing: _Dates
    teacher: _Name
    mentor: _Name


def team_pairings(session: Session, *, user: User, team_id: int) -> list[TeamPairingLine]:
    """The team's pairings for its page (a mentor sees only their own); one query."""
    query = _MENTORS_TEAM_PAIRINGS if user.role == Role.mentor else _TEAM_PAIRINGS
    params = {"team_id": team_id, "user_id": user.id}
    return [
        TeamPairingLine(_Dates(starts, ends), _Name(teacher), _Name(mentor))
        for starts, ends, teacher, mentor in session.exec(query, params=params).all()
    ]
