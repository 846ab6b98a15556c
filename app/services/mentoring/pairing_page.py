"""A pairing's guidance page: the pairing with its team, mentors, project and guidance
total, and its logs with their author, open action items and who else changed them.

Columns, not entities, in three prebuilt statements whatever the number of logs (the
mentors' most visited page after their dashboard).
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from typing import NamedTuple

from sqlalchemy import bindparam, func, or_
from sqlmodel import Session, select

from app.errors import NotFound
from app.models import Role, User
from app.models.teams import GuidanceLog, GuidanceLogChange, Pairing, Project, Team
from app.services.clock import today
from app.services.mentoring.guidance import NOT_FOUND
from app.services.mentoring.pairings import Mentor, Teacher
from app.services.mentoring.team_guidance import LOG_LINE_COLUMNS


class _Pairing(NamedTuple):
    id: int
    starts_on: date
    ends_on: date | None
    goals: str


class _Team(NamedTuple):
    id: int
    name: str
    stage: str


class _Name(NamedTuple):
    full_name: str


class _Project(NamedTuple):
    title: str


@dataclass
class PairingHead:
    pairing: _Pairing
    team: _Team
    teacher: _Name
    mentor: _Name
    project: _Project | None
    active: bool


class PairingLogLine(NamedTuple):
    """One log of the list; ``log`` and ``author`` are the line itself."""

    id: int
    held_on: date
    mode: str
    minutes: int
    acknowledged_at: datetime | None
    author_name: str
    open_actions: int
    other_editors: list[str]

    @property
    def log(self) -> "PairingLogLine":
        return self

    @property
    def author(self) -> _Name:
        return _Name(self.author_name)


@dataclass
class PairingPage:
    row: PairingHead
    logs: list[PairingLogLine]
    minutes: int
    can_write: bool


_MINUTES = (
    select(func.coalesce(func.sum(GuidanceLog.minutes), 0))
    .where(GuidanceLog.pairing_id == Pairing.id)
    .scalar_subquery()
)
_HEAD = (
    select(
        Pairing.id,
        Pairing.starts_on,
        Pairing.ends_on,
        Pairing.goals,
        Pairing.teacher_id,
        Pairing.mentor_id,
        Team.id,
        Team.name,
        Team.stage,
        Teacher.full_name,
        Mentor.full_name,
        Project.title,
        _MINUTES,
    )
    .join(Team, Team.id == Pairing.team_id)
    .join(Teacher, Teacher.id == Pairing.teacher_id)
    .join(Mentor, Mentor.id == Pairing.mentor_id)
    .outerjoin(Project, Project.id == Pairing.project_id)
    .where(Pairing.id == bindparam("pairing_id"))
)
_LOGS = (
    select(*LOG_LINE_COLUMNS)
    .join(User, User.id == GuidanceLog.author_id)
    .where(GuidanceLog.pairing_id == bindparam("pairing_id"))
    .order_by(GuidanceLog.held_on.desc(), GuidanceLog.id.desc())  # type: ignore[attr-defined]
    .limit(100)
)
# Who besides each log's author changed it (a deleted account shows as —).
_OTHER_EDITORS = (
    select(GuidanceLogChange.log_id, User.full_name)
    .distinct()
    .join(GuidanceLog, GuidanceLog.id == GuidanceLogChange.log_id)
    .outerjoin(User, User.id == GuidanceLogChange.editor_id)
    .where(
        GuidanceLog.pairing_id == bindparam("pairing_id"),
        or_(
            GuidanceLogChange.editor_id.is_(None),  # type: ignore[union-attr]
            GuidanceLogChange.editor_id != GuidanceLog.author_id,
        ),
    )
)


def pairing_page(session: Session, *, user: User, pairing_id: int) -> PairingPage:
    """The pairing's page for its mentor or teacher, or an administrator; NotFound else."""
    head = session.exec(_HEAD, params={"pairing_id": pairing_id}).first()
    if head is None:
        raise NotFound(NOT_FOUND)
    (pid, starts, ends, goals, teacher_id, mentor_id, team_id, team_name, stage) = head[:9]
    teacher, mentor, title, minutes = head[9:]
    author_side = user.id in (mentor_id, teacher_id) and user.role in (
        Role.mentor.value,
        Role.teacher.value,
    )
    if not (author_side or user.role == Role.admin):
        raise NotFound(NOT_FOUND)
    params = {"pairing_id": pid}
    editors: dict[int, set[str]] = defaultdict(set)
    for log_id, name in session.exec(_OTHER_EDITORS, params=params).all():
        editors[log_id].add(name or "—")
    logs = [
        PairingLogLine(*row, sorted(editors.get(row[0], ())))
        for row in session.exec(_LOGS, params=params).all()
    ]
    row = PairingHead(
        _Pairing(pid, starts, ends, goals),
        _Team(team_id, team_name, stage),
        _Name(teacher),
        _Name(mentor),
        None if title is None else _Project(title),
        ends is None or ends >= today(),
    )
    return PairingPage(row, logs, int(minutes), author_side)
