"""One module of a course: its edit form, moving and deleting it, and mapping it to skills,
competition items and certificate syllabus points (the module page's picker)."""

from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.db import SessionDep, SessionRoute
from app.deps import AnyUser, CurrentUser, FormOf, PathId, Search, Staff
from app.errors import FormErrors
from app.i18n import N_
from app.routers.courses import MODULE_FIELDS, after_module_change, editable_course, form_choices
from app.schemas.curriculum import LinkForm, ModuleForm, MoveModuleForm
from app.services import curriculum as curriculum_service
from app.web import is_htmx, redirect, render

router = APIRouter(prefix="/courses", route_class=SessionRoute)


def _module_form(
    request, session, course_id, module, *, form, errors, status_code=200, headers=None
):
    course = curriculum_service.get_course(session, course_id)
    context = {"course": course, "module": module, "form": form, "errors": errors, **form_choices()}
    return render(
        request,
        "courses/module_edit.html",
        context,
        block="module_form",
        status_code=status_code,
        headers=headers,
    )


@router.get("/{course_id}/modules/{module_id}/edit", dependencies=[Staff])
def edit_module_page(
    request: Request, session: SessionDep, user: CurrentUser, course_id: PathId, module_id: PathId
) -> Response:
    course = curriculum_service.get_course(session, course_id)
    curriculum_service.require_editor(session, course=course, user=user)
    module = curriculum_service.get_module(session, course_id=course_id, module_id=module_id)
    form = {name: getattr(module, name) for name in MODULE_FIELDS}
    return _module_form(request, session, course_id, module, form=form, errors={})


@router.post("/{course_id}/modules/{module_id}", dependencies=[Staff])
def save_module(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    course_id: PathId,
    module_id: PathId,
    form: FormOf(ModuleForm),
) -> Response:
    editable_course(session, user, course_id)
    try:
        curriculum_service.update_module(
            session, actor=user, course_id=course_id, module_id=module_id, form=form.valid()
        )
    except FormErrors as exc:
        session.rollback()
        module = curriculum_service.get_module(session, course_id=course_id, module_id=module_id)
        headers = {"HX-Retarget": f"#module-{module_id}", "HX-Reswap": "outerHTML"}
        return _module_form(
            request,
            session,
            course_id,
            module,
            form=form.values,
            errors=exc.errors,
            status_code=422,
            headers=headers if is_htmx(request) else None,
        )
    session.commit()
    return after_module_change(
        request, session, user, course_id, N_("The module has been saved."), f"module-{module_id}"
    )


@router.post("/{course_id}/modules/{module_id}/delete", dependencies=[Staff])
def delete_module(
    request: Request, session: SessionDep, user: CurrentUser, course_id: PathId, module_id: PathId
) -> Response:
    curriculum_service.delete_module(session, actor=user, course_id=course_id, module_id=module_id)
    session.commit()
    return after_module_change(
        request, session, user, course_id, N_("The module has been deleted."), "modules"
    )


@router.post("/{course_id}/modules/{module_id}/move", dependencies=[Staff])
def move_module(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    course_id: PathId,
    module_id: PathId,
    form: FormOf(MoveModuleForm),
) -> Response:
    editable_course(session, user, course_id)
    direction = form.valid().direction
    curriculum_service.move_module(
        session, actor=user, course_id=course_id, module_id=module_id, direction=direction
    )
    session.commit()
    return after_module_change(
        request, session, user, course_id, N_("The module has been moved."), f"module-{module_id}"
    )


# --- mapping a module ------------------------------------------------------------------------


def _module_page(request, session, user, course_id, module_id, *, search="", toast=None):
    view, _teachers = curriculum_service.kept_course_view(session, course_id=course_id, user=user)
    module = curriculum_service.get_module(session, course_id=course_id, module_id=module_id)
    context = {
        "view": view,
        "course": view.course,
        "module": module,
        "picker": curriculum_service.picker(session, module=module, search=search),
        "toast": toast,
        **form_choices(),
    }
    return render(request, "courses/module.html", context, block="picker")


@router.get("/{course_id}/modules/{module_id}", dependencies=[AnyUser])
def module_page(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    course_id: PathId,
    module_id: PathId,
    q: Search = "",
) -> Response:
    return _module_page(request, session, user, course_id, module_id, search=q)


@router.post("/{course_id}/modules/{module_id}/links", dependencies=[Staff])
def set_link(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    course_id: PathId,
    module_id: PathId,
    form: FormOf(LinkForm),
) -> Response:
    editable_course(session, user, course_id)
    link = form.valid()
    curriculum_service.set_link(
        session, actor=user, course_id=course_id, module_id=module_id, form=link
    )
    session.commit()
    q, action = link.q, link.action
    message = N_("Mapped.") if action != "remove" else N_("Unmapped.")
    if is_htmx(request):
        return _module_page(request, session, user, course_id, module_id, search=q, toast=message)
    suffix = "?" + urlencode({"q": q}) if q else ""
    return redirect(request, f"/courses/{course_id}/modules/{module_id}{suffix}#picker")
