"""The notification centre: the list, marking read, e-mail preferences, and the group
robots (WeCom / DingTalk webhooks) of a studio or a team."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from app.db import SessionDep, SessionRoute
from app.deps import AdminOnly, AnyUser, Auth, CurrentUser, FormOf, PageParams, PathId, require_role
from app.errors import FormErrors
from app.models import Role, User
from app.schemas.notifications import PreferencesForm, WebhookForm
from app.services import clock
from app.services import notifications as notification_service
from app.web import flash, is_htmx, redirect, render

router = APIRouter(prefix="/notifications", route_class=SessionRoute)
TeamRobotKeepers = Depends(require_role(Role.admin, Role.teacher, Role.mentor))


@router.get("", dependencies=[AnyUser])
def notifications_page(
    request: Request, session: SessionDep, user: CurrentUser, auth: Auth, pages: PageParams
) -> Response:
    page = notification_service.notification_page(
        session, user=user, locale=auth.locale, page=pages.page, per_page=pages.per_page
    )
    return render(request, "notifications/list.html", {"page": page})


@router.post("/{notification_id}/read", dependencies=[AnyUser])
def mark_read(
    request: Request, session: SessionDep, user: CurrentUser, auth: Auth, notification_id: PathId
) -> Response:
    item = notification_service.mark_read(
        session, user=user, notification_id=notification_id, locale=auth.locale
    )
    session.commit()
    if not is_htmx(request):
        return redirect(request, "/notifications")
    unread = notification_service.unread_count(session, user_id=user.id)
    return render(
        request, "notifications/_read.html", {"item": item, "unread_notifications": unread}
    )


@router.post("/read-all", dependencies=[AnyUser])
def mark_all_read(request: Request, session: SessionDep, user: CurrentUser) -> Response:
    notification_service.mark_all_read(session, user=user)
    session.commit()
    return flash(redirect(request, "/notifications"), "All notifications are marked read.")


def _preferences_context(session, user: User, form=None, errors=None) -> dict:
    rows = notification_service.preferences(session, user=user)
    places = notification_service.robot_places(session, user=user, today=clock.today())
    return {"rows": rows, "places": places, "form": form, "errors": errors or {}}


@router.get("/preferences", dependencies=[AnyUser])
def preferences_page(request: Request, session: SessionDep, user: CurrentUser) -> Response:
    return render(request, "notifications/preferences.html", _preferences_context(session, user))


@router.post("/preferences", dependencies=[AnyUser])
def save_preferences(
    request: Request, session: SessionDep, user: CurrentUser, form: FormOf(PreferencesForm)
) -> Response:
    try:
        typed = form.valid()
    except FormErrors as exc:
        context = _preferences_context(session, user, form.values, exc.errors)
        return render(
            request, "notifications/preferences.html", context, block="prefs", status_code=422
        )
    notification_service.save_preferences(session, user=user, email_kinds=typed.email_kinds())
    session.commit()
    return flash(redirect(request, "/notifications/preferences"), "Your preferences are saved.")


# --- group robots ------------------------------------------------------------------------------


def _robots(request, session, *, owner, studio_id=None, team_id=None, form=None, errors=None):
    endpoints = notification_service.endpoints_of(session, studio_id=studio_id, team_id=team_id)
    action = (
        f"/notifications/robots/studios/{studio_id}"
        if studio_id is not None
        else f"/notifications/robots/teams/{team_id}"
    )
    context = {
        "owner": owner,
        "is_studio": studio_id is not None,
        "endpoints": endpoints,
        "action": action,
        "form": form or {"kind": "wecom"},
        "errors": errors or {},
    }
    if errors:
        return render(
            request, "notifications/robots.html", context, block="robot_form", status_code=422
        )
    return render(request, "notifications/robots.html", context)


@router.get("/robots/studios/{studio_id}", dependencies=[AdminOnly])
def studio_robots(request: Request, session: SessionDep, user: CurrentUser, studio_id: PathId):
    studio = notification_service.managed_studio(session, user=user, studio_id=studio_id)
    return _robots(request, session, owner=studio.name, studio_id=studio_id)


@router.post("/robots/studios/{studio_id}", dependencies=[AdminOnly])
def add_studio_robot(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    studio_id: PathId,
    form: FormOf(WebhookForm),
) -> Response:
    studio = notification_service.managed_studio(session, user=user, studio_id=studio_id)
    try:
        notification_service.add_endpoint(
            session, actor=user, form=form.valid(), studio_id=studio_id
        )
    except FormErrors as exc:
        session.rollback()
        return _robots(
            request,
            session,
            owner=studio.name,
            studio_id=studio_id,
            form=form.values,
            errors=exc.errors,
        )
    session.commit()
    url = f"/notifications/robots/studios/{studio_id}"
    return flash(redirect(request, url), "The group robot is added.")


@router.get("/robots/teams/{team_id}", dependencies=[TeamRobotKeepers])
def team_robots(
    request: Request,
    session: SessionDep,
    user: Annotated[User, TeamRobotKeepers],
    team_id: PathId,
) -> Response:
    team = notification_service.managed_team(session, user=user, team_id=team_id)
    return _robots(request, session, owner=team.name, team_id=team_id)


@router.post("/robots/teams/{team_id}", dependencies=[TeamRobotKeepers])
def add_team_robot(
    request: Request,
    session: SessionDep,
    user: Annotated[User, TeamRobotKeepers],
    team_id: PathId,
    form: FormOf(WebhookForm),
) -> Response:
    team = notification_service.managed_team(session, user=user, team_id=team_id)
    try:
        notification_service.add_endpoint(session, actor=user, form=form.valid(), team_id=team_id)
    except FormErrors as exc:
        session.rollback()
        return _robots(
            request, session, owner=team.name, team_id=team_id, form=form.values, errors=exc.errors
        )
    session.commit()
    return flash(
        redirect(request, f"/notifications/robots/teams/{team_id}"), "The group robot is added."
    )


@router.post("/robots/{endpoint_id}/delete", dependencies=[TeamRobotKeepers])
def delete_robot(
    request: Request,
    session: SessionDep,
    user: Annotated[User, TeamRobotKeepers],
    endpoint_id: PathId,
) -> Response:
    back = notification_service.delete_endpoint(session, actor=user, endpoint_id=endpoint_id)
    session.commit()
    return flash(redirect(request, back), "The group robot is removed.")
