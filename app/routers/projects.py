"""A team's entrepreneurial project: details, platform accounts and follower counts."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from app.db import SessionDep, SessionRoute
from app.deps import AnyUser, CurrentUser, FormOf, PathId, require_role
from app.errors import FormErrors
from app.i18n import N_
from app.models import Role, User
from app.schemas.teams import AccountForm, FollowersForm, ProjectForm
from app.services import teams as team_service
from app.services.clock import today
from app.web import flash, redirect, render

router = APIRouter(prefix="/teams", route_class=SessionRoute)
TeamWorkers = Depends(require_role(Role.admin, Role.teacher, Role.student))


def _context(session, *, user, team_id: int) -> dict:
    team = team_service.get_visible_team(session, user=user, team_id=team_id)
    project = team_service.team_project(session, team_id=team.id)
    can_edit = team_service.is_staff(user) or bool(
        team_service.current_member(session, team_id=team.id, user_id=user.id)
    )
    return {
        "team": team,
        "project": project,
        "accounts": team_service.project_accounts(session, project_id=project.id)
        if project
        else [],
        "platforms": team_service.PLATFORMS,
        "statuses": team_service.STATUSES,
        "can_edit": can_edit,
        "today": today(),
        "errors": {},
        "failed": "",
        "values": {},
    }


def _with_errors(request, session, user, team_id, exc, failed: str, values: dict) -> Response:
    context = _context(session, user=user, team_id=team_id)
    context.update(errors=exc.errors, failed=failed, values=values)
    return render(request, "teams/project.html", context, status_code=422)


@router.get("/{team_id}/project", dependencies=[AnyUser])
def project_page(request: Request, session: SessionDep, user: CurrentUser, team_id: PathId):
    return render(request, "teams/project.html", _context(session, user=user, team_id=team_id))


def _save(request, session, user, team_id: int, form, change, *, failed: str, done: str):
    """Run ``change`` with the valid form; field errors re-render the project page (422)."""
    try:
        change(form.valid())
    except FormErrors as exc:
        session.rollback()
        return _with_errors(request, session, user, team_id, exc, failed, form.values)
    session.commit()
    return flash(redirect(request, f"/teams/{team_id}/project"), done)


@router.post("/{team_id}/project", dependencies=[TeamWorkers])
def save_project(
    request: Request,
    session: SessionDep,
    user: Annotated[User, TeamWorkers],
    team_id: PathId,
    form: FormOf(ProjectForm),
) -> Response:
    def change(data):
        team_service.save_project(session, user=user, team_id=team_id, form=data)

    done = N_("The project has been saved.")
    return _save(request, session, user, team_id, form, change, failed="project", done=done)


@router.post("/{team_id}/project/accounts", dependencies=[TeamWorkers])
def add_account(
    request: Request,
    session: SessionDep,
    user: Annotated[User, TeamWorkers],
    team_id: PathId,
    form: FormOf(AccountForm),
) -> Response:
    def change(data):
        team_service.add_account(session, user=user, team_id=team_id, form=data)

    done = N_("The account has been added.")
    return _save(request, session, user, team_id, form, change, failed="account", done=done)


@router.post("/{team_id}/project/followers", dependencies=[TeamWorkers])
def record_followers(
    request: Request,
    session: SessionDep,
    user: Annotated[User, TeamWorkers],
    team_id: PathId,
    form: FormOf(FollowersForm),
) -> Response:
    def change(data):
        team_service.record_followers(session, user=user, team_id=team_id, form=data)

    failed = f"followers-{form.values.account_id}"
    done = N_("The follower count has been recorded.")
    return _save(request, session, user, team_id, form, change, failed=failed, done=done)
