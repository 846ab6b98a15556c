"""Cohorts: administrators manage them; teachers see the cohorts they head."""

from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.db import SessionDep, SessionRoute
from app.deps import AdminOnly, FormOf, PageParams, PathId, Staff
from app.errors import FormErrors
from app.models import User
from app.schemas.people import CohortForm
from app.services import roster as roster_service
from app.web import flash, redirect, render

router = APIRouter(prefix="/cohorts", route_class=SessionRoute)

Viewer = Annotated[User, Staff]


CohortSubmission = FormOf(CohortForm)


def _form_context(session, form, *, errors: dict, cohort=None) -> dict:
    head = cohort.head_teacher_id if cohort is not None else None
    return {
        "form": form,
        "errors": errors,
        "cohort": cohort,
        "teachers": roster_service.teacher_choices(session, include_id=head),
    }


@router.get("")
def cohort_list(request: Request, session: SessionDep, viewer: Viewer, paging: PageParams):
    page = roster_service.kept_cohort_page(
        session, viewer=viewer, page=paging.page, per_page=paging.per_page
    )
    return render(request, "cohorts/list.html", {"page": page})


@router.get("/new", dependencies=[AdminOnly])
def new_cohort_page(request: Request, session: SessionDep) -> Response:
    context = _form_context(session, CohortForm.initial(), errors={})
    return render(request, "cohorts/form.html", context)


@router.post("/new", dependencies=[AdminOnly])
def create_cohort(request: Request, session: SessionDep, form: CohortSubmission) -> Response:
    try:
        cohort = roster_service.create_cohort(session, form=form.valid())
    except FormErrors as exc:
        session.rollback()
        context = _form_context(session, form.values, errors=exc.errors)
        return render(request, "cohorts/form.html", context, block="cohort_form", status_code=422)
    session.commit()
    return flash(redirect(request, f"/cohorts/{cohort.id}"), "The cohort has been created.")


@router.get("/{cohort_id}")
def cohort_page(
    request: Request, session: SessionDep, viewer: Viewer, paging: PageParams, cohort_id: PathId
) -> Response:
    row = roster_service.get_cohort(session, cohort_id=cohort_id, viewer=viewer)
    students = roster_service.list_students(
        session, cohort_id=cohort_id, page=paging.page, per_page=paging.per_page
    )
    return render(request, "cohorts/detail.html", {"row": row, "students": students})


@router.get("/{cohort_id}/edit", dependencies=[AdminOnly])
def edit_cohort_page(request: Request, session: SessionDep, cohort_id: PathId) -> Response:
    cohort = roster_service.load_cohort(session, cohort_id=cohort_id)
    form = roster_service.cohort_form(cohort)
    return render(
        request, "cohorts/form.html", _form_context(session, form, errors={}, cohort=cohort)
    )


@router.post("/{cohort_id}/edit", dependencies=[AdminOnly])
def update_cohort(
    request: Request, session: SessionDep, cohort_id: PathId, form: CohortSubmission
) -> Response:
    try:
        cohort = roster_service.update_cohort(session, cohort_id=cohort_id, form=form.valid())
    except FormErrors as exc:
        session.rollback()
        cohort = roster_service.load_cohort(session, cohort_id=cohort_id)
        context = _form_context(session, form.values, errors=exc.errors, cohort=cohort)
        return render(request, "cohorts/form.html", context, block="cohort_form", status_code=422)
    session.commit()
    return flash(redirect(request, f"/cohorts/{cohort.id}"), "The changes have been saved.")


@router.post("/{cohort_id}/delete", dependencies=[AdminOnly])
def delete_cohort(request: Request, session: SessionDep, cohort_id: PathId) -> Response:
    roster_service.delete_cohort(session, cohort_id=cohort_id)
    session.commit()
    return flash(redirect(request, "/cohorts"), "The cohort has been deleted.")
