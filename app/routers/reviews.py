"""The review (复盘) of a live session: its texts and actions, ticking actions off, and
the paired mentor's and staff's comments. The section sits on the session page
(teams/session.html includes reviews/_review.html)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from app.db import SessionDep, SessionRoute
from app.deps import FormOf, PathId, require_role
from app.errors import FormErrors
from app.models import Role, User
from app.routers.live_sessions import _session_context as session_context
from app.schemas.reviews import ActionTickForm, CommentForm, ReviewForm
from app.services import reviews as review_service
from app.web import flash, is_htmx, redirect, render

router = APIRouter(prefix="/teams/{team_id}/sessions/{session_id}", route_class=SessionRoute)
TeamWorkers = Depends(require_role(Role.admin, Role.teacher, Role.student))
Commenters = Depends(require_role(Role.admin, Role.teacher, Role.mentor))


def _rerender(request: Request, context: dict, block: str) -> Response:
    """The block alone for htmx (swapped in place), else the whole session page; 422."""
    template = "reviews/_review.html" if is_htmx(request) else "teams/session.html"
    return render(request, template, context, block=block, status_code=422)


@router.post("/review", dependencies=[TeamWorkers])
def record_review(
    request: Request,
    session: SessionDep,
    user: Annotated[User, TeamWorkers],
    team_id: PathId,
    session_id: PathId,
    form: FormOf(ReviewForm),
) -> Response:
    try:
        review_service.record_review(
            session, user=user, team_id=team_id, session_id=session_id, form=form.valid()
        )
    except FormErrors as exc:
        session.rollback()
        context = session_context(session, user=user, team_id=team_id, session_id=session_id)
        context["review_view"] = review_service.review_view(
            session, user=user, live=context["live"], form=form.values, errors=exc.errors
        )
        return _rerender(request, context, "review_form")
    session.commit()
    url = f"/teams/{team_id}/sessions/{session_id}"
    return flash(redirect(request, url), "The review has been saved.")


@router.post("/actions/{action_id}/done", dependencies=[TeamWorkers])
def tick_action(
    request: Request,
    session: SessionDep,
    user: Annotated[User, TeamWorkers],
    team_id: PathId,
    session_id: PathId,
    action_id: PathId,
    form: FormOf(ActionTickForm),
) -> Response:
    action = review_service.set_action_done(
        session,
        user=user,
        team_id=team_id,
        session_id=session_id,
        action_id=action_id,
        done=form.valid().done,
    )
    session.commit()
    if is_htmx(request):  # the item alone, swapped in place
        owner = session.get(User, action.owner_id)
        context = {"item": action, "owner": owner, "team_id": team_id, "can_tick": True}
        return render(request, "reviews/_action.html", context)
    return redirect(request, f"/teams/{team_id}/sessions/{session_id}#review-action-{action.id}")


@router.post("/comments", dependencies=[Commenters])
def add_comment(
    request: Request,
    session: SessionDep,
    user: Annotated[User, Commenters],
    team_id: PathId,
    session_id: PathId,
    form: FormOf(CommentForm),
) -> Response:
    try:
        review_service.add_comment(
            session, user=user, team_id=team_id, session_id=session_id, form=form.valid()
        )
    except FormErrors as exc:
        session.rollback()
        context = session_context(session, user=user, team_id=team_id, session_id=session_id)
        view = review_service.review_view(session, user=user, live=context["live"])
        view.comment_form, view.comment_errors = form.values, exc.errors
        context["review_view"] = view
        return _rerender(request, context, "comment_form")
    session.commit()
    url = f"/teams/{team_id}/sessions/{session_id}"  # a #fragment would stop htmx reloading
    return flash(redirect(request, url), "Your comment has been added.")
