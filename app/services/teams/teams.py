"""Teams: members with post roles (history kept), captain, cohorts, stage pipeline, invitations.

Who may see a team: staff (admin, teacher) all; a student the teams they belong or belonged
to; an industry mentor the teams paired with them. Anyone else gets NotFound, so a team's
existence is not revealed by guessing ids.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import Integer, bindparam, func
from sqlmodel import Session, select

from app.errors import Forbidden, FormErrors, NotFound
from app.i18n import N_
from app.i18n import lazy_gettext as _l
from app.models import Cohort, Post, Role, User
from app.models.teams import (
    InvitationStatus,
    Pairing,
    Project,
    Team,
    TeamCohort,
    TeamInvitation,
    TeamMember,
    TeamStage,
    TeamStageChange,
)
from app.schemas.base import FormValues
from app.schemas.teams import NewTeamForm, StageForm, TeamForm
from app.services.clock import today
from app.services.pagination import Page, paginate

STAFF = frozenset({Role.admin.value, Role.teacher.value})
STAGES = [stage.value for stage in TeamStage]
STAGE_LABELS = {
    "club": N_("Club"),
    "academy": N_("Live-broadcast academy"),
    "studio": N_("Entrepreneurship studio"),
    "incubated": N_("Incubated business"),
}


def is_staff(user: User) -> bool:
    return user.role in STAFF


# Built once, at import: the team pages run these on every visit, and building a
# statement costs more than running it.
_CURRENT_MEMBER = select(TeamMember).where(
    TeamMember.team_id == bindparam("team_id"),
    TeamMember.user_id == bindparam("user_id"),
    TeamMember.left_on.is_(None),  # type: ignore[union-attr]
)
_STUDENT_IN_TEAM = (
    select(TeamMember.id)
    .where(TeamMember.team_id == bindparam("team_id"), TeamMember.user_id == bindparam("user_id"))
    .limit(1)
)
_MENTOR_OF_TEAM = (
    select(Pairing.id)
    .where(Pairing.team_id == bindparam("team_id"), Pairing.mentor_id == bindparam("user_id"))
    .limit(1)
)


def current_member(session: Session, *, team_id: int, user_id: int) -> TeamMember | None:
    params = {"team_id": team_id, "user_id": user_id}
    return session.exec(_CURRENT_MEMBER, params=params).first()


def visible_team_ids(user: User):
    """A subquery of the team ids ``user`` may see, or None for all teams (staff)."""
    if is_staff(user):
        return None
    if user.role == Role.student:
        return select(TeamMember.team_id).where(TeamMember.user_id == user.id)
    if user.role == Role.mentor:
        return select(Pairing.team_id).where(Pairing.mentor_id == user.id)
    return select(Team.id).where(Team.id == -1)


def get_visible_team(session: Session, *, user: User, team_id: int) -> Team:
    """The team, if ``user`` may see it; NotFound otherwise (also for unknown ids)."""
    team = session.get(Team, team_id)
    if team is None:
        raise NotFound("This team does not exist or is not visible to you.")
    if not is_staff(user) and not _in_scope(session, user=user, team_id=team_id):
        raise NotFound("This team does not exist or is not visible to you.")
    return team


def _in_scope(session: Session, *, user: User, team_id: int) -> bool:
    if user.role == Role.student:
        query = _STUDENT_IN_TEAM
    elif user.role == Role.mentor:
        query = _MENTOR_OF_TEAM
    else:
        return is_staff(user)
    params = {"team_id": team_id, "user_id": user.id}
    return session.exec(query, params=params).first() is not None


def get_editable_team(session: Session, *, user: User, team_id: int) -> Team:
    """The team, if ``user`` is staff or a current member (who record its work)."""
    team = get_visible_team(session, user=user, team_id=team_id)
    if is_staff(user) or current_member(session, team_id=team_id, user_id=user.id):
        return team
    raise NotFound("This team does not exist or is not visible to you.")


@dataclass
class TeamRow:
    team: Team
    cohorts: list[Cohort] = field(default_factory=list)
    member_count: int = 0
    captain: User | None = None
    uncovered: list[Post] = field(default_factory=list)


_TEAM_COHORTS = (
    select(TeamCohort.team_id, Cohort)
    .join(Cohort, Cohort.id == TeamCohort.cohort_id)
    .where(TeamCohort.team_id.in_(bindparam("ids", expanding=True)))  # type: ignore[attr-defined]
    .order_by(Cohort.intake_year, Cohort.class_number)
)
_TEAM_POSTS = select(TeamMember.team_id, TeamMember.post_id).where(
    TeamMember.team_id.in_(bindparam("ids", expanding=True)),  # type: ignore[attr-defined]
    TeamMember.left_on.is_(None),  # type: ignore[union-attr]
)
_USERS = select(User).where(User.id.in_(bindparam("ids", expanding=True)))  # type: ignore[union-attr]
_CORE_POSTS = select(Post).where(Post.is_core).order_by(Post.sort_order)  # type: ignore[arg-type]
_ALL_POSTS = select(Post).order_by(Post.sort_order)


def _team_rows(session: Session, teams: list[Team]) -> list[TeamRow]:
    """Cohorts, member counts, captains and uncovered core posts: four queries in all."""
    if not teams:
        return []
    ids = [team.id for team in teams]
    cohorts: dict[int, list[Cohort]] = defaultdict(list)
    for team_id, cohort in session.exec(_TEAM_COHORTS, params={"ids": ids}).all():
        cohorts[team_id].append(cohort)
    covered: dict[int, set[int]] = defaultdict(set)
    counts: dict[int, int] = defaultdict(int)
    for team_id, post_id in session.exec(_TEAM_POSTS, params={"ids": ids}).all():
        covered[team_id].add(post_id)
        counts[team_id] += 1
    captain_ids = sorted({team.captain_id for team in teams if team.captain_id})
    captains = {}
    if captain_ids:
        captains = {u.id: u for u in session.exec(_USERS, params={"ids": captain_ids}).all()}
    core = core_posts(session)
    return [
        TeamRow(
            team=team,
            cohorts=cohorts[team.id],
            member_count=counts[team.id],
            captain=captains.get(team.captain_id),
            uncovered=[post for post in core if post.id not in covered[team.id]],
        )
        for team in teams
    ]


def core_posts(session: Session) -> list[Post]:
    return list(session.exec(_CORE_POSTS).all())


def all_posts(session: Session) -> list[Post]:
    return list(session.exec(_ALL_POSTS).all())


_TEAM_COUNT = select(func.count(Team.id))
_TEAM_PAGE = (
    select(Team)
    .order_by(Team.name, Team.id)
    .limit(bindparam("limit", type_=Integer))
    .offset(bindparam("offset", type_=Integer))
)


def list_teams(
    session: Session, *, user: User, stage: str = "", q: str = "", page: int, per_page: int
) -> Page[TeamRow]:
    """The teams ``user`` may see, one page, with what the list shows about each."""
    q = q.replace("\x00", "").strip()[:100]
    scope = visible_team_ids(user)
    if scope is None and not q and stage not in STAGES:  # staff's unfiltered list: prebuilt
        total = session.exec(_TEAM_COUNT).one()
        number = min(page, max(1, -(-total // per_page)))
        params = {"limit": per_page, "offset": (number - 1) * per_page}
        items = list(session.exec(_TEAM_PAGE, params=params).all())
        filters = {"stage": "", "q": ""}
        return Page(_team_rows(session, items), total, number, per_page, "/teams", filters)
    query = select(Team)
    if scope is not None:
        query = query.where(Team.id.in_(scope))  # type: ignore[union-attr]
    if stage in STAGES:
        query = query.where(Team.stage == stage)
    if q:
        query = query.where(Team.name.contains(q, autoescape=True))  # type: ignore[attr-defined]
    query = query.order_by(Team.name, Team.id)
    items, total = paginate(session, query, page=page, per_page=per_page)
    return Page(
        items=_team_rows(session, items),
        total=total,
        number=min(page, max(1, -(-total // per_page))),
        per_page=per_page,
        base_path="/teams",
        query={"stage": stage if stage in STAGES else "", "q": q},
    )


@dataclass
class MemberView:
    member: TeamMember
    user: User
    post: Post


@dataclass
class TeamDetail:
    team: Team
    cohorts: list[Cohort]
    captain: User | None
    members: list[MemberView]
    former: list[MemberView]
    uncovered: list[Post]
    stages: list[TeamStageChange]
    project: Project | None
    invitations: list[tuple[TeamInvitation, User, Post]]
    can_manage: bool  # staff: stages, members, captain
    can_edit: bool  # staff or current member: project, live sessions
    is_captain: bool


_MEMBERS = (
    select(TeamMember, User, Post)
    .join(User, User.id == TeamMember.user_id)
    .join(Post, Post.id == TeamMember.post_id)
    .where(TeamMember.team_id == bindparam("team_id"))
    .order_by(Post.sort_order, TeamMember.joined_on, TeamMember.id)
)
_STAGES = (
    select(TeamStageChange)
    .where(TeamStageChange.team_id == bindparam("team_id"))
    .order_by(TeamStageChange.changed_on.desc(), TeamStageChange.id.desc())  # type: ignore[union-attr]
)
_PENDING_INVITATIONS = (
    select(TeamInvitation, User, Post)
    .join(User, User.id == TeamInvitation.user_id)
    .join(Post, Post.id == TeamInvitation.post_id)
    .where(
        TeamInvitation.team_id == bindparam("team_id"),
        TeamInvitation.status == InvitationStatus.pending.value,
    )
    .order_by(TeamInvitation.id)
)
_PROJECT = select(Project).where(Project.team_id == bindparam("team_id"))


def team_detail(session: Session, *, user: User, team_id: int) -> TeamDetail:
    """Everything the team page shows, for a user allowed to see the team."""
    team = get_visible_team(session, user=user, team_id=team_id)
    row = _team_rows(session, [team])[0]
    params = {"team_id": team.id}
    members, former = [], []
    for member, person, post in session.exec(_MEMBERS, params=params).all():
        (members if member.left_on is None else former).append(MemberView(member, person, post))
    former.sort(key=lambda view: (view.member.left_on, view.member.id), reverse=True)
    stages = list(session.exec(_STAGES, params=params).all())
    invitations = [tuple(row) for row in session.exec(_PENDING_INVITATIONS, params=params).all()]
    project = session.exec(_PROJECT, params=params).first()
    is_member = any(view.user.id == user.id for view in members)
    return TeamDetail(
        team=team,
        cohorts=row.cohorts,
        captain=row.captain,
        members=members,
        former=former,
        uncovered=row.uncovered,
        stages=stages,
        project=project,
        invitations=invitations,
        can_manage=is_staff(user),
        can_edit=is_staff(user) or is_member,
        is_captain=is_member and team.captain_id == user.id,
    )


def _check_name(session: Session, name: str, errors: dict, *, team_id: int | None = None) -> None:
    if "name" in errors or not name:
        return
    clash = session.exec(select(Team.id).where(func.lower(Team.name) == name.lower())).first()
    if clash is not None and clash != team_id:
        errors["name"] = _l("Another team already has this name.")


def _check_team(
    session: Session, form: TeamForm, errors: dict, *, team_id: int | None = None
) -> None:
    """A team's name is unique (any case) and its cohorts exist."""
    _check_name(session, form.name, errors, team_id=team_id)
    if form.cohort_ids:
        found = session.exec(select(Cohort.id).where(Cohort.id.in_(form.cohort_ids))).all()  # type: ignore[union-attr]
        if len(found) != len(form.cohort_ids):
            errors["cohort_ids"] = _l("Choose cohorts from the list.")


def update_team(session: Session, *, actor: User, team_id: int, form: TeamForm) -> Team:
    """Rename a team, change its description and cohorts (staff; the stage has its own
    history and changes through change_stage)."""
    if not is_staff(actor):
        raise Forbidden("Only teachers and administrators manage teams.")
    team = get_visible_team(session, user=actor, team_id=team_id)
    errors: dict = {}
    _check_team(session, form, errors, team_id=team.id)
    if errors:
        raise FormErrors(errors)
    ids = set(form.cohort_ids)
    team.name, team.description = form.name, form.description
    session.add(team)
    current = {
        link.cohort_id: link
        for link in session.exec(select(TeamCohort).where(TeamCohort.team_id == team.id))
    }
    for cohort_id, link in current.items():
        if cohort_id not in ids:
            session.delete(link)
    for cohort_id in sorted(ids - current.keys()):
        session.add(TeamCohort(team_id=team.id, cohort_id=cohort_id))
    session.flush()
    return team


def team_form_values(session: Session, *, user: User, team_id: int) -> FormValues:
    """What the edit form starts from."""
    team = get_visible_team(session, user=user, team_id=team_id)
    cohort_ids = session.exec(select(TeamCohort.cohort_id).where(TeamCohort.team_id == team.id))
    return TeamForm.initial(
        name=team.name,
        description=team.description,
        cohort_ids=[str(cohort_id) for cohort_id in cohort_ids],
    )


def create_team(session: Session, *, actor: User, form: NewTeamForm) -> Team:
    """A new team at a pipeline stage, with its cohorts and the first stage-history entry."""
    errors: dict = {}
    _check_team(session, form, errors)
    if errors:
        raise FormErrors(errors)
    team = Team(
        name=form.name, description=form.description, stage=form.stage, created_by_id=actor.id
    )
    session.add(team)
    session.flush()
    for cohort_id in sorted(set(form.cohort_ids)):
        session.add(TeamCohort(team_id=team.id, cohort_id=cohort_id))
    session.add(
        TeamStageChange(
            team_id=team.id,
            stage=form.stage,
            changed_on=form.started_on or today(),
            changed_by_id=actor.id,
        )
    )
    session.flush()
    return team


def change_stage(
    session: Session, *, actor: User, team_id: int, form: StageForm
) -> TeamStageChange:
    """Move a team along the pipeline; the change is kept with its date."""
    team = get_visible_team(session, user=actor, team_id=team_id)
    errors: dict = {}
    if form.stage == team.stage:
        errors["stage"] = _l("The team is already at this stage.")
    last = session.exec(
        select(func.max(TeamStageChange.changed_on)).where(TeamStageChange.team_id == team.id)
    ).one()
    if last and form.changed_on < last:
        errors["changed_on"] = _l("The date is before the team's last stage change.")
    if errors:
        raise FormErrors(errors)
    team.stage = form.stage
    change = TeamStageChange(
        team_id=team.id,
        stage=form.stage,
        changed_on=form.changed_on,
        note=form.note,
        changed_by_id=actor.id,
    )
    session.add_all([team, change])
    session.flush()
    return change


def team_choices(session: Session) -> list[Team]:
    return list(session.exec(select(Team).order_by(Team.name)).all())
