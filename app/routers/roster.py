"""Roster import (administrators): upload → preview every row → commit all or nothing."""

from typing import Annotated

from fastapi import APIRouter, File, Request, UploadFile
from fastapi.responses import Response

from app import db
from app.db import SessionDep, SessionRoute
from app.deps import AdminOnly, FormOf, PathId
from app.errors import FormErrors
from app.exports import templates as templates_export
from app.i18n import lazy_gettext as _l
from app.models import User
from app.schemas.people import RosterUploadForm
from app.services import roster as roster_service
from app.services import uploads
from app.web import download, flash, redirect, render

router = APIRouter(prefix="/roster", dependencies=[AdminOnly], route_class=SessionRoute)

# The signed-in administrator (the router's AdminOnly check, reused: it runs once).
Admin = Annotated[User, AdminOnly]
NO_STORE = {"Cache-Control": "no-store"}


def _index(request: Request, session, *, errors: dict, cohort_id: str = "", status_code=200):
    context = {
        "errors": errors,
        "cohort_id": cohort_id,
        "cohorts": roster_service.cohort_choices(session),
        "imports": roster_service.recent_imports(session),
        "max_rows": roster_service.MAX_ROWS,
        "max_mb": uploads.MAX_FILE_BYTES // (1024 * 1024),
    }
    block = "upload_form" if status_code != 200 else None
    return render(request, "roster/index.html", context, block=block, status_code=status_code)


@router.get("")
def roster_page(request: Request, session: SessionDep) -> Response:
    return _index(request, session, errors={})


@router.post("")
def upload_roster(
    request: Request,
    session: SessionDep,
    user: Admin,
    form: FormOf(RosterUploadForm),
    file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    cohort_id = form.values.cohort_id
    try:
        content = uploads.read_upload(
            file, missing=_l("Choose the roster file (.xlsx or .csv) to upload.")
        )
        chosen = form.valid().cohort_id
        record = roster_service.create_import(
            session, actor_id=user.id, filename=file.filename, content=content, cohort_id=chosen
        )
    except FormErrors as exc:  # nothing was written; the session ends without a commit
        return _index(request, session, errors=exc.errors, cohort_id=cohort_id, status_code=422)
    session.commit()
    return redirect(request, f"/roster/imports/{record.id}")


@router.get("/template.csv")
def template_csv() -> Response:
    return download(templates_export.roster_csv(), "roster-template.csv")


@router.get("/template.xlsx")
def template_xlsx() -> Response:
    return download(templates_export.roster_xlsx(), "roster-template.xlsx")


@router.get("/imports/{import_id}")
def preview_page(request: Request, session: SessionDep, import_id: PathId) -> Response:
    preview = roster_service.preview_import(session, import_id=import_id)
    return render(request, "roster/preview.html", {"preview": preview, "refused": False})


@router.post("/imports/{import_id}/commit")
def commit_roster(
    request: Request, session: SessionDep, user: Admin, import_id: PathId
) -> Response:
    # Check first on a read session: Argon2 takes seconds for a large roster, and on SQLite
    # the write session would hold the database's write lock for all that time.
    with db.open_session() as reader:
        preview = roster_service.preview_import(reader, import_id=import_id)
    if preview.committed:
        return flash(
            redirect(request, f"/roster/imports/{import_id}"),
            "This roster has been imported already.",
            "warning",
        )
    if not preview.error_rows:
        passwords = roster_service.issue_passwords(len(preview.rows))
        try:
            accounts = roster_service.commit_import(
                session, import_id=import_id, actor_id=user.id, passwords=passwords
            )
        except roster_service.RosterRejected as exc:  # not committed: nothing is written
            preview = exc.preview
        else:
            session.commit()
            return render(
                request,
                "roster/passwords.html",
                {"accounts": accounts, "record": preview.record, "reissued": False},
                headers=NO_STORE,
            )
    context = {"preview": preview, "refused": True}
    return render(request, "roster/preview.html", context, status_code=422)


@router.post("/imports/{import_id}/reissue")
def reissue_passwords(request: Request, session: SessionDep, import_id: PathId) -> Response:
    """New one-time passwords for the students of an import who have not logged in yet."""
    with db.open_session() as reader:  # hash before the write transaction, as for commit
        preview = roster_service.preview_import(reader, import_id=import_id)
    if not preview.awaiting_first_login:
        return flash(
            redirect(request, f"/roster/imports/{import_id}"),
            "Every student of this roster has chosen their own password already.",
            "warning",
        )
    passwords = roster_service.issue_passwords(preview.awaiting_first_login)
    accounts = roster_service.reissue_passwords(session, import_id=import_id, passwords=passwords)
    session.commit()
    context = {"accounts": accounts, "record": preview.record, "reissued": True}
    return render(request, "roster/passwords.html", context, headers=NO_STORE)


@router.post("/imports/{import_id}/discard")
def discard_roster(request: Request, session: SessionDep, import_id: PathId) -> Response:
    roster_service.discard_import(session, import_id=import_id)
    session.commit()
    return flash(redirect(request, "/roster"), "The uploaded roster was discarded.")
