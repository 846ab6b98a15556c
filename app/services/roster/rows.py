"""Roster rows: clean the cells read from a file and find what is wrong with each row,
against the other rows and the database (a few IN queries, whatever the roster size)."""

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, select

from app.i18n import lazy_gettext as _l
from app.models import Cohort, StudentProfile, User
from app.services import accounts as account_service

ROW_FIELDS = ("student_number", "full_name", "cohort", "email", "phone")
IN_CHUNK = 500  # values per IN (...) list

STUDENT_NUMBER_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{1,31}$")
SCIENTIFIC_RE = re.compile(r"^\d+(\.\d+)?[eE]\+?\d+$")
PHONE_RE = re.compile(r"^\+?\d{5,20}$")
PHONE_SEPARATORS = re.compile(r"[\s\-()]")
COHORT_PATTERNS = (
    re.compile(r"^(?P<major>.+?)\s*(?P<year>\d{4})\s*级\s*(?P<number>\d{1,3})\s*班$"),
    re.compile(r"^(?P<year>\d{4})\s*级\s*(?P<major>.+?)\s*(?P<number>\d{1,3})\s*班$"),
    re.compile(
        r"^(?P<major>.+?),\s*intake\s*(?P<year>\d{4}),\s*class\s*(?P<number>\d{1,3})$", re.I
    ),
)
YEAR_RE = re.compile(r"^(?P<year>\d{4})\s*(级|年)?$")
CLASS_NUMBER_RE = re.compile(r"^(?P<number>\d{1,3})\s*班?$")


@dataclass
class RosterRow:
    """One student of the file, cleaned up, with {field: message} for what is wrong."""

    line: int
    student_number: str
    full_name: str
    cohort_text: str
    email: str | None
    phone: str | None
    username: str
    cohort: Cohort | None = None
    errors: dict[str, Any] = field(default_factory=dict)

    def problem(self, name: str, message: Any) -> None:
        self.errors.setdefault(name, message)


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def _cohort_key(major: str, year: int, number: int) -> tuple[str, int, int]:
    return re.sub(r"\s+", "", _fold(major)).lower(), year, number


def _cohort_parts(raw: dict[str, Any]) -> tuple[str, int, int] | None:
    """(major, intake year, class number) from a 班级 cell or 专业/入学年份/班号 cells."""
    text = _fold(str(raw.get("cohort", "")))
    for pattern in COHORT_PATTERNS:
        match = pattern.match(text)
        if match:
            return match["major"], int(match["year"]), int(match["number"])
    major = _fold(str(raw.get("major", "")))
    year = YEAR_RE.match(_fold(str(raw.get("intake_year", ""))))
    number = CLASS_NUMBER_RE.match(_fold(str(raw.get("class_number", ""))) or text)
    if major and year and number:
        return major, int(year["year"]), int(number["number"])
    return None


def _cohort_text(raw: dict[str, Any]) -> str:
    parts = [str(raw.get(name, "")) for name in ("major", "intake_year", "class_number")]
    written = str(raw.get("cohort", ""))
    if any(parts):
        return " ".join(p for p in [*parts, written] if p)
    return written


def clean_row(raw: dict[str, Any]) -> RosterRow:
    student_number = _fold(str(raw.get("student_number", "")))
    email = _fold(str(raw.get("email", ""))) or None
    phone = _fold(str(raw.get("phone", ""))) or None
    return RosterRow(
        line=int(raw.get("line", 0)),
        student_number=student_number,
        full_name=str(raw.get("full_name", "")).strip(),
        cohort_text=_cohort_text(raw),
        email=email,
        phone=phone,
        username=account_service.normalise_username(student_number),
    )


def chunks(values: Iterable[str]) -> Iterable[list[str]]:
    values = sorted(set(values))
    for start in range(0, len(values), IN_CHUNK):
        yield values[start : start + IN_CHUNK]


def _taken(session: Session, column, values: Iterable[str]) -> set[str]:
    """The lower-cased values of ``column`` that already exist, in a few IN queries."""
    found: set[str] = set()
    for chunk in chunks(values):
        lowered = func.lower(column)
        found.update(session.exec(select(lowered).where(lowered.in_(chunk))).all())
    return found


def _lines(rows: list[RosterRow]) -> str:
    return ", ".join(str(row.line) for row in rows)


def check_rows(session: Session, raw_rows: list[dict[str, Any]]) -> list[RosterRow]:
    """Clean and validate rows read from a roster file against each other and the database."""
    rows = [clean_row(raw) for raw in raw_rows]
    cohorts = session.exec(select(Cohort)).all()
    by_key = {_cohort_key(c.major, c.intake_year, c.class_number): c for c in cohorts}
    by_id = {c.id: c for c in cohorts}
    for row, raw in zip(rows, raw_rows, strict=True):
        _check_fields(row)
        _resolve_cohort(row, raw, by_key, by_id)
    _check_duplicates(rows)
    _check_database(session, rows)
    for row in rows:  # problems in the order of the columns
        row.errors = {name: row.errors[name] for name in ROW_FIELDS if name in row.errors}
    return rows


def _check_fields(row: RosterRow) -> None:
    number = row.student_number
    if not number:
        row.problem("student_number", _l("Enter the student number."))
    elif SCIENTIFIC_RE.match(number):
        row.problem(
            "student_number",
            _l(
                "Excel has turned this student number into scientific notation. Format the "
                "column as Text, type the numbers again and save the file."
            ),
        )
    elif not STUDENT_NUMBER_RE.match(number):
        row.problem(
            "student_number",
            _l("Use 2–32 letters, digits, dots, dashes or underscores for the student number."),
        )
    if not row.full_name:
        row.problem("full_name", _l("Enter the person's name."))
    elif len(row.full_name) > 100:
        row.problem("full_name", _l("The name is too long (at most 100 characters)."))
    if row.email:
        if len(row.email) > 254:
            row.problem("email", _l("The email address is too long."))
        problem = account_service.email_problem(row.email)
        if problem:
            row.problem("email", problem)
    if row.phone:
        digits = PHONE_SEPARATORS.sub("", row.phone)
        if not PHONE_RE.match(digits) or len(row.phone) > 32:
            row.problem("phone", _l("Enter a phone number of digits only, e.g. 13800138000."))


def _resolve_cohort(row: RosterRow, raw: dict[str, Any], by_key: dict, by_id: dict) -> None:
    if row.cohort_text:
        parts = _cohort_parts(raw)
        if parts is None:
            row.problem(
                "cohort",
                _l(
                    "Write the cohort as major, intake year and class, "
                    "e.g. 网络营销与直播电商 2024级 1班."
                ),
            )
            return
        row.cohort = by_key.get(_cohort_key(*parts))
        if row.cohort is None:
            major, year, number = parts
            row.problem(
                "cohort",
                _l(
                    "There is no cohort %(cohort)s. Create it under Cohorts first, "
                    "or correct the name.",
                    cohort=f"{major} {year}级 {number}班",
                ),
            )
    elif raw.get("cohort_id") is not None:
        row.cohort = by_id.get(raw["cohort_id"])
        if row.cohort is None:
            row.problem("cohort", _l("The cohort chosen for this upload no longer exists."))
    else:
        row.problem(
            "cohort",
            _l(
                "Enter the cohort, e.g. 网络营销与直播电商 2024级 1班, "
                "or choose one for the whole file when you upload it."
            ),
        )


def _check_duplicates(rows: list[RosterRow]) -> None:
    numbers: dict[str, list[RosterRow]] = defaultdict(list)
    emails: dict[str, list[RosterRow]] = defaultdict(list)
    for row in rows:
        if row.student_number:
            numbers[row.username].append(row)
        if row.email:
            emails[row.email.lower()].append(row)
    for same in numbers.values():
        if len(same) > 1:
            for row in same:
                row.problem(
                    "student_number",
                    _l("The same student number is on rows %(lines)s.", lines=_lines(same)),
                )
    for same in emails.values():
        if len(same) > 1:
            for row in same:
                row.problem("email", _l("The same email is on rows %(lines)s.", lines=_lines(same)))


def _check_database(session: Session, rows: list[RosterRow]) -> None:
    usernames = [row.username for row in rows if row.username]
    numbers = _taken(session, StudentProfile.student_number, usernames)
    names = _taken(session, User.username, usernames)
    emails = _taken(session, User.email, (row.email.lower() for row in rows if row.email))
    for row in rows:
        if row.username in numbers:
            row.problem(
                "student_number", _l("A student with this number is already in the system.")
            )
        elif row.username in names:
            row.problem(
                "student_number",
                _l(
                    "The username %(username)s is taken by another account.",
                    username=row.username,
                ),
            )
        if row.email and row.email.lower() in emails:
            row.problem("email", _l("Another account uses this email."))
