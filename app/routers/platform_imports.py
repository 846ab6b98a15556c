"""Platform data imports: staff keep a column mapping per platform; a team uploads a
platform's export of its live sessions → preview every row → save the ready rows."""

from typing import Annotated

from fastapi import APIRouter, Depends, File, Request, UploadFile
from fastapi.responses import Response

from app.db import SessionDep, SessionRoute
from app.deps import FormOf, PathId, Staff, require_role
from app.errors import FormErrors
from app.i18n import lazy_gettext as _l
from app.models import Role, User
from app.models.platform_imports import MoneyUnit, WatchTimeUnit
from app.models.teams import Platform
from app.schemas.platform_imports import (
    FIELD_LABELS,
    OPTIONAL_FIELDS,
    REQUIRED_FIELDS,
    ImportUploadForm,
    MappingForm,
    RowChoicesForm,
)
from app.services import platform_imports as import_service
from app.services import teams as team_service
from app.services import uploads
from app.web import flash, redirect, render

mappings_router = APIRouter(
    prefix="/imports/mappings", dependencies=[Staff], route_class=SessionRoute
)
TeamWorkers = Depends(require_role(Role.admin, Role.teacher, Role.student))
router = APIRouter(prefix="/teams", dependencies=[TeamWorkers], route_class=SessionRoute)
Worker = Annotated[User, TeamWorkers]


# --- mappings (staff) ------------------------------------------------------------------


def _mapping_context(form, *, errors: dict, mapping=None, used: int = 0) -> dict:
    return {
        "form": form,
        "errors": errors,
        "mapping": mapping,
        "used": used,
        "platforms": [p.value for p in Platform],
        "watch_units": [u.value for u in WatchTimeUnit],
        "money_units": [u.value for u in MoneyUnit],
        "required_fields": REQUIRED_FIELDS,
        "optional_fields": OPTIONAL_FIELDS,
        "labels": FIELD_LABELS,
    }


@mappings_router.get("")
def mappings_page(request: Request, session: SessionDep) -> Response:
    context = {"mappings": import_service.list_mappings(session), "labels": FIELD_LABELS}
    return render(request, "imports/mappings.html", context)


@mappings_router.get("/new")
def new_mapping_page(request: Request) -> Response:
    context = _mapping_context(import_service.mapping_form(), errors={})
    return render(request, "imports/mapping_form.html", context)


@mappings_router.post("/new")
def create_mapping(request: Request, session: SessionDep, form: FormOf(MappingForm)) -> Response:
    try:
        import_service.create_mapping(session, form=form.valid())
    except FormErrors as exc:
        context = _mapping_context(form.values, errors=exc.errors)
        return render(
            request, "imports/mapping_form.html", context, block="mapping_form", status_code=422
        )
    session.commit()
    return flash(redirect(request, "/imports/mappings"), "The column mapping has been saved.")


@mappings_router.get("/{mapping_id}")
def edit_mapping_page(request: Request, session: SessionDep, mapping_id: PathId) -> Response:
    mapping = import_service.get_mapping(session, mapping_id=mapping_id)
    used = import_service.imports_using(session, mapping_id=mapping_id)
    context = _mapping_context(
        import_service.mapping_form(mapping), errors={}, mapping=mapping, used=used
    )
    return render(request, "imports/mapping_form.html", context)


@mappings_router.post("/{mapping_id}")
def update_mapping(
    request: Request, session: SessionDep, mapping_id: PathId, form: FormOf(MappingForm)
) -> Response:
    try:
        import_service.update_mapping(session, mapping_id=mapping_id, form=form.valid())
    except FormErrors as exc:
        session.rollback()
        mapping = import_service.get_mapping(session, mapping_id=mapping_id)
        context = _mapping_context(form.values, errors=exc.errors, mapping=mapping)
        return render(
            request, "imports/mapping_form.html", context, block="mapping_form", status_code=422
        )
    session.commit()
    return flash(redirect(request, "/imports/mappings"), "The column mapping has been saved.")


@mappings_router.post("/{mapping_id}/delete")
def delete_mapping(request: Request, session: SessionDep, mapping_id: PathId) -> Response:
    import_service.delete_mapping(session, mapping_id=mapping_id)
    session.commit()
    return flash(redirect(request, "/imports/mappings"), "The column mapping has been deleted.")


# --- a team's imports ------------------------------------------------------------------


def _index(request, session, user, team_id: int, *, errors: dict, mapping_id="", status_code=200):
    team = team_service.get_editable_team(session, user=user, team_id=team_id)
    context = {
        "team": team,
        "errors": errors,
        "mapping_id": mapping_id,
        "mappings": import_service.list_mappings(session),
        "imports": import_service.recent_imports(session, user=user, team_id=team.id),
        "max_rows": import_service.MAX_ROWS,
        "max_mb": uploads.MAX_FILE_BYTES // (1024 * 1024),
        "is_staff": team_service.is_staff(user),
    }
    block = "upload_form" if status_code != 200 else None
    return render(request, "imports/index.html", context, block=block, status_code=status_code)


@router.get("/{team_id}/imports")
def imports_page(request: Request, session: SessionDep, user: Worker, team_id: PathId) -> Response:
    return _index(request, session, user, team_id, errors={})


@router.post("/{team_id}/imports")
def upload_export(
    request: Request,
    session: SessionDep,
    user: Worker,
    team_id: PathId,
    form: FormOf(ImportUploadForm),
    file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    mapping_id = form.values.mapping_id
    errors: dict = {}
    try:  # both fields are checked, so that every problem is shown at once
        chosen = form.valid().mapping_id
    except FormErrors as exc:
        errors.update(exc.errors)
    try:
        content = uploads.read_upload(
            file, missing=_l("Choose the platform's data export (.xlsx or .csv) to upload.")
        )
        if not errors:
            record = import_service.create_import(
                session,
                user=user,
                team_id=team_id,
                mapping_id=chosen,
                filename=file.filename,
                content=content,
            )
    except FormErrors as exc:  # nothing was written; the session ends without a commit
        errors.update(exc.errors)
    if errors:
        return _index(
            request, session, user, team_id, errors=errors, mapping_id=mapping_id, status_code=422
        )
    session.commit()
    return redirect(request, f"/teams/{team_id}/imports/{record.id}")


def _preview_page(request, session, user, team_id: int, preview, *, refused=False, status_code=200):
    team = team_service.get_editable_team(session, user=user, team_id=team_id)
    context = {"team": team, "preview": preview, "refused": refused, "labels": FIELD_LABELS}
    return render(request, "imports/preview.html", context, status_code=status_code)


@router.get("/{team_id}/imports/{import_id}")
def preview_page(
    request: Request, session: SessionDep, user: Worker, team_id: PathId, import_id: PathId
) -> Response:
    preview = import_service.preview_import(
        session, user=user, team_id=team_id, import_id=import_id
    )
    return _preview_page(request, session, user, team_id, preview)


@router.post("/{team_id}/imports/{import_id}/match")
def choose_sessions(
    request: Request,
    session: SessionDep,
    user: Worker,
    team_id: PathId,
    import_id: PathId,
    form: FormOf(RowChoicesForm),
) -> Response:
    choices = form.valid().choices()
    import_service.choose_sessions(
        session, user=user, team_id=team_id, import_id=import_id, choices=choices
    )
    session.commit()
    url = f"/teams/{team_id}/imports/{import_id}"
    return flash(redirect(request, url), "The rows have been matched again.")


@router.post("/{team_id}/imports/{import_id}/save")
def save_import(
    request: Request, session: SessionDep, user: Worker, team_id: PathId, import_id: PathId
) -> Response:
    try:
        preview = import_service.save_import(
            session, user=user, team_id=team_id, import_id=import_id
        )
    except import_service.NothingToSave as exc:  # not committed: nothing is written
        session.rollback()
        return _preview_page(
            request, session, user, team_id, exc.preview, refused=True, status_code=422
        )
    session.commit()
    return flash(
        redirect(request, f"/teams/{team_id}/imports/{import_id}"),
        "Results saved from the file: %(num)s sessions.",
        num=len(preview.ready_rows),
    )


@router.post("/{team_id}/imports/{import_id}/discard")
def discard_import(
    request: Request, session: SessionDep, user: Worker, team_id: PathId, import_id: PathId
) -> Response:
    import_service.discard_import(session, user=user, team_id=team_id, import_id=import_id)
    session.commit()
    return flash(redirect(request, f"/teams/{team_id}/imports"), "The upload was discarded.")
