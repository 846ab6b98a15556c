"""The teams list: the teams a user may see, one page, each with its cohorts, member count,
captain and uncovered core posts (four statements for staff's unfiltered list, whatever
the number of teams).

Staff's unfiltered pages are the same for every teacher and administrator: they are kept
per worker under the "teams_list" data token (app/services/revisions.py), renewed at the
commit of any change to a team, its cohorts or members, a cohort, a post or an account's
name, and the kept page's table renders once per language (templates/teams/_team_table.html).
Filtered lists and students' and mentors' lists are read live."""

from collections import defaultdict
from dataclasses import dataclass, field
from typing import NamedTuple

from sqlalchemy import Integer, bindparam, func
from sqlmodel import Session, select

from app.models import Cohort, Post, User
from app.models.teams import Team, TeamCohort, TeamMember
from app.services import revisions
from app.services.pagination import Page, paginate
from app.services.teams.detail import Person
from app.services.teams.teams import STAGES, visible_team_ids

REVISION = "teams_list"
revisions.track(REVISION, {Team, TeamCohort, TeamMember, Cohort, Post}, user_fields=("full_name",))
_KEPT = revisions.Keeper(REVISION, size=16)  # staff's unfiltered pages, by page and size


class TeamCell(NamedTuple):
    id: int
    name: str
    stage: str


class CohortCell(NamedTuple):
    major: str
    intake_year: int
    class_number: int

    def label(self, locale: str = "zh_CN") -> str:
        return Cohort.label(self, locale)  # type: ignore[arg-type]


class PostCell(NamedTuple):
    """A core post's names (a kept page holds no ORM entities)."""

    id: int
    name_zh: str
    name_en: str


@dataclass
class TeamRow:
    team: TeamCell
    cohorts: list[CohortCell] = field(default_factory=list)
    member_count: int = 0
    captain: Person | None = None
    uncovered: list[PostCell] = field(default_factory=list)


_CAPTAIN = User.__table__.alias("captain")
# The columns the list shows, with the captain's name (an outer join: no second statement
# for the captains); no entities.
_TEAMS = select(
    Team.id,
    Team.name,
    Team.stage,
    Team.captain_id,
    _CAPTAIN.c.full_name.label("captain_name"),
).outerjoin(_CAPTAIN, _CAPTAIN.c.id == Team.captain_id)
_TEAM_COHORTS = (
    select(TeamCohort.team_id, Cohort.major, Cohort.intake_year, Cohort.class_number)
    .join(Cohort, Cohort.id == TeamCohort.cohort_id)
    .where(TeamCohort.team_id.in_(bindparam("ids", expanding=True)))  # type: ignore[attr-defined]
    .order_by(Cohort.intake_year, Cohort.class_number)
)
_TEAM_POSTS = select(TeamMember.team_id, TeamMember.post_id).where(
    TeamMember.team_id.in_(bindparam("ids", expanding=True)),  # type: ignore[attr-defined]
    TeamMember.left_on.is_(None),  # type: ignore[union-attr]
)
_CORE_POSTS = (
    select(Post.id, Post.name_zh, Post.name_en)
    .where(Post.is_core)  # type: ignore[arg-type]
    .order_by(Post.sort_order)
)
_TEAM_COUNT = select(func.count(Team.id))
# Staff's unfiltered list: the page with the total over all teams as a window aggregate.
_TEAM_PAGE = (
    _TEAMS.add_columns(func.count().over().label("total"))
    .order_by(Team.name, Team.id)
    .limit(bindparam("limit", type_=Integer))
    .offset(bindparam("offset", type_=Integer))
)


def core_posts(session: Session) -> list[PostCell]:
    return [PostCell(*row) for row in session.exec(_CORE_POSTS).all()]


def _team_rows(session: Session, rows) -> list[TeamRow]:
    """Cohorts, member counts and uncovered core posts of (team, captain name) rows."""
    if not rows:
        return []
    ids = [row.id for row in rows]
    cohorts: dict[int, list[CohortCell]] = defaultdict(list)
    for team_id, *cohort in session.exec(_TEAM_COHORTS, params={"ids": ids}).all():
        cohorts[team_id].append(CohortCell(*cohort))
    covered: dict[int, set[int]] = defaultdict(set)
    counts: dict[int, int] = defaultdict(int)
    for team_id, post_id in session.exec(_TEAM_POSTS, params={"ids": ids}).all():
        covered[team_id].add(post_id)
        counts[team_id] += 1
    core = core_posts(session)
    return [
        TeamRow(
            team=TeamCell(row.id, row.name, row.stage),
            cohorts=cohorts[row.id],
            member_count=counts[row.id],
            captain=None if row.captain_name is None else Person(row.captain_id, row.captain_name),
            uncovered=[post for post in core if post.id not in covered[row.id]],
        )
        for row in rows
    ]


def _staff_page(session: Session, page: int, per_page: int) -> tuple[list, int, int]:
    """One statement for the page and its total; a second only past the last page."""
    params = {"limit": per_page, "offset": (page - 1) * per_page}
    rows = session.exec(_TEAM_PAGE, params=params).all()
    if rows:
        return rows, int(rows[0].total), page
    total = session.exec(_TEAM_COUNT).one()
    number = min(page, max(1, -(-total // per_page)))
    if number == page or total == 0:
        return [], total, number
    params = {"limit": per_page, "offset": (number - 1) * per_page}
    return session.exec(_TEAM_PAGE, params=params).all(), total, number


def list_teams(
    session: Session, *, user: User, stage: str = "", q: str = "", page: int, per_page: int
) -> Page[TeamRow]:
    """The teams ``user`` may see, one page, with what the list shows about each."""
    q = q.replace("\x00", "").strip()[:100]
    scope = visible_team_ids(user)
    if scope is None and not q and stage not in STAGES:  # staff's unfiltered list: prebuilt

        def compute() -> Page[TeamRow]:
            rows, total, number = _staff_page(session, page, per_page)
            filters = {"stage": "", "q": ""}
            return Page(_team_rows(session, rows), total, number, per_page, "/teams", filters)

        return _KEPT.get(session, (page, per_page), compute)
    query = _TEAMS
    if scope is not None:
        query = query.where(Team.id.in_(scope))  # type: ignore[union-attr]
    if stage in STAGES:
        query = query.where(Team.stage == stage)
    if q:
        query = query.where(Team.name.contains(q, autoescape=True))  # type: ignore[attr-defined]
    query = query.order_by(Team.name, Team.id)
    rows, total = paginate(session, query, page=page, per_page=per_page)
    return Page(
        items=_team_rows(session, rows),
        total=total,
        number=min(page, max(1, -(-total // per_page))),
        per_page=per_page,
        base_path="/teams",
        query={"stage": stage if stage in STAGES else "", "q": q},
    )
