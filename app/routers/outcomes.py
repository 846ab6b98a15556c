"""Graduate outcomes (administrators): the list, one-by-one entry, and file imports with
a preview of every row's problems, written all or nothing."""

from typing import Annotated

from fastapi import APIRouter, File, Query, Request, UploadFile
from fastapi.responses import Response

from app.db import SessionDep, SessionRoute
from app.deps import AdminOnly, CurrentUser, FormOf, PageParams, PathId
from app.errors import FormErrors
from app.exports import templates as templates_export
from app.i18n import lazy_gettext as _l
from app.schemas.evaluation import OutcomeForm
from app.services import evaluation as evaluation_service
from app.services import roster as roster_service
from app.services import uploads
from app.web import download, flash, redirect, render

router = APIRouter(prefix="/outcomes", dependencies=[AdminOnly], route_class=SessionRoute)
OutcomeSubmission = FormOf(OutcomeForm)


def _list_page(
    request,
    session,
    paging,
    *,
    cohort_id=None,
    form=None,
    errors=None,
    upload_errors=None,
    status_code=200,
    block=None,
):
    context = {
        "page": evaluation_service.list_outcomes(
            session, cohort_id=cohort_id, page=paging.page, per_page=paging.per_page
        ),
        "cohorts": roster_service.cohort_choices(session),
        "cohort_id": cohort_id,
        "form": form or OutcomeForm.initial(),
        "errors": errors or {},
        "upload_errors": upload_errors or {},
        **evaluation_service.scheme_labels(),
    }
    return render(request, "outcomes/list.html", context, block=block, status_code=status_code)


@router.get("")
def outcome_list(
    request: Request,
    session: SessionDep,
    paging: PageParams,
    cohort_id: Annotated[int | None, Query(ge=1, le=2_147_483_647)] = None,
) -> Response:
    return _list_page(request, session, paging, cohort_id=cohort_id)


@router.post("")
def save_outcome(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    paging: PageParams,
    form: OutcomeSubmission,
) -> Response:
    try:
        evaluation_service.save_outcome(session, actor=user, form=form.valid())
    except FormErrors as exc:
        session.rollback()
        return _list_page(
            request,
            session,
            paging,
            form=form.values,
            errors=exc.errors,
            status_code=422,
            block="outcome_form",
        )
    session.commit()
    return flash(redirect(request, "/outcomes"), "The outcome has been saved.")


@router.get("/template.csv")
def template_csv() -> Response:
    return download(templates_export.outcomes_csv(), "outcomes-template.csv")


@router.get("/{outcome_id}/edit")
def edit_outcome(request: Request, session: SessionDep, paging: PageParams, outcome_id: PathId):
    form = evaluation_service.outcome_form(session, outcome_id=outcome_id)
    return _list_page(request, session, paging, form=form)


@router.post("/{outcome_id}/delete")
def delete_outcome(request: Request, session: SessionDep, outcome_id: PathId) -> Response:
    evaluation_service.delete_outcome(session, outcome_id=outcome_id)
    session.commit()
    return flash(redirect(request, "/outcomes"), "The outcome has been deleted.")


@router.post("/import")
def upload(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    paging: PageParams,
    file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    try:
        content = uploads.read_upload(
            file, missing=_l("Choose the outcomes file (.xlsx or .csv) to upload.")
        )
        record = evaluation_service.create_import(
            session, actor_id=user.id, filename=file.filename, content=content
        )
    except FormErrors as exc:
        session.rollback()
        return _list_page(
            request,
            session,
            paging,
            upload_errors=exc.errors,
            status_code=422,
            block="upload_form",
        )
    session.commit()
    return redirect(request, f"/outcomes/imports/{record.id}")


@router.get("/imports/{import_id}")
def preview(request: Request, session: SessionDep, import_id: PathId) -> Response:
    data = evaluation_service.preview_import(session, import_id=import_id)
    return render(
        request,
        "outcomes/preview.html",
        {"preview": data, "refused": False, **evaluation_service.scheme_labels()},
    )


@router.post("/imports/{import_id}/commit")
def commit(request: Request, session: SessionDep, user: CurrentUser, import_id: PathId) -> Response:
    try:
        count = evaluation_service.commit_import(session, import_id=import_id, actor_id=user.id)
    except evaluation_service.OutcomesRejected as exc:
        session.rollback()
        context = {"preview": exc.preview, "refused": True, **evaluation_service.scheme_labels()}
        return render(request, "outcomes/preview.html", context, status_code=422)
    session.commit()
    return flash(redirect(request, "/outcomes"), "%(n)s outcomes have been imported.", n=count)


@router.post("/imports/{import_id}/discard")
def discard(request: Request, session: SessionDep, import_id: PathId) -> Response:
    evaluation_service.discard_import(session, import_id=import_id)
    session.commit()
    return flash(redirect(request, "/outcomes"), "The uploaded file was discarded.")
