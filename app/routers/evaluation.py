"""The three-dimension evaluation: overview and cohort comparison, cohort dashboards,
students' score pages, the scheme and its versions, published snapshots."""

from collections.abc import Mapping
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from app.db import SessionDep, SessionRoute
from app.deps import AdminOnly, CurrentUser, FormOf, PageParams, PathId, Staff, require_role
from app.errors import FormErrors
from app.exports import evaluation as export
from app.models import Role
from app.schemas.base import FormValues
from app.schemas.evaluation import ComparisonView, PeriodForm, SchemeForm
from app.services import evaluation as evaluation_service
from app.services.clock import today
from app.web import download, flash, is_htmx, redirect, render

router = APIRouter(prefix="/evaluation", route_class=SessionRoute)
ScorePageReaders = Depends(require_role(Role.admin, Role.teacher, Role.student))
PeriodSubmission = FormOf(PeriodForm)
SchemeSubmission = FormOf(SchemeForm)


def shown_period(sent: Mapping[str, Any]) -> tuple[evaluation_service.Period, FormValues, dict]:
    """The period a page shows, its inputs' values and their errors: the one asked for
    (``start`` and ``end``), or this academic year when none is, or the one asked for is
    wrong (the errors are then shown beside what was typed)."""
    asked = PeriodForm.read(dict(sent))  # a plain dict: FormValues answers any attribute
    period = evaluation_service.academic_year(today())
    if asked.start or asked.end:
        try:
            form = PeriodForm.parse(asked)
        except FormErrors as exc:
            return period, asked, exc.errors
        period = evaluation_service.Period(form.start, form.end)
    values = PeriodForm.initial(start=period.start.isoformat(), end=period.end.isoformat())
    return period, values, {}


@router.get("", dependencies=[Staff])
def overview(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
) -> Response:
    period, values, errors = shown_period(request.query_params)
    context = evaluation_service.overview(session, user=user, period=period)
    context.update(period_values=values, period_errors=errors, export_errors={})
    context["export_values"] = {**values, "cohort_ids": [], "file_format": "xlsx"}
    context["all_cohorts"] = ComparisonView.lenient(request.query_params).all_cohorts
    return render(
        request,
        "evaluation/overview.html",
        context,
        block="comparison",  # htmx's "show all" asks for the comparison only
        status_code=422 if errors else 200,
    )


@router.get("/cohorts/{cohort_id}", dependencies=[Staff])
def cohort_dashboard(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    paging: PageParams,
    cohort_id: PathId,
    student: Annotated[int | None, Query(ge=1, le=2_147_483_647)] = None,
) -> Response:
    period, values, errors = shown_period(request.query_params)
    context = evaluation_service.cohort_dashboard(
        session,
        user=user,
        cohort_id=cohort_id,
        period=period,
        student_id=student,
        page=paging.page,
        per_page=paging.per_page,
    )
    context.update(period_values=values, period_errors=errors)
    return render(
        request,
        "evaluation/cohort.html",
        context,
        block="students" if request.query_params.get("page") else None,
        status_code=422 if errors else 200,
    )


@router.post("/cohorts/{cohort_id}/publish", dependencies=[AdminOnly])
def publish(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    cohort_id: PathId,
    form: PeriodSubmission,
) -> Response:
    try:
        chosen = form.valid()
    except FormErrors:
        session.rollback()
        return flash(
            redirect(request, f"/evaluation/cohorts/{cohort_id}"),
            "Choose a valid period before publishing.",
            "error",
        )
    period = evaluation_service.Period(chosen.start, chosen.end)
    snapshot = evaluation_service.publish(session, actor=user, cohort_id=cohort_id, period=period)
    session.commit()
    return flash(
        redirect(request, f"/evaluation/snapshots/{snapshot.id}"),
        "The evaluation has been published as snapshot %(n)s.",
        n=snapshot.number,
    )


@router.get("/students/{student_id}", dependencies=[ScorePageReaders])
def score_page(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    student_id: PathId,
) -> Response:
    period, values, errors = shown_period(request.query_params)
    page = evaluation_service.score_page(session, user=user, student_id=student_id, period=period)
    context = {
        "page": page,
        "period_values": values,
        "period_errors": errors,
        **evaluation_service.scheme_labels(),
        **evaluation_service.method_context(
            page.params, page.scheme_version, cohort_size=page.cohort_size
        ),
    }
    return render(request, "evaluation/student.html", context, status_code=422 if errors else 200)


# --- the scheme ----------------------------------------------------------------------


def _scheme_page(
    request, session, user, *, values=None, errors=None, preview=None, status_code=200
):
    scheme = evaluation_service.current_scheme(session)
    context = {
        "scheme": scheme,
        "preview": preview,
        "versions": evaluation_service.list_versions(session),
        "values": values or evaluation_service.form_values(scheme.params),
        "errors": errors or {},
        "can_edit": user.role == Role.admin.value,
        **evaluation_service.scheme_labels(),
        **evaluation_service.method_context(scheme.params, scheme.version),
    }
    block = "scheme_form" if status_code != 200 or (preview and is_htmx(request)) else None
    return render(request, "evaluation/scheme.html", context, block=block, status_code=status_code)


@router.get("/scheme", dependencies=[Staff])
def scheme_page(request: Request, session: SessionDep, user: CurrentUser) -> Response:
    return _scheme_page(request, session, user)


@router.post("/scheme", dependencies=[AdminOnly])
def save_scheme(
    request: Request, session: SessionDep, user: CurrentUser, form: SchemeSubmission
) -> Response:
    try:
        scheme = evaluation_service.save_scheme(session, actor=user, form=form.valid())
    except FormErrors as exc:
        session.rollback()
        return _scheme_page(
            request, session, user, values=form.values, errors=exc.errors, status_code=422
        )
    session.commit()
    return flash(
        redirect(request, "/evaluation/scheme"),
        "Scheme version %(n)s has been saved; scores now use it.",
        n=scheme.version,
    )


@router.post("/scheme/preview", dependencies=[AdminOnly])
def preview_scheme(
    request: Request, session: SessionDep, user: CurrentUser, form: SchemeSubmission
) -> Response:
    """How totals would change under the form's parameters (this academic year), with the
    form kept as typed so that it can be saved next; nothing is written."""
    try:
        params = form.valid().params()
    except FormErrors as exc:
        return _scheme_page(
            request, session, user, values=form.values, errors=exc.errors, status_code=422
        )
    period = evaluation_service.academic_year(today())
    preview = evaluation_service.preview_scheme(session, params=params, period=period)
    return _scheme_page(request, session, user, values=form.values, preview=preview)


@router.get("/scheme/versions/{scheme_id}", dependencies=[Staff])
def scheme_version(request: Request, session: SessionDep, scheme_id: PathId) -> Response:
    scheme = evaluation_service.get_scheme(session, scheme_id=scheme_id)
    context = {
        "scheme": scheme,
        "p": evaluation_service.complete_params(scheme.params),
        **evaluation_service.scheme_labels(),
        **evaluation_service.method_context(scheme.params, scheme.version),
    }
    return render(request, "evaluation/scheme_version.html", context)


# --- snapshots -----------------------------------------------------------------------


@router.get("/snapshots/{snapshot_id}", dependencies=[Staff])
def snapshot_page(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    paging: PageParams,
    snapshot_id: PathId,
) -> Response:
    context = evaluation_service.snapshot_page(
        session, user=user, snapshot_id=snapshot_id, page=paging.page, per_page=paging.per_page
    )
    return render(request, "evaluation/snapshot.html", context)


@router.get("/snapshots/{snapshot_id}/export.csv", dependencies=[Staff])
def snapshot_csv(session: SessionDep, user: CurrentUser, snapshot_id: PathId) -> Response:
    snapshot = evaluation_service.get_snapshot(session, user=user, snapshot_id=snapshot_id)
    result = evaluation_service.snapshot_evaluation(session, snapshot)
    name = f"snapshot-{snapshot.id}-" + export.filename(result, "csv")
    return download(export.evaluation_csv(result), name)


@router.get("/snapshots/{snapshot_id}/export.xlsx", dependencies=[Staff])
def snapshot_xlsx(session: SessionDep, user: CurrentUser, snapshot_id: PathId) -> Response:
    snapshot = evaluation_service.get_snapshot(session, user=user, snapshot_id=snapshot_id)
    result = evaluation_service.snapshot_evaluation(session, snapshot)
    content = export.evaluation_xlsx(result, created=snapshot.published_at.replace(tzinfo=None))
    return download(content, f"snapshot-{snapshot.id}-" + export.filename(result, "xlsx"))


@router.get("/snapshots/{snapshot_id}/compare", dependencies=[Staff])
def compare(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    snapshot_id: PathId,
    other: Annotated[int, Query(alias="with", ge=1, le=2_147_483_647)],
) -> Response:
    comparison = evaluation_service.compare(
        session, user=user, before_id=other, after_id=snapshot_id
    )
    return render(request, "evaluation/compare.html", {"comparison": comparison})
