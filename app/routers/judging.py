"""Judging, the organiser's round page for admins: the rubric, judges, live ranking and
awards on one page, its exports, and the published results anyone may read.

Changes to a round are in ``judging_setup`` (rubric, options, judges) and
``judging_results`` (awards, publishing, advancing); the judges' own pages are in
``score_sheets``. Those routers render and redirect through the helpers here.
"""

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from app.db import SessionDep, SessionRoute
from app.deps import AdminOnly, AnyUser, PathId, require_role
from app.errors import FormErrors
from app.exports import contests as contests_export
from app.models import Role, User
from app.routers.contests import labels
from app.services import contests as contest_service
from app.services import judging as judging_service
from app.web import download, flash, is_htmx, redirect, render

router = APIRouter(route_class=SessionRoute)

AdminUser = Annotated[User, Depends(require_role(Role.admin))]


def render_round(
    request, session, round_id, *, errors=None, form=None, block=None, status_code=200
):
    view = judging_service.ranking(session, round_id=round_id)
    context = {
        "r": view,
        "entries": judging_service.entries_for_assignment(session, round_id=round_id),
        "judges": judging_service.judge_choices(session),
        "advanced": contest_service.advanced_count(session, round_id=round_id),
        "quotas": judging_service.DEFAULT_QUOTAS,
        "missing": [] if view.round.is_locked else judging_service.missing_scores(view),
        "errors": errors or {},
        "form": form or {},
        **labels(),
    }
    return render(request, "judging/round.html", context, block=block, status_code=status_code)


def back_to_round(request, round_id: int, message: str, anchor: str = "") -> Response:
    # No #anchor for htmx: a redirect to the same page with only a new fragment would
    # just scroll instead of reloading it.
    url = f"/contests/rounds/{round_id}"
    if not is_htmx(request):
        url += anchor
    return flash(redirect(request, url), message)


def save_round_change(
    request,
    session,
    round_id: int,
    values: dict,
    change: Callable[[], object],
    *,
    block: str,
    done: str,
    anchor: str = "",
    errors_for: Callable[[dict], dict] | None = None,
) -> Response:
    """Apply ``change`` (which reads its form with ``.valid()``); field errors re-render
    ``block`` with the ``values`` sent (422), success flashes ``done``."""
    try:
        change()
    except FormErrors as exc:
        session.rollback()
        errors = errors_for(exc.errors) if errors_for else exc.errors
        return render_round(
            request, session, round_id, errors=errors, form=values, block=block, status_code=422
        )
    session.commit()
    return back_to_round(request, round_id, done, anchor)


@router.get("/contests/rounds/{round_id}", dependencies=[AdminOnly])
def round_page(request: Request, session: SessionDep, round_id: PathId) -> Response:
    return render_round(request, session, round_id)


@router.get("/contests/rounds/{round_id}/ranking", dependencies=[AdminOnly])
def ranking_block(request: Request, session: SessionDep, round_id: PathId) -> Response:
    """The live ranking alone (htmx polls it); the full page without htmx."""
    return render_round(request, session, round_id, block="ranking")


@router.get("/contests/rounds/{round_id}/scores-by-judge.xlsx", dependencies=[AdminOnly])
def export_by_judge(request: Request, session: SessionDep, round_id: PathId) -> Response:
    view = judging_service.ranking(session, round_id=round_id)
    locale = request.state.auth.locale
    return download(contests_export.by_judge_xlsx(view, locale), f"round-{round_id}-by-judge.xlsx")


@router.get("/contests/rounds/{round_id}/scores-by-entry.xlsx", dependencies=[AdminOnly])
def export_by_entry(request: Request, session: SessionDep, round_id: PathId) -> Response:
    view = judging_service.ranking(session, round_id=round_id)
    locale = request.state.auth.locale
    return download(contests_export.by_entry_xlsx(view, locale), f"round-{round_id}-by-entry.xlsx")


@router.get("/contests/rounds/{round_id}/results", dependencies=[AnyUser])
def results_page(request: Request, session: SessionDep, round_id: PathId) -> Response:
    view = judging_service.published_results(session, round_id=round_id)
    return render(request, "judging/results.html", {"r": view, **labels()})
