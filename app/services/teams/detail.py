"""What a team's page shows: the team with its captain and project, cohorts, members and
former members with their posts, uncovered core posts, stage history and open invitations.

The page is among the most visited, so it reads columns, not entities, with statements
built once at import: six statements whatever the team's size or history (five once the
posts are kept: per worker, until a post changes). The team row carries the visitor's
right to see it (an EXISTS), its captain's name and its project.
"""

from dataclasses import dataclass
from typing import NamedTuple

from sqlalchemy import bindparam, literal, true
from sqlmodel import Session, select

from app.errors import NotFound
from app.models import Cohort, Post, Role, User
from app.models.teams import (
    InvitationStatus,
    Pairing,
    Project,
    Team,
    TeamCohort,
    TeamInvitation,
    TeamMember,
    TeamStageChange,
)
from app.services import revisions
from app.services.teams.teams import is_staff


class Person(NamedTuple):
    id: int
    full_name: str


class MemberCell(NamedTuple):
    id: int
    joined_on: object
    left_on: object


class ProjectCell(NamedTuple):
    id: int
    title: str


@dataclass
class MemberView:
    member: MemberCell
    user: Person
    post: "PostCell"


@dataclass
class TeamDetail:
    team: Team
    cohorts: list[Cohort]
    captain: Person | None
    members: list[MemberView]
    former: list[MemberView]
    uncovered: list["PostCell"]
    stages: list  # rows: stage, changed_on, note
    project: ProjectCell | None
    invitations: list  # (invitation row: id, created_at; person row: full_name; Post)
    can_manage: bool  # staff: stages, members, captain
    can_edit: bool  # staff or current member: project, live sessions
    is_captain: bool
    posts: tuple["PostCell", ...]  # every post, in order (the forms' choices)


_ALL_POSTS = select(Post).order_by(Post.sort_order)
_POST_CELLS = select(Post.id, Post.code, Post.name_zh, Post.name_en, Post.is_core).order_by(
    Post.sort_order
)
POSTS = "team_posts"
revisions.track(POSTS, {Post})
_KEPT_POSTS = revisions.Keeper(POSTS, size=1)


class PostCell(NamedTuple):
    """A post's names (the kept list holds no ORM entities)."""

    id: int
    code: str
    name_zh: str
    name_en: str
    is_core: bool


def all_posts(session: Session) -> list[Post]:
    return list(session.exec(_ALL_POSTS).all())


def post_cells(session: Session) -> tuple[PostCell, ...]:
    """Every post in order, kept per worker until a post changes (the team page reads
    them on every visit; they change once a term at most)."""

    def compute() -> tuple[PostCell, ...]:
        return tuple(PostCell(*row) for row in _rows(session, _POST_CELLS, {}))

    return _KEPT_POSTS.get(session, (), compute)


def _team_statement(scope):
    """The team with the visitor's right to see it, its captain's name and its project."""
    captain = User.__table__.alias("captain")
    return (
        select(
            Team,
            scope.label("visible"),
            captain.c.full_name.label("captain_name"),
            Project.id.label("project_id"),  # type: ignore[union-attr]
            Project.title.label("project_title"),
        )
        .outerjoin(captain, captain.c.id == Team.captain_id)
        .outerjoin(Project, Project.team_id == Team.id)
        .where(Team.id == bindparam("team_id"))
    )


_TEAM_FOR_STAFF = _team_statement(literal(True))
_TEAM_FOR_STUDENT = _team_statement(  # a student sees the teams they belong or belonged to
    select(TeamMember.id)
    .where(TeamMember.team_id == Team.id, TeamMember.user_id == bindparam("user_id"))
    .exists()
)
_TEAM_FOR_MENTOR = _team_statement(  # a mentor the teams paired with them
    select(Pairing.id)
    .where(Pairing.team_id == Team.id, Pairing.mentor_id == bindparam("user_id"))
    .exists()
)
_TEAM_FOR_OTHERS = _team_statement(~true())
_COHORTS = (
    select(Cohort)
    .join(TeamCohort, TeamCohort.cohort_id == Cohort.id)
    .where(TeamCohort.team_id == bindparam("team_id"))
    .order_by(Cohort.intake_year, Cohort.class_number)
)
_MEMBERS = (
    select(
        TeamMember.id,
        TeamMember.user_id,
        TeamMember.post_id,
        TeamMember.joined_on,
        TeamMember.left_on,
        User.full_name,
    )
    .join(User, User.id == TeamMember.user_id)
    .join(Post, Post.id == TeamMember.post_id)
    .where(TeamMember.team_id == bindparam("team_id"))
    .order_by(Post.sort_order, TeamMember.joined_on, TeamMember.id)
)
_STAGES = (
    select(TeamStageChange.stage, TeamStageChange.changed_on, TeamStageChange.note)
    .where(TeamStageChange.team_id == bindparam("team_id"))
    .order_by(TeamStageChange.changed_on.desc(), TeamStageChange.id.desc())  # type: ignore[union-attr]
)
_PENDING_INVITATIONS = (
    select(TeamInvitation.id, TeamInvitation.created_at, TeamInvitation.post_id, User.full_name)
    .join(User, User.id == TeamInvitation.user_id)
    .where(
        TeamInvitation.team_id == bindparam("team_id"),
        TeamInvitation.status == InvitationStatus.pending.value,
    )
    .order_by(TeamInvitation.id)
)


def _rows(session: Session, statement, params: dict) -> list:
    """A column statement's rows, run on the session's connection: Core rows, without the
    ORM's execution and result wrapping."""
    return session.connection().execute(statement, params).all()


def _team_row(session: Session, *, user: User, team_id: int):
    if is_staff(user):
        statement = _TEAM_FOR_STAFF
    elif user.role == Role.student:
        statement = _TEAM_FOR_STUDENT
    elif user.role == Role.mentor:
        statement = _TEAM_FOR_MENTOR
    else:
        statement = _TEAM_FOR_OTHERS
    row = session.exec(statement, params={"team_id": team_id, "user_id": user.id}).first()
    if row is None or not row.visible:
        raise NotFound("This team does not exist or is not visible to you.")
    return row


def team_detail(session: Session, *, user: User, team_id: int) -> TeamDetail:
    """Everything the team page shows, for a user allowed to see the team."""
    row = _team_row(session, user=user, team_id=team_id)
    team = row.Team
    params = {"team_id": team.id}
    posts = post_cells(session)
    post_of = {post.id: post for post in posts}
    members, former = [], []
    for m in _rows(session, _MEMBERS, params):
        view = MemberView(
            MemberCell(m.id, m.joined_on, m.left_on),
            Person(m.user_id, m.full_name),
            post_of[m.post_id],
        )
        (members if m.left_on is None else former).append(view)
    former.sort(key=lambda view: (view.member.left_on, view.member.id), reverse=True)
    covered = {view.post.id for view in members}
    invitations = [
        (inv, inv, post_of[inv.post_id]) for inv in _rows(session, _PENDING_INVITATIONS, params)
    ]
    is_member = any(view.user.id == user.id for view in members)
    return TeamDetail(
        team=team,
        cohorts=list(session.exec(_COHORTS, params=params).all()),
        captain=None if row.captain_name is None else Person(team.captain_id, row.captain_name),
        members=members,
        former=former,
        uncovered=[post for post in posts if post.is_core and post.id not in covered],
        stages=_rows(session, _STAGES, params),
        project=None if row.project_id is None else ProjectCell(row.project_id, row.project_title),
        invitations=invitations,
        can_manage=is_staff(user),
        can_edit=is_staff(user) or is_member,
        is_captain=is_member and team.captain_id == user.id,
        posts=posts,
    )
