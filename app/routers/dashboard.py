"""The home page: a dashboard with real figures for each role."""

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.db import SessionDep
from app.deps import CurrentUser
from app.services import dashboard as dashboard_service
from app.web import render

router = APIRouter()


@router.get("/")
def dashboard(request: Request, session: SessionDep, user: CurrentUser) -> Response:
    data = dashboard_service.dashboard_for(session, user=user)
    return render(request, f"dashboard/{user.role}.html", {"data": data})
