"""Guidance: a mentor's (or paired teacher's) pairings and logs, the team's acknowledgement
and action items, and the report with its XLSX export."""

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from app.db import SessionDep, SessionRoute
from app.deps import (
    AnyUser,
    Auth,
    CurrentUser,
    FormOf,
    PathId,
    QueryOf,
    Staff,
    StudentOnly,
    require_role,
)
from app.errors import FormErrors
from app.exports import guidance as guidance_export
from app.i18n import activate
from app.models import Role, User
from app.schemas.mentoring import ActionTickForm, LogForm, ReportFilter
from app.services import mentoring as mentoring_service
from app.services.clock import today
from app.web import download, flash, is_htmx, redirect, render

router = APIRouter(prefix="/guidance", route_class=SessionRoute)
Text = Annotated[str, Form(max_length=20000)]
GuidanceReaders = Depends(require_role(Role.admin, Role.teacher, Role.mentor))
Authors = Depends(require_role(Role.teacher, Role.mentor))
Editors = Depends(require_role(Role.admin, Role.teacher, Role.mentor))  # the service checks


@router.get("", dependencies=[GuidanceReaders])
def guidance_home(
    request: Request, session: SessionDep, user: Annotated[User, GuidanceReaders]
) -> Response:
    if user.role == Role.admin:
        return redirect(request, "/guidance/report")
    overview = mentoring_service.my_pairings_overview(session, user=user)
    return render(request, "guidance/index.html", {"overview": overview})


@router.get("/pairings/{pairing_id}", dependencies=[GuidanceReaders])
def pairing_page(
    request: Request,
    session: SessionDep,
    user: Annotated[User, GuidanceReaders],
    pairing_id: PathId,
) -> Response:
    page = mentoring_service.pairing_page(session, user=user, pairing_id=pairing_id)
    return render(request, "guidance/pairing.html", {"page": page})


def _log_form_context(session, *, user, pairing_id: int, form, errors: dict) -> dict:
    """The log form's page; who may write or change the log was checked before."""
    page = mentoring_service.pairing_page(session, user=user, pairing_id=pairing_id)
    actions = form.actions + [""] * max(1, 3 - len(form.actions))  # always room for one more
    return {
        "row": page.row,
        "form": form,
        "actions": actions,
        "errors": errors,
        "modes": mentoring_service.MODES,
        "skills": mentoring_service.skill_choices(session),
        "today": today(),
    }


LogSubmission = FormOf(LogForm)


@router.get("/pairings/{pairing_id}/logs/new", dependencies=[Authors])
def new_log_page(
    request: Request, session: SessionDep, user: Annotated[User, Authors], pairing_id: PathId
) -> Response:
    mentoring_service.own_pairing(session, user=user, pairing_id=pairing_id)
    form = LogForm.initial(held_on=today().isoformat(), minutes="60", mode="on_site")
    context = _log_form_context(session, user=user, pairing_id=pairing_id, form=form, errors={})
    return render(request, "guidance/log_form.html", context)


@router.post("/pairings/{pairing_id}/logs/new", dependencies=[Authors])
def create_log(
    request: Request,
    session: SessionDep,
    user: Annotated[User, Authors],
    pairing_id: PathId,
    form: LogSubmission,
) -> Response:
    try:
        log = mentoring_service.create_log(
            session, user=user, pairing_id=pairing_id, form=form.valid()
        )
    except FormErrors as exc:
        session.rollback()
        context = _log_form_context(
            session, user=user, pairing_id=pairing_id, form=form.values, errors=exc.errors
        )
        return render(request, "guidance/log_form.html", context, block="log_form", status_code=422)
    session.commit()
    return flash(redirect(request, f"/guidance/logs/{log.id}"), "The guidance has been logged.")


def _log_form(request, session, user, log_id: int, form, *, pairing_id, errors, status):
    context = _log_form_context(session, user=user, pairing_id=pairing_id, form=form, errors=errors)
    context["log_id"] = log_id
    return render(request, "guidance/log_form.html", context, block="log_form", status_code=status)


@router.get("/logs/{log_id}/edit", dependencies=[Editors])
def edit_log_page(
    request: Request, session: SessionDep, user: Annotated[User, Editors], log_id: PathId
) -> Response:
    form, pairing = mentoring_service.log_form(session, user=user, log_id=log_id)
    return _log_form(
        request, session, user, log_id, form, pairing_id=pairing.id, errors={}, status=200
    )


@router.post("/logs/{log_id}/edit", dependencies=[Editors])
def save_log(
    request: Request,
    session: SessionDep,
    user: Annotated[User, Editors],
    log_id: PathId,
    form: LogSubmission,
) -> Response:
    try:
        log = mentoring_service.update_log(session, user=user, log_id=log_id, form=form.valid())
    except FormErrors as exc:
        session.rollback()
        _form, pairing = mentoring_service.log_form(session, user=user, log_id=log_id)
        return _log_form(
            request,
            session,
            user,
            log_id,
            form.values,
            pairing_id=pairing.id,
            errors=exc.errors,
            status=422,
        )
    session.commit()
    return flash(redirect(request, f"/guidance/logs/{log.id}"), "The log has been corrected.")


@router.get("/logs/{log_id}", dependencies=[AnyUser])
def log_page(request: Request, session: SessionDep, user: CurrentUser, log_id: PathId) -> Response:
    detail = mentoring_service.log_detail(session, user=user, log_id=log_id)
    context = {"detail": detail, "change_labels": mentoring_service.CHANGE_LABELS}
    return render(request, "guidance/log.html", context)


@router.post("/logs/{log_id}/delete", dependencies=[Editors])
def delete_log(
    request: Request, session: SessionDep, user: Annotated[User, Editors], log_id: PathId
) -> Response:
    pairing_id = mentoring_service.delete_log(session, user=user, log_id=log_id)
    session.commit()
    return flash(redirect(request, f"/guidance/pairings/{pairing_id}"), "The log has been deleted.")


@router.post("/logs/{log_id}/acknowledge", dependencies=[StudentOnly])
def acknowledge_log(
    request: Request, session: SessionDep, user: Annotated[User, StudentOnly], log_id: PathId
) -> Response:
    mentoring_service.acknowledge_log(session, user=user, log_id=log_id)
    session.commit()
    return flash(redirect(request, f"/guidance/logs/{log_id}"), "Thank you: the team has seen it.")


@router.post("/actions/{action_id}/done", dependencies=[StudentOnly])
def tick_action(
    request: Request,
    session: SessionDep,
    user: Annotated[User, StudentOnly],
    action_id: PathId,
    form: FormOf(ActionTickForm),
) -> Response:
    done = form.valid().done
    item = mentoring_service.set_action_done(session, user=user, action_id=action_id, done=done)
    session.commit()
    if is_htmx(request):  # the item alone, swapped in place
        return render(request, "guidance/_action_item.html", {"item": item, "can_tick": True})
    return redirect(request, f"/guidance/logs/{item.log_id}#action-{item.id}")


ReportFilters = QueryOf(ReportFilter)


def _report_args(filters: ReportFilter) -> dict:
    return {
        "weeks": filters.weeks,
        "start": filters.start,
        "end": filters.end_exclusive(),
    }


@router.get("/report", dependencies=[Staff])
def report_page(request: Request, session: SessionDep, filters: ReportFilters) -> Response:
    args = _report_args(filters)
    report = mentoring_service.kept_guidance_report(session, **args)
    query = f"weeks={report.weeks}&start={report.start}&end={report.last_day}"
    context = {"report": report, "query": query, "all_quiet": filters.all_quiet}
    # htmx's "show all" asks for the quiet teams only
    return render(request, "guidance/report.html", context, block="quiet_teams")


@router.get("/report.xlsx", dependencies=[Staff])
def report_xlsx(session: SessionDep, auth: Auth, filters: ReportFilters) -> Response:
    report = mentoring_service.guidance_report(session, **_report_args(filters))
    activate(auth.locale)
    return download(
        guidance_export.report_xlsx(report), f"guidance-{report.start}-{report.end}.xlsx"
    )
