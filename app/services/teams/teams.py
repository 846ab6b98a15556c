"""Teams: members with post roles (history kept), captain, cohorts, stage pipeline, invitations.

Who may see a team: staff (admin, teacher) all; a student the teams they belong or belonged
to; an industry mentor the teams paired with them. Anyone else gets NotFound, so a team's
existence is not revealed by guessing ids.
"""

from sqlalchemy import bindparam, func
from sqlmodel import Session, select

from app.errors import Forbidden, FormErrors, NotFound
from app.i18n import N_
from app.i18n import lazy_gettext as _l
from app.models import Cohort, Role, User
from app.models.teams import (
    Pairing,
    Team,
    TeamCohort,
    TeamMember,
    TeamStage,
    TeamStageChange,
)
from app.schemas.base import FormValues
from app.schemas.teams import NewTeamForm, StageForm, TeamForm
from app.services.clock import today

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
