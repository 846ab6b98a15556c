"""A team's live sessions: list with totals and charts, plan, result and review."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from app.db import SessionDep, SessionRoute
from app.deps import AnyUser, CurrentUser, FormOf, PageParams, PathId, require_role
from app.errors import FormErrors
from app.models import Role, User
from app.schemas.live_sessions import PlanForm, ResultForm
from app.services import compliance as compliance_service
from app.services import reviews as review_service
from app.services import teams as team_service
from app.web import flash, redirect, render

router = APIRouter(prefix="/teams", route_class=SessionRoute)
TeamWorkers = Depends(require_role(Role.admin, Role.teacher, Role.student))


def _can_edit(session, user, team_id: int) -> bool:
    return team_service.is_staff(user) or bool(
        team_service.current_member(session, team_id=team_id, user_id=user.id)
    )


@router.get("/{team_id}/sessions", dependencies=[AnyUser])
def sessions_page(
    request: Request, session: SessionDep, user: CurrentUser, paging: PageParams, team_id: PathId
) -> Response:
    team = team_service.get_visible_team(session, user=user, team_id=team_id)
    kept = team_service.sessions_page(
        session, team_id=team.id, page=paging.page, per_page=paging.per_page
    )
    context = {
        "team": team,
        "kept": kept,
        "has_project": kept.has_project,
        "can_edit": _can_edit(session, user, team.id),
    }
    return render(request, "teams/sessions.html", context)


def _plan_context(session, *, user, team_id: int, form: PlanForm, errors: dict, live=None):
    team = team_service.get_editable_team(session, user=user, team_id=team_id)
    detail = team_service.team_detail(session, user=user, team_id=team.id)
    project = team_service.team_project(session, team_id=team.id)
    accounts = team_service.project_accounts(session, project_id=project.id) if project else []
    chosen = dict(zip(form.role_users, form.role_posts, strict=False))
    return {
        "team": team,
        "live": live,
        "carried": review_service.carried_over(session, team_id=team.id, before=live),
        "form": form,
        "errors": errors,
        "members": detail.members,
        "chosen_roles": chosen,
        "posts": team_service.all_posts(session),
        "accounts": [view.account for view in accounts],
        "bookings": team_service.linkable_bookings(
            session, team_id=team.id, live_session_id=live.id if live else None
        ),
        "product_rows": list(
            zip(form.product_names + [""] * 3, form.product_prices + [""] * 3, strict=False)
        )[: max(len(form.product_names) + 3, 5)],
    }


PlanSubmission = FormOf(PlanForm)
ResultSubmission = FormOf(ResultForm)


@router.get("/{team_id}/sessions/new", dependencies=[TeamWorkers])
def new_session_page(
    request: Request, session: SessionDep, user: Annotated[User, TeamWorkers], team_id: PathId
):
    context = _plan_context(session, user=user, team_id=team_id, form=PlanForm.initial(), errors={})
    return render(request, "teams/session_form.html", context)


@router.post("/{team_id}/sessions/new", dependencies=[TeamWorkers])
def plan_session(
    request: Request,
    session: SessionDep,
    user: Annotated[User, TeamWorkers],
    team_id: PathId,
    form: PlanSubmission,
) -> Response:
    try:
        live = team_service.plan_session(session, user=user, team_id=team_id, form=form.valid())
    except FormErrors as exc:
        session.rollback()
        context = _plan_context(
            session, user=user, team_id=team_id, form=form.values, errors=exc.errors
        )
        return render(
            request, "teams/session_form.html", context, block="plan_form", status_code=422
        )
    session.commit()
    url = f"/teams/{team_id}/sessions/{live.id}"
    return flash(redirect(request, url), "The live session has been planned.")


def _session_context(session, *, user, team_id: int, session_id: int) -> dict:
    detail = team_service.session_detail(session, user=user, team_id=team_id, session_id=session_id)
    return {
        "team": team_service.get_visible_team(session, user=user, team_id=team_id),
        "detail": detail,
        "live": detail.live,
        "figures": team_service.session_review(session, detail.live),
        "min_compared": team_service.MIN_COMPARED,
        "result": team_service.result_form(detail.live),
        "review_view": review_service.review_view(session, user=user, live=detail.live),
        "can_edit": _can_edit(session, user, team_id),
        "errors": {},
        "failed": "",
        "script_summary": compliance_service.session_summary(session, detail.live),
    }


@router.get("/{team_id}/sessions/{session_id}", dependencies=[AnyUser])
def session_page(
    request: Request, session: SessionDep, user: CurrentUser, team_id: PathId, session_id: PathId
) -> Response:
    context = _session_context(session, user=user, team_id=team_id, session_id=session_id)
    return render(request, "teams/session.html", context)


@router.get("/{team_id}/sessions/{session_id}/plan", dependencies=[TeamWorkers])
def edit_plan_page(
    request: Request,
    session: SessionDep,
    user: Annotated[User, TeamWorkers],
    team_id: PathId,
    session_id: PathId,
) -> Response:
    detail = team_service.session_detail(session, user=user, team_id=team_id, session_id=session_id)
    form = team_service.plan_form(detail)
    context = _plan_context(
        session, user=user, team_id=team_id, form=form, errors={}, live=detail.live
    )
    return render(request, "teams/session_form.html", context)


@router.post("/{team_id}/sessions/{session_id}/plan", dependencies=[TeamWorkers])
def update_plan(
    request: Request,
    session: SessionDep,
    user: Annotated[User, TeamWorkers],
    team_id: PathId,
    session_id: PathId,
    form: PlanSubmission,
) -> Response:
    try:
        team_service.update_plan(
            session, user=user, team_id=team_id, session_id=session_id, form=form.valid()
        )
    except FormErrors as exc:
        session.rollback()
        detail = team_service.session_detail(
            session, user=user, team_id=team_id, session_id=session_id
        )
        context = _plan_context(
            session,
            user=user,
            team_id=team_id,
            form=form.values,
            errors=exc.errors,
            live=detail.live,
        )
        return render(
            request, "teams/session_form.html", context, block="plan_form", status_code=422
        )
    session.commit()
    url = f"/teams/{team_id}/sessions/{session_id}"
    return flash(redirect(request, url), "The plan has been saved.")


@router.post("/{team_id}/sessions/{session_id}/result", dependencies=[TeamWorkers])
def record_result(
    request: Request,
    session: SessionDep,
    user: Annotated[User, TeamWorkers],
    team_id: PathId,
    session_id: PathId,
    form: ResultSubmission,
) -> Response:
    try:
        team_service.record_result(
            session, user=user, team_id=team_id, session_id=session_id, form=form.valid()
        )
    except FormErrors as exc:
        session.rollback()
        context = _session_context(session, user=user, team_id=team_id, session_id=session_id)
        context.update(result=form.values, errors=exc.errors, failed="result")
        return render(request, "teams/session.html", context, block="result_form", status_code=422)
    session.commit()
    url = f"/teams/{team_id}/sessions/{session_id}"
    return flash(redirect(request, url), "The result has been recorded.")


@router.post("/{team_id}/sessions/{session_id}/cancel", dependencies=[TeamWorkers])
def cancel_session(
    request: Request,
    session: SessionDep,
    user: Annotated[User, TeamWorkers],
    team_id: PathId,
    session_id: PathId,
) -> Response:
    team_service.cancel_session(session, user=user, team_id=team_id, session_id=session_id)
    session.commit()
    url = f"/teams/{team_id}/sessions/{session_id}"
    return flash(redirect(request, url), "The session has been cancelled.")
