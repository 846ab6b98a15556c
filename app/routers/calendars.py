"""Calendar feeds (ICS): the user's own address page, and the public feeds by token."""

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import Response

from app.db import SessionDep, SessionRoute
from app.deps import require_role
from app.models import Role, User
from app.services import bookings as booking_service
from app.web import flash, redirect, render

router = APIRouter(prefix="/calendar", route_class=SessionRoute)

Booker = Annotated[User, Depends(require_role(Role.admin, Role.teacher, Role.student))]
Token = Annotated[str, Path(max_length=100)]

# The feed URLs carry their own secret: calendar apps cannot log in (PUBLIC_PATHS).
FEED_PATH = "/calendar/feed/{token}.ics"


@router.get("")
def calendar_page(request: Request, session: SessionDep, user: Booker) -> Response:
    feed = booking_service.feed_for(session, user_id=user.id)
    base = str(request.base_url).rstrip("/")
    url = base + FEED_PATH.format(token=feed.token) if feed else None
    return render(request, "bookings/calendar.html", {"feed_url": url})


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
