"""Calendar feeds (ICS): the user's own address page, and the public feeds by token."""

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import Response

from app.db import SessionDep, SessionRoute
from app.deps import PathId, require_role
from app.models import Role, User
from app.services import bookings as booking_service
from app.services import teams as team_service
from app.web import flash, redirect, render

router = APIRouter(prefix="/calendar", route_class=SessionRoute)

Booker = Annotated[User, Depends(require_role(Role.admin, Role.teacher, Role.student))]
Token = Annotated[str, Path(max_length=100)]

# The feed URLs carry their own secret: calendar apps cannot log in (PUBLIC_PATHS).
FEED_PATH = "/calendar/feed/{token}.ics"


def feed_urls(request: Request, token: str | None) -> dict[str, str | None]:
    """The feed's https address (to paste) and its webcal:// twin (a tap subscribes)."""
    if token is None:
        return {"feed_url": None, "webcal_url": None}
    url = str(request.base_url).rstrip("/") + FEED_PATH.format(token=token)
    return {"feed_url": url, "webcal_url": "webcal://" + url.split("://", 1)[1]}


@router.get("")
def calendar_page(request: Request, session: SessionDep, user: Booker) -> Response:
    feed = booking_service.feed_for(session, user_id=user.id)
    context = feed_urls(request, feed.token if feed else None)
    context["regenerate_action"] = "/calendar/regenerate"
    return render(request, "bookings/calendar.html", context)


@router.get("/teams/{team_id}")
def team_calendar_page(
    request: Request, session: SessionDep, user: Booker, team_id: PathId
) -> Response:
    """A team's feed address, for its members and staff (whoever records its work)."""
    team = team_service.get_editable_team(session, user=user, team_id=team_id)
    feed = booking_service.feed_for(session, team_id=team.id)
    context = feed_urls(request, feed.token if feed else None)
    context.update(team=team, regenerate_action=f"/calendar/teams/{team.id}/regenerate")
    return render(request, "bookings/team_calendar.html", context)


@router.post("/teams/{team_id}/regenerate")
def regenerate_team_feed(
    request: Request, session: SessionDep, user: Booker, team_id: PathId
) -> Response:
    team = team_service.get_editable_team(session, user=user, team_id=team_id)
    booking_service.regenerate_feed(session, team_id=team.id)
    session.commit()
    return flash(
        redirect(request, f"/calendar/teams/{team.id}"),
        "A new calendar address has been made; the old one stops working.",
    )


@router.post("/regenerate")
def regenerate(request: Request, session: SessionDep, user: Booker) -> Response:
    booking_service.regenerate_feed(session, user_id=user.id)
    session.commit()
    return flash(
        redirect(request, "/calendar"),
        "A new calendar address has been made; the old one stops working.",
    )


@router.get("/feed/{token}.ics")
def feed(session: SessionDep, token: Token) -> Response:
    body = booking_service.feed_ics(session, token=token)
    headers = {"Cache-Control": "private, max-age=300", "Content-Disposition": "inline"}
    return Response(body, media_type="text/calendar; charset=utf-8", headers=headers)
