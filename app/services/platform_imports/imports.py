"""Platform data imports: upload a platform's export of a team's live sessions, preview
every row matched to a session with its problems, then save the valid rows as results.

As with the roster import, the rows read from the file are kept in a ``PlatformImport``
so that any worker can show the preview or save it; rows are checked again each time they
are shown and inside the saving transaction, through the same rules and the same code
path as a result typed in (``live_sessions.record_result``). Viewing writes nothing.
"""

import os
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import delete, update
from sqlmodel import Session, select

from app.errors import Conflict, FormErrors, Invalid, NotFound
from app.i18n import N_
from app.i18n import lazy_gettext as _l
from app.models import User
from app.models.base import utcnow
from app.models.platform_imports import PlatformImport, PlatformMapping
from app.models.teams import LiveSession
from app.services import uploads
from app.services.platform_imports import mappings as mapping_service
from app.services.platform_imports.rows import ImportRow, check_rows
from app.services.teams import live_sessions as live_service
from app.services.teams import teams as team_service

PREVIEW = "preview"
SAVED = "saved"
MAX_ROWS = 200  # a semester of a team's sessions, with room to spare
PREVIEW_LIFETIME = timedelta(days=7)  # forgotten previews are removed

NOTHING_TO_SAVE = N_("Nothing was saved: no row is ready. Correct the file and upload it again.")


@dataclass
class ImportPreview:
    record: PlatformImport
    rows: list[ImportRow]
    sessions: list[LiveSession]  # what a row may be matched to by hand
    created_by: str | None = None

    @property
    def ready_rows(self) -> list[ImportRow]:
        return [row for row in self.rows if row.ready]

    @property
    def error_rows(self) -> list[ImportRow]:
        return [row for row in self.rows if not row.ready]

    @property
    def saved(self) -> bool:
        return self.record.status == SAVED


class NothingToSave(Invalid):
    """No row of the import is ready, so nothing was written."""

    def __init__(self, preview: ImportPreview) -> None:
        super().__init__(NOTHING_TO_SAVE)
        self.preview = preview


def _read(content: bytes, mapping: PlatformMapping) -> uploads.Table:
    """The rows under the mapping's header row, or ``FormErrors`` naming the columns of
    the mapping the file lacks."""
    layout = mapping_service.layout_of(mapping)
    try:
        table = uploads.read_table(content, layout=layout, max_rows=MAX_ROWS)
    except FormErrors as refused:
        # Without the start column no row is the header; read the first row as the header
        # only to say which columns are missing (the file was refused either way).
        try:
            table = uploads.read_table(
                content, layout=replace(layout, required=frozenset()), max_rows=MAX_ROWS
            )
        except FormErrors:
            raise refused from None
    missing = mapping_service.missing_columns(mapping, table.columns)
    if missing:
        raise FormErrors(
            {
                "file": _l(
                    "The file has no column %(names)s, which the mapping “%(mapping)s” "
                    "expects. Choose the mapping of the platform the file comes from, or "
                    "correct the mapping.",
                    names="、".join(f"“{header}”" for header in missing),
                    mapping=mapping.name,
                )
            }
        )
    return table


def create_import(
    session: Session,
    *,
    user: User,
    team_id: int,
    mapping_id: int,
    filename: str,
    content: bytes,
) -> PlatformImport:
    """Read an uploaded export with a mapping and keep its rows for the preview."""
    team = team_service.get_editable_team(session, user=user, team_id=team_id)
    mapping = session.get(PlatformMapping, mapping_id)
    if mapping is None:
        raise FormErrors({"mapping_id": _l("Choose a column mapping from the list.")})
    table = _read(content, mapping)
    session.exec(
        delete(PlatformImport).where(
            PlatformImport.status == PREVIEW,
            PlatformImport.created_at < utcnow() - PREVIEW_LIFETIME,
        )
    )
    record = PlatformImport(
        team_id=team.id,
        mapping_id=mapping.id,
        mapping_name=mapping.name,
        watch_time_unit=mapping.watch_time_unit,
        money_unit=mapping.money_unit,
        filename=os.path.basename(filename.replace("\\", "/"))[:255],
        rows=table.rows,
        row_count=len(table.rows),
        created_by_id=user.id,
    )
    session.add(record)
    session.flush()
    return record


def _get_import(session: Session, *, user: User, team_id: int, import_id: int) -> PlatformImport:
    team_service.get_editable_team(session, user=user, team_id=team_id)
    record = session.get(PlatformImport, import_id)
    if record is None or record.team_id != team_id:
        raise NotFound("This import does not exist. Upload the file again.")
    return record


def _preview(session: Session, record: PlatformImport, now: datetime) -> ImportPreview:
    rows, sessions = check_rows(session, record, now=now)
    creator = session.get(User, record.created_by_id) if record.created_by_id else None
    return ImportPreview(record, rows, sessions, creator.full_name if creator else None)


def preview_import(
    session: Session, *, user: User, team_id: int, import_id: int, now: datetime | None = None
) -> ImportPreview:
    """The rows of an import, matched and checked as of now (nothing is written)."""
    record = _get_import(session, user=user, team_id=team_id, import_id=import_id)
    return _preview(session, record, now or utcnow())


def choose_sessions(
    session: Session, *, user: User, team_id: int, import_id: int, choices: dict[str, int]
) -> PlatformImport:
    """Remember the sessions picked by hand for rows ({line: session id}); rows not
    named go back to matching by their start time. The rows check each pick."""
    record = _get_import(session, user=user, team_id=team_id, import_id=import_id)
    if record.status != PREVIEW:
        raise Conflict("This import has been saved already.")
    lines = {str(raw.get("line")) for raw in record.rows}
    record.choices = {line: picked for line, picked in choices.items() if line in lines}
    session.add(record)
    session.flush()
    return record


def save_import(
    session: Session, *, user: User, team_id: int, import_id: int, now: datetime | None = None
) -> ImportPreview:
    """Record the result of every ready row, as if typed into each session's result form;
    rows with problems are left out. Checked again here, inside the writing transaction."""
    now = now or utcnow()
    record = _get_import(session, user=user, team_id=team_id, import_id=import_id)
    claimed = session.exec(
        update(PlatformImport)
        .where(PlatformImport.id == record.id, PlatformImport.status == PREVIEW)
        .values(status=SAVED, saved_at=now)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        raise Conflict("This import has been saved already.")
    preview = _preview(session, record, now)
    ready = preview.ready_rows
    if not ready:
        raise NothingToSave(preview)
    for row in ready:
        live_service.record_result(
            session, user=user, team_id=team_id, session_id=row.live.id, form=row.form, now=now
        )
    saved = {row.line: row.live.id for row in ready}
    # Remember which session each saved row went to, for the page of the saved import.
    record.rows = [
        {**raw, "_saved": saved[raw["line"]]} if raw.get("line") in saved else raw
        for raw in record.rows
    ]
    record.status, record.saved_at, record.saved_count = SAVED, now, len(ready)
    session.add(record)
    session.flush()
    return preview


def discard_import(session: Session, *, user: User, team_id: int, import_id: int) -> None:
    """Forget an import that has not been saved."""
    record = _get_import(session, user=user, team_id=team_id, import_id=import_id)
    if record.status != PREVIEW:
        raise Conflict("This import has been saved already; it cannot be discarded.")
    session.delete(record)
    session.flush()


def recent_imports(
    session: Session, *, user: User, team_id: int, limit: int = 10
) -> list[tuple[PlatformImport, str | None]]:
    """The team's latest imports with the name of who uploaded each."""
    team_service.get_editable_team(session, user=user, team_id=team_id)
    query = (
        select(PlatformImport, User.full_name)
        .outerjoin(User, User.id == PlatformImport.created_by_id)
        .where(PlatformImport.team_id == team_id)
        .order_by(PlatformImport.created_at.desc(), PlatformImport.id.desc())
        .limit(limit)
    )
    return [(record, name) for record, name in session.exec(query).all()]
