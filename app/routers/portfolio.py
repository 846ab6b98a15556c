"""The student portfolio (岗课赛证 record): a student's own, or any student's for staff;
also as an A4 PDF."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from app.db import SessionDep, SessionRoute
from app.deps import AnyUser, CurrentUser, PathId, require_role
from app.exports import portfolio as portfolio_export
from app.models import Role, User
from app.services import contests as contest_service
from app.services import portfolio as portfolio_service
from app.services.certificates import STATUS_LABELS
from app.services.curriculum import CERT_LEVEL_LABELS
from app.web import download, redirect, render

router = APIRouter(prefix="/portfolio", route_class=SessionRoute)

StudentUser = Annotated[User, Depends(require_role(Role.student))]


def _labels() -> dict:
    return {
        "AWARD_LABELS": contest_service.AWARD_LABELS,
        "ROUND_LEVEL_LABELS": contest_service.ROUND_LEVEL_LABELS,
        "STATUS_LABELS": STATUS_LABELS,
        "CERT_LEVEL_LABELS": CERT_LEVEL_LABELS,
    }


@router.get("")
def my_portfolio(request: Request, user: StudentUser) -> Response:
    return redirect(request, f"/portfolio/{user.id}")


@router.get("/{student_id}", dependencies=[AnyUser])
def portfolio_page(
    request: Request, session: SessionDep, student_id: PathId, user: CurrentUser
) -> Response:
    view = portfolio_service.portfolio(session, viewer=user, student_id=student_id)
    return render(request, "portfolio/page.html", {"p": view, **_labels()})


@router.get("/{student_id}/portfolio.pdf", dependencies=[AnyUser])
def portfolio_pdf(
    request: Request, session: SessionDep, student_id: PathId, user: CurrentUser
) -> Response:
    view = portfolio_service.portfolio(session, viewer=user, student_id=student_id)
    content = portfolio_export.portfolio_pdf(view, request.state.auth.locale, **_labels())
    return download(content, f"portfolio-{student_id}.pdf", inline=True)
