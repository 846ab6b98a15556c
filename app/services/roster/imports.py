"""Roster import: upload a student list, preview every row with its problems, then
create all the student accounts with one-time passwords, or none of them.

The rows read from the file are kept in a ``RosterImport`` record (never a password), so
any worker process can show the preview or commit it. Rows are validated against the
database each time they are shown and again inside the committing transaction. Reading
files is in ``roster_files``, checking rows in ``roster_rows``.
"""

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from app.errors import Conflict, FormErrors, Invalid, NotFound
from app.i18n import N_
from app.i18n import lazy_gettext as _l
from app.models import Cohort, Role, RosterImport, StudentProfile, User, UserSession
from app.models.base import utcnow
from app.security import hash_password
from app.services import accounts as account_service
from app.services.roster import files as roster_files
from app.services.roster.rows import RosterRow, check_rows, chunks, clean_row

PREVIEW = "preview"
COMMITTED = "committed"
PREVIEW_LIFETIME = timedelta(days=7)  # forgotten previews (names, emails) are removed
HASH_WORKERS = max(2, min(4, os.cpu_count() or 2))


@dataclass
class RosterPreview:
    record: RosterImport
    rows: list[RosterRow]
    created_by: str | None = None
    awaiting_first_login: int = 0  # committed: students still on their one-time password

    @property
    def error_rows(self) -> list[RosterRow]:
        return [row for row in self.rows if row.errors]

    @property
    def committed(self) -> bool:
        return self.record.status == COMMITTED


@dataclass(frozen=True)
class IssuedAccount:
    """A created student and their one-time password (shown once, never stored)."""

    full_name: str
    student_number: str
    username: str
    cohort: Cohort | None
    password: str


REJECTED = N_(
    "Nothing was imported: some rows have problems. Correct them in the file and upload it again."
)


class RosterRejected(Invalid):
    """Some rows have problems, so nothing was written."""

    def __init__(self, preview: RosterPreview) -> None:
        super().__init__(REJECTED)
        self.preview = preview


# --- imports -------------------------------------------------------------------------


def create_import(
    session: Session,
    *,
    actor_id: int,
    filename: str,
    content: bytes,
    cohort_id: int | None = None,
) -> RosterImport:
    """Read an uploaded roster file and keep its rows for the preview (no accounts yet)."""
    if cohort_id is not None and session.get(Cohort, cohort_id) is None:
        raise FormErrors({"cohort_id": _l("Choose a cohort from the list.")})
    parsed = roster_files.read_roster(content)
    rows = parsed.rows
    if cohort_id is not None:
        for row in rows:
            if not {"cohort", "major", "intake_year", "class_number"} & row.keys():
                row["cohort_id"] = cohort_id
    session.exec(
        delete(RosterImport).where(
            RosterImport.status == PREVIEW, RosterImport.created_at < utcnow() - PREVIEW_LIFETIME
        )
    )
    record = RosterImport(
        filename=os.path.basename(filename.replace("\\", "/"))[:255],
        rows=rows,
        ignored_columns=parsed.ignored_columns[:20],
        row_count=len(rows),
        created_by_id=actor_id,
    )
    session.add(record)
    session.flush()
    return record


def _get_import(session: Session, import_id: int) -> RosterImport:
    record = session.get(RosterImport, import_id)
    if record is None:
        raise NotFound("This roster import does not exist. Upload the file again.")
    return record


def preview_import(session: Session, *, import_id: int) -> RosterPreview:
    """The rows of an import with their problems as of now (a committed one is not checked)."""
    record = _get_import(session, import_id)
    awaiting = 0
    if record.status == COMMITTED:
        rows = [clean_row(raw) for raw in record.rows]
        awaiting = len(_awaiting_first_login(session, record))
    else:
        rows = check_rows(session, record.rows)
    creator = session.get(User, record.created_by_id) if record.created_by_id else None
    return RosterPreview(record, rows, creator.full_name if creator else None, awaiting)


def recent_imports(session: Session, *, limit: int = 10) -> list[tuple[RosterImport, str | None]]:
    """The latest imports with the name of the administrator who uploaded each."""
    query = (
        select(RosterImport, User.full_name)
        .outerjoin(User, User.id == RosterImport.created_by_id)
        .order_by(RosterImport.created_at.desc(), RosterImport.id.desc())
        .limit(limit)
    )
    return [(record, name) for record, name in session.exec(query).all()]


def discard_import(session: Session, *, import_id: int) -> None:
    """Forget an import that has not been committed."""
    record = _get_import(session, import_id)
    if record.status != PREVIEW:
        raise Conflict("This roster has been imported already; it cannot be discarded.")
    session.delete(record)
    session.flush()


def issue_passwords(count: int, *, workers: int = HASH_WORKERS) -> list[tuple[str, str]]:
    """``count`` one-time passwords with their Argon2 hashes. Argon2 is slow on purpose
    and releases the GIL, so a small thread pool shares the work."""
    passwords = [account_service.generate_password() for _ in range(count)]
    if count < 8:
        return [(p, hash_password(p)) for p in passwords]
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="roster-hash") as pool:
        return list(zip(passwords, pool.map(hash_password, passwords), strict=True))


def commit_import(
    session: Session,
    *,
    import_id: int,
    actor_id: int,
    passwords: list[tuple[str, str]],
) -> list[IssuedAccount]:
    """Create every student of the import, or none: rows are checked again here, inside the
    writing transaction, so a student added meanwhile stops the whole import."""
    record = _get_import(session, import_id)
    claimed = session.exec(
        update(RosterImport)
        .where(RosterImport.id == import_id, RosterImport.status == PREVIEW)
        .values(status=COMMITTED, committed_at=utcnow(), imported_count=record.row_count)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        raise Conflict("This roster has been imported already.")
    rows = check_rows(session, record.rows)
    if any(row.errors for row in rows):
        raise RosterRejected(RosterPreview(record, rows))
    if len(passwords) != len(rows):
        raise ValueError("one password per row is needed")
    users = [
        User(
            username=row.username,
            full_name=row.full_name,
            role=Role.student.value,
            email=row.email,
            password_hash=password_hash,
            must_change_password=True,
        )
        for row, (_, password_hash) in zip(rows, passwords, strict=True)
    ]
    try:
        session.add_all(users)
        session.flush()
        session.add_all(
            StudentProfile(
                user_id=user.id,
                student_number=row.student_number,
                cohort_id=row.cohort.id if row.cohort else None,
                phone=row.phone,
            )
            for user, row in zip(users, rows, strict=True)
        )
        session.flush()
    except IntegrityError:
        raise Conflict(
            "Another administrator added some of these students at the same moment. "
            "Nothing was imported; open the preview again to see which rows clash."
        ) from None
    # Remember who was created, so that lost one-time passwords can be issued again.
    record.rows = [
        {**raw, "user_id": user.id} for raw, user in zip(record.rows, users, strict=True)
    ]
    session.flush()
    return [
        IssuedAccount(row.full_name, row.student_number, row.username, row.cohort, password)
        for row, (password, _) in zip(rows, passwords, strict=True)
    ]


def _awaiting_first_login(session: Session, record: RosterImport):
    ids = [raw["user_id"] for raw in record.rows if isinstance(raw.get("user_id"), int)]
    query = (
        select(User, StudentProfile, Cohort)
        .join(StudentProfile, StudentProfile.user_id == User.id)
        .outerjoin(Cohort, Cohort.id == StudentProfile.cohort_id)
        .where(User.id.in_(ids), User.must_change_password, User.is_active)
        .order_by(User.id)
    )
    return session.exec(query).all() if ids else []


def reissue_passwords(
    session: Session, *, import_id: int, passwords: list[tuple[str, str]]
) -> list[IssuedAccount]:
    """New one-time passwords for the students of an import who have not logged in and
    chosen their own yet (the printout was lost); their old ones stop working."""
    record = _get_import(session, import_id)
    if record.status != COMMITTED:
        raise Conflict("This roster has not been imported yet.")
    found = _awaiting_first_login(session, record)
    if len(found) > len(passwords):
        raise Conflict("The list of students changed meanwhile. Try again.")
    issued = []
    now = utcnow()
    for (user, profile, cohort), (password, password_hash) in zip(found, passwords, strict=False):
        user.password_hash = password_hash
        user.password_changed_at = now  # a fresh ONE_TIME_PASSWORD_DAYS, and no lock
        user.unlocked_at = now
        session.add(user)
        issued.append(
            IssuedAccount(user.full_name, profile.student_number, user.username, cohort, password)
        )
    for chunk in chunks(user.id for user, _, _ in found):
        session.exec(delete(UserSession).where(UserSession.user_id.in_(chunk)))
    session.flush()
    return issued
