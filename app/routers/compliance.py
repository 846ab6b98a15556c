"""The script page of a live session: 话术 and product claims checked against the 广告法
rules, teachers' sign-offs, and the ready mark."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from app.db import SessionDep, SessionRoute
from app.deps import AnyUser, CurrentUser, FormOf, PathId, Staff, require_role
from app.errors import FormErrors
from app.models import Role, User
from app.schemas.compliance import ScriptForm, SignOffForm
from app.services import compliance as compliance_service
from app.services import teams as team_service
from app.web import flash, redirect, render

router = APIRouter(prefix="/teams", route_class=SessionRoute)
TeamWorkers = Depends(require_role(Role.admin, Role.teacher, Role.student))
ScriptSubmission = FormOf(ScriptForm)
SignOffSubmission = FormOf(SignOffForm)


def _can_edit(session, user, team_id: int) -> bool:
    return team_service.is_staff(user) or bool(
        team_service.current_member(session, team_id=team_id, user_id=user.id)
    )


def _context(session, *, user, team_id: int, session_id: int, form=None, errors=None) -> dict:
    review = compliance_service.script_review(
        session, user=user, team_id=team_id, session_id=session_id
    )
    products = [part.product for part in review.parts if part.product is not None]
    return {
        "team": team_service.get_visible_team(session, user=user, team_id=team_id),
        "live": review.live,
        "review": review,
        "form": form
        or ScriptForm.initial(
            script=review.live.script,
            product_ids=[str(p.id) for p in products],
            claims=[p.claims for p in products],
        ),
        "products": products,
        "errors": errors or {},
        "can_edit": _can_edit(session, user, team_id),
        "can_sign": team_service.is_staff(user),
    }


def _script_url(team_id: int, session_id: int) -> str:
    return f"/teams/{team_id}/sessions/{session_id}/script"


@router.get("/{team_id}/sessions/{session_id}/script", dependencies=[AnyUser])
def script_page(
    request: Request, session: SessionDep, user: CurrentUser, team_id: PathId, session_id: PathId
) -> Response:
    context = _context(session, user=user, team_id=team_id, session_id=session_id)
    return render(request, "compliance/script.html", context)


@router.post("/{team_id}/sessions/{session_id}/script", dependencies=[TeamWorkers])
def save_script(
    request: Request,
    session: SessionDep,
    user: Annotated[User, TeamWorkers],
    team_id: PathId,
    session_id: PathId,
    form: ScriptSubmission,
) -> Response:
    try:
        _live, cleared = compliance_service.save_script(
            session, user=user, team_id=team_id, session_id=session_id, form=form.valid()
        )
    except FormErrors as exc:
        session.rollback()
        context = _context(
            session,
            user=user,
            team_id=team_id,
            session_id=session_id,
            form=form.values,
            errors=exc.errors,
        )
        return render(
            request, "compliance/script.html", context, block="script_form", status_code=422
        )
    session.commit()
    url = _script_url(team_id, session_id)
    if cleared:
        return flash(
            redirect(request, url),
            "The script has been saved. New hits appeared, so the session is no longer ready.",
            "warning",
        )
    return flash(redirect(request, url), "The script has been saved.")


@router.post("/{team_id}/sessions/{session_id}/script/sign-off", dependencies=[Staff])
def sign_off(
    request: Request,
    session: SessionDep,
    user: Annotated[User, Staff],
    team_id: PathId,
    session_id: PathId,
    form: SignOffSubmission,
) -> Response:
    try:
        compliance_service.sign_off(
            session, user=user, team_id=team_id, session_id=session_id, form=form.valid()
        )
    except FormErrors as exc:
        session.rollback()
        context = _context(session, user=user, team_id=team_id, session_id=session_id)
        context.update(signoff_errors=exc.errors, signoff_key=form.values.hit_key)
        return render(request, "compliance/script.html", context, status_code=422)
    session.commit()
    return flash(
        redirect(request, _script_url(team_id, session_id)), "The hit has been signed off."
    )


@router.post("/{team_id}/sessions/{session_id}/ready", dependencies=[TeamWorkers])
def mark_ready(
    request: Request,
    session: SessionDep,
    user: Annotated[User, TeamWorkers],
    team_id: PathId,
    session_id: PathId,
) -> Response:
    compliance_service.mark_ready(session, user=user, team_id=team_id, session_id=session_id)
    session.commit()
    url = f"/teams/{team_id}/sessions/{session_id}"
    return flash(redirect(request, url), "The session is marked ready.")


@router.post("/{team_id}/sessions/{session_id}/unready", dependencies=[TeamWorkers])
def unmark_ready(
    request: Request,
    session: SessionDep,
    user: Annotated[User, TeamWorkers],
    team_id: PathId,
    session_id: PathId,
) -> Response:
    compliance_service.unmark_ready(session, user=user, team_id=team_id, session_id=session_id)
    session.commit()
    url = f"/teams/{team_id}/sessions/{session_id}"
    return flash(redirect(request, url), "The ready mark has been taken back.")
