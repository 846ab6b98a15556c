"""Pairings (administrators), teacher–enterprise pairings and enterprise-practice days."""

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import Response

from app.db import SessionDep
from app.deps import AdminOnly, PageParams, PathId, Staff
from app.errors import FormErrors
from app.models import Role, User
from app.services import mentoring as mentoring_service
from app.services import teams as team_service
from app.services.clock import today
from app.web import flash, redirect, render

router = APIRouter(prefix="/pairings")
Text = Annotated[str, Form(max_length=10000)]


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
def create_pairing(
    request: Request,
    session: SessionDep,
    team_id: Text = "",
    teacher_id: Text = "",
    mentor_id: Text = "",
    starts_on: Text = "",
    ends_on: Text = "",
    goals: Text = "",
) -> Response:
    values = {
        "team_id": team_id,
        "teacher_id": teacher_id,
        "mentor_id": mentor_id,
        "starts_on": starts_on,
        "ends_on": ends_on,
        "goals": goals,
    }
    try:
        mentoring_service.create_pairing(session, **values)
    except FormErrors as exc:
        context = _form_context(session, values=values, errors=exc.errors)
        return render(request, "pairings/form.html", context, block="pairing_form", status_code=422)
    session.commit()
    return flash(redirect(request, "/pairings"), "The pairing has been created.")


@router.post("/{pairing_id}/end", dependencies=[AdminOnly])
def end_pairing(
    request: Request, session: SessionDep, pairing_id: PathId, ends_on: Text = ""
) -> Response:
    try:
        mentoring_service.end_pairing(session, pairing_id=pairing_id, ends_on=ends_on)
    except FormErrors:
        return flash(
            redirect(request, "/pairings"), "The end must not be before the start.", "error"
        )
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


@router.post("/enterprise/new", dependencies=[AdminOnly])
def create_enterprise_pairing(
    request: Request,
    session: SessionDep,
    user: Annotated[User, AdminOnly],
    paging: PageParams,
    teacher_id: Text = "",
    enterprise: Text = "",
    contact: Text = "",
    starts_on: Text = "",
    ends_on: Text = "",
    notes: Text = "",
) -> Response:
    values = {
        "teacher_id": teacher_id,
        "enterprise": enterprise,
        "contact": contact,
        "starts_on": starts_on,
        "ends_on": ends_on,
        "notes": notes,
    }
    try:
        mentoring_service.create_enterprise_pairing(session, **values)
    except FormErrors as exc:
        context = _enterprise_context(
            session, user=user, paging=paging, errors=exc.errors, failed="pairing", values=values
        )
        return render(request, "pairings/enterprise.html", context, status_code=422)
    session.commit()
    return flash(redirect(request, "/pairings/enterprise"), "The pairing has been created.")


@router.post("/practice/new", dependencies=[Staff])
def record_practice(
    request: Request,
    session: SessionDep,
    user: Annotated[User, Staff],
    paging: PageParams,
    teacher_id: Text = "",
    enterprise: Text = "",
    starts_on: Text = "",
    ends_on: Text = "",
    content: Text = "",
) -> Response:
    values = {
        "teacher_id": teacher_id,
        "enterprise": enterprise,
        "starts_on": starts_on,
        "ends_on": ends_on,
        "content": content,
    }
    try:
        mentoring_service.record_practice(session, actor=user, **values)
    except FormErrors as exc:
        context = _enterprise_context(
            session, user=user, paging=paging, errors=exc.errors, failed="practice", values=values
        )
        return render(request, "pairings/enterprise.html", context, status_code=422)
    session.commit()
    return flash(redirect(request, "/pairings/enterprise"), "The practice has been recorded.")
