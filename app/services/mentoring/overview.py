"""What mentors, paired teachers and students see of guidance on their dashboards: a few
aggregate queries whatever the number of teams."""

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import bindparam, func, or_
from sqlalchemy.orm import Bundle
from sqlmodel import Session, select

from app.models import Post, User
from app.models.teams import ActionItem, GuidanceLog, Pairing, Project, Team, TeamMember
from app.services.clock import term_bounds, today
from app.services.mentoring.pairings import PairingRow


@dataclass
class MentorOverview:
    # (row, minutes this term, last log); a row's pairing, team and project carry the
    # columns shown (bundles), its teacher and mentor are not read.
    pairings: list[tuple[PairingRow, int, date | None]]
    open_actions: list[tuple]  # (item: id, text; log: id, held_on; team: id, name)
    minutes_this_term: int
    term: tuple[date, date]

    @property
    def hours_this_term(self) -> float:
        return round(self.minutes_this_term / 60, 1)


# A mentor's or teacher's dashboard statements, built once (bind parameters: user_id, and
# the term's start and end).
# The dashboards show a few columns of each row: they are read as bundles (rows with the
# same attribute names as the models') rather than as model objects, which cost several
# times more to load.
_MINE = or_(Pairing.mentor_id == bindparam("user_id"), Pairing.teacher_id == bindparam("user_id"))
_MY_PAIRINGS = (
    select(
        Bundle("pairing", Pairing.id, Pairing.ends_on),
        Bundle("team", Team.id, Team.name, Team.stage),
        Bundle("project", Project.id, Project.title),
    )
    .join(Team, Team.id == Pairing.team_id)
    .outerjoin(Project, Project.id == Pairing.project_id)
    .where(_MINE)
    .order_by(Team.name, Pairing.starts_on.desc())  # type: ignore[union-attr]
)
_MY_MINUTES = (
    select(
        GuidanceLog.pairing_id,
        func.sum(GuidanceLog.minutes).filter(
            GuidanceLog.held_on >= bindparam("start"), GuidanceLog.held_on < bindparam("end")
        ),
        func.max(GuidanceLog.held_on),
    )
    .join(Pairing, Pairing.id == GuidanceLog.pairing_id)
    .where(_MINE)
    .group_by(GuidanceLog.pairing_id)
)


def _open_actions_of(pairings):
    """Open action items of the pairings matching ``pairings``, oldest meeting first."""
    return (
        select(
            Bundle("item", ActionItem.id, ActionItem.text),
            Bundle("log", GuidanceLog.id, GuidanceLog.held_on),
            Bundle("team", Team.id, Team.name),
        )
        .select_from(ActionItem)
        .join(GuidanceLog, GuidanceLog.id == ActionItem.log_id)
        .join(Pairing, Pairing.id == GuidanceLog.pairing_id)
        .join(Team, Team.id == Pairing.team_id)
        .where(pairings, ActionItem.done_at.is_(None))  # type: ignore[union-attr]
        .order_by(GuidanceLog.held_on, ActionItem.sort_order)
        .limit(50)
    )


_MY_OPEN_ACTIONS = _open_actions_of(_MINE)


def my_pairings_overview(session: Session, *, user: User, on: date | None = None) -> MentorOverview:
    """A mentor's or teacher's pairings with this term's minutes, open action items and hours:
    three queries whatever the number of teams."""
    start, end = term_bounds(on or today(), session)
    params = {"user_id": user.id, "start": start, "end": end}
    rows = [
        PairingRow(pairing, team, None, None, project if project.id is not None else None)
        for pairing, team, project in session.exec(_MY_PAIRINGS, params=params).all()
    ]
    per_pairing = {
        pairing_id: (int(minutes or 0), last)
        for pairing_id, minutes, last in session.exec(_MY_MINUTES, params=params).all()
    }
    open_actions = [tuple(row) for row in session.exec(_MY_OPEN_ACTIONS, params=params).all()]
    pairings = [(row, *per_pairing.get(row.pairing.id, (0, None))) for row in rows]
    total = sum(minutes for _row, minutes, _last in pairings)
    return MentorOverview(pairings, open_actions, total, (start, end))


@dataclass
class StudentOverview:
    teams: list[tuple[Team, Post]]
    open_actions: list[tuple]  # as MentorOverview's
    unacknowledged: list[tuple]  # (log: id, held_on; team: id, name)


# The student dashboard's statements, built once (bind parameter: user_id).
_CURRENT_TEAMS = select(TeamMember.team_id).where(
    TeamMember.user_id == bindparam("user_id"),
    TeamMember.left_on.is_(None),  # type: ignore[union-attr]
)
_STUDENT_TEAMS = (
    select(Team, Post)
    .join(TeamMember, TeamMember.team_id == Team.id)
    .join(Post, Post.id == TeamMember.post_id)
    .where(TeamMember.user_id == bindparam("user_id"), TeamMember.left_on.is_(None))  # type: ignore[union-attr]
    .order_by(Team.name)
)
_STUDENT_OPEN_ACTIONS = _open_actions_of(Pairing.team_id.in_(_CURRENT_TEAMS))  # type: ignore[attr-defined]
_STUDENT_UNACKNOWLEDGED = (
    select(Bundle("log", GuidanceLog.id, GuidanceLog.held_on), Bundle("team", Team.id, Team.name))
    .select_from(GuidanceLog)
    .join(Pairing, Pairing.id == GuidanceLog.pairing_id)
    .join(Team, Team.id == Pairing.team_id)
    .where(Pairing.team_id.in_(_CURRENT_TEAMS), GuidanceLog.acknowledged_at.is_(None))  # type: ignore[union-attr,attr-defined]
    .order_by(GuidanceLog.held_on.desc())  # type: ignore[attr-defined]
    .limit(20)
)


def student_overview(session: Session, *, user: User) -> StudentOverview:
    """A student's current teams, their open action items and logs waiting for acknowledgement:
    three queries."""
    params = {"user_id": user.id}
    return StudentOverview(
        teams=[tuple(row) for row in session.exec(_STUDENT_TEAMS, params=params).all()],
        open_actions=[
            tuple(row) for row in session.exec(_STUDENT_OPEN_ACTIONS, params=params).all()
        ],
        unacknowledged=[
            tuple(row) for row in session.exec(_STUDENT_UNACKNOWLEDGED, params=params).all()
        ],
    )


def weeks_ago(weeks: int, *, on: date | None = None) -> date:
    return (on or today()) - timedelta(weeks=weeks)
