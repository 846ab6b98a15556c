"""A team's entrepreneurial project: details, platform accounts and follower counts."""

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from app.db import SessionDep
from app.deps import AnyUser, CurrentUser, PathId, require_role
from app.errors import FormErrors
from app.models import Role, User
from app.services import teams as team_service
from app.services.clock import today
from app.web import flash, redirect, render

router = APIRouter(prefix="/teams")
Text = Annotated[str, Form(max_length=20000)]
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


@router.post("/{team_id}/project", dependencies=[TeamWorkers])
def save_project(
    request: Request,
    session: SessionDep,
    user: Annotated[User, TeamWorkers],
    team_id: PathId,
    title: Text = "",
    description: Text = "",
    status: Text = "",
) -> Response:
    try:
        team_service.save_project(
            session, user=user, team_id=team_id, title=title, description=description, status=status
        )
    except FormErrors as exc:
        values = {"title": title, "description": description, "status": status}
        return _with_errors(request, session, user, team_id, exc, "project", values)
    session.commit()
    return flash(redirect(request, f"/teams/{team_id}/project"), "The project has been saved.")


@router.post("/{team_id}/project/accounts", dependencies=[TeamWorkers])
def add_account(
    request: Request,
    session: SessionDep,
    user: Annotated[User, TeamWorkers],
    team_id: PathId,
    platform: Text = "",
    handle: Text = "",
    followers: Text = "",
) -> Response:
    try:
        team_service.add_account(
            session,
            user=user,
            team_id=team_id,
            platform=platform,
            handle=handle,
            followers=followers,
        )
    except FormErrors as exc:
        values = {"platform": platform, "handle": handle, "followers": followers}
        return _with_errors(request, session, user, team_id, exc, "account", values)
    session.commit()
    return flash(redirect(request, f"/teams/{team_id}/project"), "The account has been added.")


@router.post("/{team_id}/project/followers", dependencies=[TeamWorkers])
def record_followers(
    request: Request,
    session: SessionDep,
    user: Annotated[User, TeamWorkers],
    team_id: PathId,
    account_id: Text = "",
    recorded_on: Text = "",
    followers: Text = "",
) -> Response:
    try:
        team_service.record_followers(
            session,
            user=user,
            team_id=team_id,
            account_id=account_id,
            recorded_on=recorded_on,
            followers=followers,
        )
    except FormErrors as exc:
        values = {"account_id": account_id, "recorded_on": recorded_on, "followers": followers}
        return _with_errors(request, session, user, team_id, exc, f"followers-{account_id}", values)
    session.commit()
    return flash(
        redirect(request, f"/teams/{team_id}/project"), "The follower count has been recorded."
    )
