"""The home page: a dashboard with real figures for each role."""

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from app.db import SessionDep, SessionRoute
from app.deps import CurrentUser
from app.models import User
from app.services import dashboard as dashboard_service
from app.services.curriculum import CERT_LEVEL_LABELS
from app.web import render

router = APIRouter(route_class=SessionRoute)


@router.get("/")
async def dashboard(request: Request, session: SessionDep, user: CurrentUser) -> Response:
    # The most visited page. Figures already counted (the administrators' college-wide
    # ones) render on the event loop; counting goes to a worker thread, so a few
    # milliseconds of queries never hold up other requests' reads and accepts.
    data = dashboard_service.counted_dashboard(user)
    if data is not None:
        return render(request, f"dashboard/{user.role}.html", _context(data))
    return await run_in_threadpool(_count_and_render, request, session, user)


def _count_and_render(request: Request, session: SessionDep, user: User) -> Response:
    data = dashboard_service.dashboard_for(session, user=user)
    session.close()  # in this thread: the connection goes back before the page renders
    return render(request, f"dashboard/{user.role}.html", _context(data))


def _context(data) -> dict:
    return {"data": data, "CERT_LEVEL_LABELS": CERT_LEVEL_LABELS}
