"""Courses: the list, the course form, owners, and the course page with its module list and
add-module form. Editing, moving and mapping one module: app/routers/course_modules.py."""

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from app.db import SessionDep, SessionRoute
from app.deps import AnyUser, CurrentUser, FormOf, PageParams, PathId, Search, Staff
from app.errors import FormErrors
from app.i18n import N_
from app.models.curriculum import SEMESTERS, CourseKind, TeachingMethod
from app.schemas.curriculum import CourseForm, ModuleForm, NewCourseForm, OwnerForm
from app.schemas.fields import row_id_or_none
from app.services import curriculum as curriculum_service
from app.web import flash, is_htmx, redirect, render

router = APIRouter(prefix="/courses", route_class=SessionRoute)

COURSE_FIELDS = ("code", *CourseForm.model_fields)
MODULE_FIELDS = tuple(ModuleForm.model_fields)


def form_choices() -> dict:
    return {
        "semesters": SEMESTERS,
        "kinds": [(k.value, curriculum_service.KIND_LABELS[k.value]) for k in CourseKind],
        "methods": [(m.value, curriculum_service.METHOD_LABELS[m.value]) for m in TeachingMethod],
        "KIND_LABELS": curriculum_service.KIND_LABELS,
        "METHOD_LABELS": curriculum_service.METHOD_LABELS,
    }


@router.get("", dependencies=[AnyUser])
def course_list(
    request: Request,
    session: SessionDep,
    pages: PageParams,
    q: Search = "",
    semester: Annotated[str, Query(max_length=2)] = "",
    kind: Annotated[str, Query(max_length=20)] = "",
    post: Annotated[str, Query(max_length=10)] = "",
    owner: Annotated[str, Query(max_length=10)] = "",
) -> Response:
    filters = {
        "semester": int(semester) if semester in {str(n) for n in SEMESTERS} else None,
        "kind": kind if kind in {k.value for k in CourseKind} else None,
        "post_id": row_id_or_none(post),
        "owner_id": row_id_or_none(owner),
        "search": q,
    }
    params = {"q": q, "semester": semester, "kind": kind, "post": post, "owner": owner}
    listing = curriculum_service.course_listing(
        session, filters=filters, params=params, page=pages.page, per_page=pages.per_page
    )
    context = {"listing": listing, "page": listing.page}
    return render(request, "courses/list.html", context, block="results")


# --- creating and editing a course -----------------------------------------------------------


def editable_course(session, user, course_id: int):
    """The course if ``user`` may edit it: checked before the form is read, so that someone
    who may not edit gets 403 whatever they sent."""
    course = curriculum_service.get_course(session, course_id)
    curriculum_service.require_editor(session, course=course, user=user)
    return course


def _course_form(request, *, course, form, errors, status_code=200) -> Response:
    context = {"course": course, "form": form, "errors": errors, **form_choices()}
    return render(
        request, "courses/form.html", context, block="course_form", status_code=status_code
    )


@router.get("/new", dependencies=[Staff])
def newrender_course_page(request: Request) -> Response:
    form = {
        "semester": 1,
        "kind": "module_directed",
        "credits": "2",
        "theory_hours": 16,
        "practice_hours": 16,
    }
    return _course_form(request, course=None, form=form, errors={})


@router.post("", dependencies=[Staff])
def create_course(
    request: Request, session: SessionDep, user: CurrentUser, form: FormOf(NewCourseForm)
) -> Response:
    try:
        course = curriculum_service.create_course(session, actor=user, form=form.valid())
    except FormErrors as exc:
        session.rollback()
        return _course_form(
            request, course=None, form=form.values, errors=exc.errors, status_code=422
        )
    session.commit()
    return flash(
        redirect(request, f"/courses/{course.id}"),
        "Course %(code)s has been created.",
        code=course.code,
    )


@router.get("/{course_id}/edit", dependencies=[Staff])
def editrender_course_page(
    request: Request, session: SessionDep, user: CurrentUser, course_id: PathId
) -> Response:
    course = curriculum_service.get_course(session, course_id)
    curriculum_service.require_editor(session, course=course, user=user)
    form = {name: getattr(course, name) for name in COURSE_FIELDS}
    return _course_form(request, course=course, form=form, errors={})


@router.post("/{course_id}", dependencies=[Staff])
def save_course(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    course_id: PathId,
    form: FormOf(CourseForm),
) -> Response:
    editable_course(session, user, course_id)
    try:
        course = curriculum_service.update_course(
            session, actor=user, course_id=course_id, form=form.valid()
        )
    except FormErrors as exc:
        session.rollback()
        course = curriculum_service.get_course(session, course_id)
        values = {**form.values, "code": course.code}
        return _course_form(request, course=course, form=values, errors=exc.errors, status_code=422)
    session.commit()
    return flash(redirect(request, f"/courses/{course.id}"), "The course has been saved.")


@router.post("/{course_id}/delete", dependencies=[Staff])
def delete_course(
    request: Request, session: SessionDep, user: CurrentUser, course_id: PathId
) -> Response:
    curriculum_service.delete_course(session, actor=user, course_id=course_id)
    session.commit()
    return flash(redirect(request, "/courses"), "The course has been deleted.")


@router.post("/{course_id}/owners", dependencies=[Staff])
def add_owner(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    course_id: PathId,
    form: FormOf(OwnerForm),
) -> Response:
    editable_course(session, user, course_id)
    try:
        curriculum_service.add_owner(session, actor=user, course_id=course_id, form=form.valid())
    except FormErrors as exc:
        session.rollback()
        return render_course_page(
            request, session, user, course_id, owner_errors=exc.errors, status_code=422
        )
    session.commit()
    return flash(redirect(request, f"/courses/{course_id}#owners"), "The owner has been added.")


@router.post("/{course_id}/owners/{owner_id}/remove", dependencies=[Staff])
def remove_owner(
    request: Request, session: SessionDep, user: CurrentUser, course_id: PathId, owner_id: PathId
) -> Response:
    curriculum_service.remove_owner(session, actor=user, course_id=course_id, user_id=owner_id)
    session.commit()
    return flash(redirect(request, f"/courses/{course_id}#owners"), "The owner has been removed.")


# --- the course page and its module editor ---------------------------------------------------


def render_course_page(
    request,
    session,
    user,
    course_id,
    *,
    block=None,
    add_form=None,
    add_errors=None,
    owner_errors=None,
    status_code=200,
    headers=None,
    toast=None,
) -> Response:
    view, teachers = curriculum_service.kept_course_view(session, course_id=course_id, user=user)
    context = {
        "view": view,
        "course": view.course,
        "add_form": add_form or {"teaching_method": "task_driven"},
        "add_errors": add_errors or {},
        "owner_errors": owner_errors or {},
        "teachers": teachers if view.can_edit else [],
        "toast": toast,
        **form_choices(),
    }
    template = "courses/detail.html"
    if block == "module_add_form":  # the add form alone (htmx), or the whole page
        template, block = (
            ("courses/_module_add.html", None) if is_htmx(request) else (template, None)
        )
    return render(
        request,
        template,
        context,
        block=block,
        status_code=status_code,
        headers=headers,
    )


@router.get("/{course_id}", dependencies=[AnyUser])
def course_page(request: Request, session: SessionDep, user: CurrentUser, course_id: PathId):
    return render_course_page(request, session, user, course_id, block="modules")


def after_module_change(request, session, user, course_id, message: str, anchor: str):
    if is_htmx(request):
        return render_course_page(request, session, user, course_id, block="modules", toast=message)
    return flash(redirect(request, f"/courses/{course_id}#{anchor}"), message)


@router.post("/{course_id}/modules", dependencies=[Staff])
def add_module(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    course_id: PathId,
    form: FormOf(ModuleForm),
) -> Response:
    editable_course(session, user, course_id)
    try:
        module = curriculum_service.add_module(
            session, actor=user, course_id=course_id, form=form.valid()
        )
    except FormErrors as exc:
        session.rollback()
        headers = {"HX-Retarget": "#module-add", "HX-Reswap": "outerHTML"}
        return render_course_page(
            request,
            session,
            user,
            course_id,
            block="module_add_form",
            add_form=form.values,
            add_errors=exc.errors,
            status_code=422,
            headers=headers if is_htmx(request) else None,
        )
    session.commit()
    return after_module_change(
        request, session, user, course_id, N_("The module has been added."), f"module-{module.id}"
    )
