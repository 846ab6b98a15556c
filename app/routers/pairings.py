"""Pairings (administrators), teacher–enterprise pairings and enterprise-practice days."""

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from app.db import SessionDep, SessionRoute
from app.deps import AdminOnly, FormOf, PageParams, PathId, Staff
from app.errors import FormErrors
from app.i18n import N_
from app.models import Role, User
from app.schemas.mentoring import (
    EndPairingForm,
    EnterprisePairingForm,
    PairingForm,
    PracticeForm,
)
from app.services import mentoring as mentoring_service
from app.services import teams as team_service
from app.services.clock import today
from app.web import flash, redirect, render

router = APIRouter(prefix="/pairings", route_class=SessionRoute)


@router.get("", dependencies=[AdminOnly])
def pairing_list(
    request: Request,
    session: SessionDep,
    paging: PageParams,
    active: Annotated[str, Query(max_length=2)] = "",
) -> Response:
    page = mentoring_service.list_pairings(
        session, page=paging.page, per_page=paging.per_page, active_only=active == "1"
    )
    return render(request, "pairings/list.html", {"page": page, "active": active == "1"})


def _form_context(session, *, values: dict, errors: dict) -> dict:
    return {
        "values": values,
        "errors": errors,
        "teams": team_service.team_choices(session),
        "teachers": mentoring_service.people_choices(session, Role.teacher),
        "mentors": mentoring_service.people_choices(session, Role.mentor),
    }


@router.get("/new", dependencies=[AdminOnly])
def new_pairing_page(
    request: Request, session: SessionDep, team: Annotated[str, Query(max_length=12)] = ""
) -> Response:
    values = {"team_id": team, "starts_on": today().isoformat()}
    return render(request, "pairings/form.html", _form_context(session, values=values, errors={}))


@router.post("/new", dependencies=[AdminOnly])
def create_pairing(request: Request, session: SessionDep, form: FormOf(PairingForm)) -> Response:
    try:
        mentoring_service.create_pairing(session, form=form.valid())
    except FormErrors as exc:
        session.rollback()
        context = _form_context(session, values=form.values, errors=exc.errors)
        return render(request, "pairings/form.html", context, block="pairing_form", status_code=422)
    session.commit()
    return flash(redirect(request, "/pairings"), "The pairing has been created.")


@router.post("/{pairing_id}/end", dependencies=[AdminOnly])
def end_pairing(
    request: Request, session: SessionDep, pairing_id: PathId, form: FormOf(EndPairingForm)
) -> Response:
    try:
        mentoring_service.end_pairing(session, pairing_id=pairing_id, form=form.valid())
    except FormErrors as exc:
        session.rollback()
        message = next(iter(exc.errors.values()))
        return flash(redirect(request, "/pairings"), str(message), "error")
    session.commit()
    return flash(redirect(request, "/pairings"), "The pairing has ended.")


def _enterprise_context(session, *, user, paging, errors=None, failed="", values=None) -> dict:
    teacher_id = user.id if user.role == Role.teacher else None
    return {
        "page": mentoring_service.list_enterprise_pairings(
            session, page=paging.page, per_page=paging.per_page, teacher_id=teacher_id
        ),
        "summary": mentoring_service.practice_summary(session, teacher_id=teacher_id),
        "recent": mentoring_service.recent_practice(session, teacher_id=teacher_id),
        "teachers": mentoring_service.people_choices(session, Role.teacher)
        if user.role == Role.admin
        else [],
        "is_admin": user.role == Role.admin,
        "errors": errors or {},
        "failed": failed,
        "values": values or {},
        "today": today(),
    }


@router.get("/enterprise", dependencies=[Staff])
def enterprise_page(
    request: Request, session: SessionDep, user: Annotated[User, Staff], paging: PageParams
) -> Response:
    context = _enterprise_context(session, user=user, paging=paging)
    return render(request, "pairings/enterprise.html", context)


def _save_enterprise(request, session, user, paging, form, change, *, failed: str, done: str):
    try:
        change(form.valid())
    except FormErrors as exc:
        session.rollback()
        context = _enterprise_context(
            session, user=user, paging=paging, errors=exc.errors, failed=failed, values=form.values
        )
        return render(request, "pairings/enterprise.html", context, status_code=422)
    session.commit()
    return flash(redirect(request, "/pairings/enterprise"), done)


@router.post("/enterprise/new", dependencies=[AdminOnly])
def create_enterprise_pairing(
    request: Request,
    session: SessionDep,
    user: Annotated[User, AdminOnly],
    paging: PageParams,
    form: FormOf(EnterprisePairingForm),
) -> Response:
    def change(data):
        mentoring_service.create_enterprise_pairing(session, form=data)

    done = N_("The pairing has been created.")
    return _save_enterprise(
        request, session, user, paging, form, change, failed="pairing", done=done
    )


@router.post("/practice/new", dependencies=[Staff])
def record_practice(
    request: Request,
    session: SessionDep,
    user: Annotated[User, Staff],
    paging: PageParams,
    form: FormOf(PracticeForm),
) -> Response:
    def change(data):
        mentoring_service.record_practice(session, actor=user, form=data)

    done = N_("The practice has been recorded.")
    return _save_enterprise(
        request, session, user, paging, form, change, failed="practice", done=done
    )
