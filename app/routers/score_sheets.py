"""The judges' own pages (teachers and industry mentors): the entries assigned to them,
each entry's score sheet, submitting it, and stepping back from an entry. A judge reaches
only their own assignments; anyone else's id is a page that does not exist."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from app.db import SessionDep, SessionRoute
from app.deps import FormOf, PathId, require_role
from app.errors import FormErrors
from app.models import Role, User
from app.routers.contests import labels
from app.schemas.judging import RecuseForm, ScoreSheetForm
from app.services import judging as judging_service
from app.web import flash, redirect, render

router = APIRouter(prefix="/judging", route_class=SessionRoute)

Judge = Annotated[User, Depends(require_role(Role.teacher, Role.mentor))]


@router.get("")
def my_entries(request: Request, session: SessionDep, user: Judge) -> Response:
    tasks = judging_service.my_assignments(session, judge=user)
    return render(request, "judging/index.html", {"tasks": tasks, **labels()})


def _sheet(request, session, user, assignment_id, *, errors=None, form=None, status_code=200):
    sheet = judging_service.score_sheet(session, judge=user, assignment_id=assignment_id)
    context = {
        "s": sheet,
        "errors": errors or {},
        "form": form,
        "saved": status_code == 200,
        **labels(),
    }
    block = "sheet" if status_code != 200 or request.method == "POST" else None
    return render(request, "judging/sheet.html", context, block=block, status_code=status_code)


def _refused(request, session, user, assignment_id, exc: FormErrors, values=None) -> Response:
    """The sheet again with the messages beside the fields (422), nothing written."""
    session.rollback()
    return _sheet(
        request, session, user, assignment_id, errors=exc.errors, form=values, status_code=422
    )


@router.get("/{assignment_id}")
def score_page(
    request: Request, session: SessionDep, assignment_id: PathId, user: Judge
) -> Response:
    return _sheet(request, session, user, assignment_id)


@router.post("/{assignment_id}/scores")
def save_scores(
    request: Request,
    session: SessionDep,
    assignment_id: PathId,
    user: Judge,
    form: FormOf(ScoreSheetForm),
) -> Response:
    judging_service.get_own_assignment(session, judge=user, assignment_id=assignment_id)
    try:
        judging_service.save_scores(
            session, judge=user, assignment_id=assignment_id, form=form.valid()
        )
    except FormErrors as exc:
        return _refused(request, session, user, assignment_id, exc, form.values)
    session.commit()
    if request.headers.get("hx-request") == "true":
        return _sheet(request, session, user, assignment_id)
    return flash(redirect(request, f"/judging/{assignment_id}"), "Your scores were saved.")


@router.post("/{assignment_id}/submit")
def submit_scores(
    request: Request, session: SessionDep, assignment_id: PathId, user: Judge
) -> Response:
    try:
        judging_service.submit_scores(session, judge=user, assignment_id=assignment_id)
    except FormErrors as exc:
        return _refused(request, session, user, assignment_id, exc)
    session.commit()
    return flash(redirect(request, "/judging"), "Your scores were submitted.")


@router.post("/{assignment_id}/recuse")
def recuse(
    request: Request,
    session: SessionDep,
    assignment_id: PathId,
    user: Judge,
    form: FormOf(RecuseForm),
) -> Response:
    judging_service.get_own_assignment(session, judge=user, assignment_id=assignment_id)
    try:
        judging_service.recuse(
            session, judge=user, assignment_id=assignment_id, reason=form.valid().reason
        )
    except FormErrors as exc:
        return _refused(request, session, user, assignment_id, exc, form.values)
    session.commit()
    return flash(redirect(request, "/judging"), "You stepped back from judging this entry.")
