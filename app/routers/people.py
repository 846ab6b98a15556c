"""People (administrators only): list, add, edit, disable, unlock, sessions, one-time
passwords."""

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from app.db import SessionDep, SessionRoute
from app.deps import AdminOnly, FormOf, PageParams, PathId, Search
from app.errors import FormErrors
from app.models import Role, User
from app.schemas.accounts import OneTimePasswordForm
from app.schemas.people import PersonForm
from app.services import accounts as account_service
from app.services import roster as roster_service
from app.web import flash, redirect, render

router = APIRouter(prefix="/people", dependencies=[AdminOnly], route_class=SessionRoute)

Admin = Annotated[User, AdminOnly]
NO_STORE = {"Cache-Control": "no-store"}  # pages that show a password once


PersonSubmission = FormOf(PersonForm)


def _form_context(session, form, *, errors: dict, person=None) -> dict:
    return {
        "form": form,
        "errors": errors,
        "person": person,
        "cohorts": roster_service.cohort_choices(session),
        "posts": account_service.list_posts(session) if form.role == Role.mentor else [],
        "roles": [role.value for role in (Role.student, Role.teacher, Role.mentor, Role.admin)],
    }


@router.get("")
def people_list(
    request: Request,
    session: SessionDep,
    paging: PageParams,
    q: Search = "",
    role: Annotated[str, Query(max_length=16)] = "",
    cohort: Annotated[str, Query(max_length=12)] = "",
) -> Response:
    listing = roster_service.kept_people_listing(
        session, q=q, role=role, cohort_id=cohort, page=paging.page, per_page=paging.per_page
    )
    context = {"listing": listing}
    return render(request, "people/list.html", context, block="results")


@router.get("/new")
def new_person_page(
    request: Request, session: SessionDep, role: Annotated[str, Query(max_length=16)] = ""
) -> Response:
    form = PersonForm.initial(role=role if role in set(Role) else Role.student.value)
    return render(request, "people/form.html", _form_context(session, form, errors={}))


@router.post("/new")
def create_person(request: Request, session: SessionDep, form: PersonSubmission) -> Response:
    try:
        user, password = account_service.create_person(session, form=form.valid())
    except FormErrors as exc:
        session.rollback()
        values = form.values
        if values.role not in set(Role):
            values["role"] = Role.student.value
        values["password"] = ""  # never echo a password back into the page
        context = _form_context(session, values, errors=exc.errors)
        return render(request, "people/form.html", context, block="person_form", status_code=422)
    session.commit()
    context = {"person": user, "password": password}
    return render(request, "people/created.html", context, block="created", headers=NO_STORE)


@router.get("/{user_id}")
def person_page(request: Request, session: SessionDep, user_id: PathId) -> Response:
    detail = account_service.get_person(session, user_id=user_id)
    return render(request, "people/detail.html", {"detail": detail, "errors": {}})


@router.get("/{user_id}/edit")
def edit_person_page(request: Request, session: SessionDep, user_id: PathId) -> Response:
    detail = account_service.get_person(session, user_id=user_id)
    form = account_service.person_form(detail)
    context = _form_context(session, form, errors={}, person=detail.user)
    return render(request, "people/form.html", context)


@router.post("/{user_id}/edit")
def update_person(
    request: Request, session: SessionDep, user_id: PathId, form: PersonSubmission
) -> Response:
    try:
        user = account_service.update_person(session, user_id=user_id, form=form.valid())
    except FormErrors as exc:
        session.rollback()
        detail = account_service.get_person(session, user_id=user_id)
        values = form.values
        values["role"], values["username"] = detail.user.role, detail.user.username
        values["password"] = ""
        context = _form_context(session, values, errors=exc.errors, person=detail.user)
        return render(request, "people/form.html", context, block="person_form", status_code=422)
    session.commit()
    return flash(redirect(request, f"/people/{user.id}"), "The changes have been saved.")


@router.post("/{user_id}/disable")
def disable_person(
    request: Request, session: SessionDep, user_id: PathId, actor: Admin
) -> Response:
    account_service.set_user_active(session, actor_id=actor.id, user_id=user_id, active=False)
    session.commit()
    response = redirect(request, f"/people/{user_id}")
    return flash(response, "The account is disabled and its sessions have ended.")


@router.post("/{user_id}/enable")
def enable_person(request: Request, session: SessionDep, user_id: PathId, actor: Admin) -> Response:
    account_service.set_user_active(session, actor_id=actor.id, user_id=user_id, active=True)
    session.commit()
    return flash(redirect(request, f"/people/{user_id}"), "The account can log in again.")


@router.post("/{user_id}/end-sessions")
def end_person_sessions(request: Request, session: SessionDep, user_id: PathId) -> Response:
    ended = account_service.end_sessions(session, user_id=user_id)
    session.commit()
    response = redirect(request, f"/people/{user_id}")
    return flash(response, "Sessions ended: %(n)s.", n=ended)


@router.post("/{user_id}/unlock")
def unlock_person(request: Request, session: SessionDep, user_id: PathId) -> Response:
    account_service.unlock_person(session, user_id=user_id)
    session.commit()
    response = redirect(request, f"/people/{user_id}")
    return flash(response, "The account is unlocked: earlier failed logins no longer count.")


@router.post("/{user_id}/password")
def set_one_time_password(
    request: Request,
    session: SessionDep,
    user_id: PathId,
    form: FormOf(OneTimePasswordForm),
) -> Response:
    try:
        password = form.valid().password
        issued = account_service.issue_one_time_password(
            session, user_id=user_id, password=password
        )
    except FormErrors as exc:
        session.rollback()
        detail = account_service.get_person(session, user_id=user_id)
        context = {"detail": detail, "errors": exc.errors}
        return render(
            request, "people/detail.html", context, block="password_form", status_code=422
        )
    session.commit()
    detail = account_service.get_person(session, user_id=user_id)
    context = {"detail": detail, "errors": {}, "issued_password": issued}
    return render(request, "people/detail.html", context, block="password_form", headers=NO_STORE)
