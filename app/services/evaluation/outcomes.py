"""Graduate outcomes: entered one by one by administrators, or imported from a CSV/XLSX
file — upload, preview every row with its problems, then write all rows or none.

Files are read by ``app.services.uploads`` (encodings, XLSX safety limits)."""

import os
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, select

from app.errors import Conflict, FormErrors, Invalid, NotFound
from app.i18n import N_
from app.i18n import lazy_gettext as _l
from app.models import Cohort, StudentProfile, User
from app.models.base import utcnow
from app.models.evaluation import GraduateOutcome, OutcomeImport
from app.schemas.base import FormValues
from app.schemas.evaluation import OutcomeForm
from app.services import uploads
from app.services.clock import today
from app.services.evaluation.scheme import OUTCOMES
from app.services.pagination import Page, paginate

MAX_ROWS = 5000
HEADERS: dict[str, tuple[str, ...]] = {
    "student_number": ("学号", "studentnumber", "studentno", "studentid"),
    "full_name": ("姓名", "name", "fullname", "studentname"),
    "outcome": ("去向", "毕业去向", "outcome", "destination"),
    "organisation": (
        "单位",
        "单位名称",
        "企业",
        "店铺",
        "创业项目",
        "organisation",
        "organization",
        "company",
        "business",
    ),
    "outcome_on": ("日期", "去向日期", "date", "outcomedate", "outcomeon"),
    "note": ("备注", "note", "notes"),
}
OUTCOME_WORDS = {
    "自主创业": "self_employed",
    "创业": "self_employed",
    "自雇": "self_employed",
    "行业内就业": "employed_trade",
    "行业就业": "employed_trade",
    "本行业就业": "employed_trade",
    "其他行业就业": "employed_other",
    "其他就业": "employed_other",
    "升学": "further_study",
    "其他": "other",
    **{value: value for value in OUTCOMES},
    **{value.replace("_", ""): value for value in OUTCOMES},
}
TEMPLATE_HEADERS = ("学号", "姓名", "去向", "单位", "日期", "备注")
TEMPLATE_EXAMPLE = ("2024010101", "张三", "自主创业", "温州好物直播工作室", "2027-07-01", "")
REJECTED = N_(
    "Nothing was imported: some rows have problems. Correct them in the file and upload it again."
)


def _key(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).strip().lower()
    return re.sub(r"[\s_*:：()（）]+", "", text)


def _date(text: str) -> date | None:
    text = text.strip().replace("/", "-").replace(".", "-")
    try:
        return date.fromisoformat(text[:10]) if text else None
    except ValueError:
        return None


def _check(values: dict[str, str], errors: dict, students: dict[str, tuple[User, StudentProfile]]):
    """Field errors of one outcome (form or file row); returns (student, outcome, date)."""
    number = values.get("student_number", "").strip()
    found = students.get(number)
    if not number:
        errors["student_number"] = _l("Enter the student number.")
    elif found is None:
        errors["student_number"] = _unknown_student(number)
    elif values.get("full_name") and values["full_name"].strip() != found[0].full_name:
        errors["full_name"] = _l(
            "The name does not match the student %(n)s (%(name)s).",
            n=number,
            name=found[0].full_name,
        )
    outcome = OUTCOME_WORDS.get(_key(values.get("outcome", "")))
    if outcome is None:
        errors["outcome"] = _l(
            "Choose an outcome: 自主创业, 行业内就业, 其他行业就业, 升学 or 其他."
        )
    on = _date(values.get("outcome_on", ""))
    if on is None:
        errors["outcome_on"] = _l("Enter the date as YYYY-MM-DD.")
    elif on > today() or on.year < 2000:
        errors["outcome_on"] = _l("The date cannot be in the future or before 2000.")
    if len(values.get("organisation", "")) > 200:
        errors["organisation"] = _l("Keep the organisation under 200 characters.")
    if len(values.get("note", "")) > 500:
        errors["note"] = _l("Keep the note under 500 characters.")
    return (found[0] if found else None), outcome, on


def _unknown_student(number: str) -> Any:
    return _l("No student has the number %(n)s.", n=number)


def _students_by_number(session: Session, numbers: list[str]):
    numbers = sorted({n for n in numbers if n})
    found: dict[str, tuple[User, StudentProfile]] = {}
    for start in range(0, len(numbers), 900):
        for user, profile in session.exec(
            select(User, StudentProfile)
            .join(StudentProfile, StudentProfile.user_id == User.id)
            .where(StudentProfile.student_number.in_(numbers[start : start + 900]))  # type: ignore[attr-defined]
        ).all():
            found[profile.student_number] = (user, profile)
    return found


def _upsert(session: Session, items: list[tuple[User, str, date, str, str]], actor_id: int):
    existing = (
        {
            o.student_id: o
            for o in session.exec(
                select(GraduateOutcome).where(
                    GraduateOutcome.student_id.in_([u.id for u, *_ in items])  # type: ignore[attr-defined]
                )
            ).all()
        }
        if items
        else {}
    )
    for user, outcome, on, organisation, note in items:
        record = existing.get(user.id) or GraduateOutcome(
            student_id=user.id, outcome=outcome, outcome_on=on
        )
        record.outcome, record.outcome_on = outcome, on
        record.organisation, record.note = organisation, note
        record.recorded_by_id, record.updated_at = actor_id, utcnow()
        session.add(record)
    session.flush()


def save_outcome(session: Session, *, actor: User, form: OutcomeForm) -> GraduateOutcome:
    """Record (or replace) one student's outcome."""
    found = _students_by_number(session, [form.student_number]).get(form.student_number)
    if found is None:
        raise FormErrors({"student_number": _unknown_student(form.student_number)})
    user = found[0]
    item = (user, str(form.outcome), form.outcome_on, form.organisation, form.note)
    _upsert(session, [item], actor.id)
    return session.exec(select(GraduateOutcome).where(GraduateOutcome.student_id == user.id)).one()


def outcome_form(session: Session, *, outcome_id: int) -> FormValues:
    """A recorded outcome as the form shows it, for correcting it."""
    record, _student, profile = get_outcome(session, outcome_id=outcome_id)
    return OutcomeForm.initial(
        student_number=profile.student_number,
        outcome=record.outcome,
        organisation=record.organisation,
        outcome_on=record.outcome_on.isoformat(),
        note=record.note,
    )


def delete_outcome(session: Session, *, outcome_id: int) -> None:
    record = session.get(GraduateOutcome, outcome_id)
    if record is None:
        raise NotFound("This outcome does not exist.")
    session.delete(record)
    session.flush()


def get_outcome(
    session: Session, *, outcome_id: int
) -> tuple[GraduateOutcome, User, StudentProfile]:
    row = session.exec(
        select(GraduateOutcome, User, StudentProfile)
        .join(User, User.id == GraduateOutcome.student_id)
        .join(StudentProfile, StudentProfile.user_id == User.id)
        .where(GraduateOutcome.id == outcome_id)
    ).first()
    if row is None:
        raise NotFound("This outcome does not exist.")
    return row


def list_outcomes(session: Session, *, cohort_id: int | None, page: int, per_page: int) -> Page:
    query = (
        select(GraduateOutcome, User, StudentProfile, Cohort)
        .join(User, User.id == GraduateOutcome.student_id)
        .join(StudentProfile, StudentProfile.user_id == User.id)
        .outerjoin(Cohort, Cohort.id == StudentProfile.cohort_id)
        .order_by(StudentProfile.student_number)
    )
    if cohort_id is not None:
        query = query.where(StudentProfile.cohort_id == cohort_id)
    items, total = paginate(session, query, page=page, per_page=per_page)
    return Page(
        items=items,
        total=total,
        number=min(page, max(1, -(-total // per_page))),
        per_page=per_page,
        base_path="/outcomes",
        query={"cohort_id": cohort_id} if cohort_id else {},
    )


# --- imports ---------------------------------------------------------------------------


@dataclass
class PreviewRow:
    line: int
    values: dict[str, str]
    errors: dict[str, Any] = field(default_factory=dict)
    outcome: str | None = None


@dataclass
class ImportPreview:
    record: OutcomeImport
    rows: list[PreviewRow]

    @property
    def error_rows(self) -> list[PreviewRow]:
        return [row for row in self.rows if row.errors]


class OutcomesRejected(Invalid):
    def __init__(self, preview: ImportPreview) -> None:
        super().__init__(REJECTED)
        self.preview = preview


LAYOUT = uploads.Layout(
    aliases=HEADERS,
    required=frozenset({"student_number", "outcome", "outcome_on"}),
    no_header=N_(
        "No header row found: the file needs the columns 学号, 去向 and 日期 "
        "(and optionally 姓名, 单位, 备注). Download the template."
    ),
    no_rows=N_("The file has a header row but no outcomes under it."),
)


def read_outcomes(content: bytes) -> list[dict[str, Any]]:
    """Rows of an outcomes file as {"line": n, field: text}, or ``FormErrors`` on ``file``."""
    return uploads.read_table(content, layout=LAYOUT, max_rows=MAX_ROWS).rows


def create_import(
    session: Session, *, actor_id: int, filename: str, content: bytes
) -> OutcomeImport:
    rows = read_outcomes(content)
    record = OutcomeImport(
        filename=os.path.basename(filename.replace("\\", "/"))[:255],
        rows=rows,
        row_count=len(rows),
        created_by_id=actor_id,
    )
    session.add(record)
    session.flush()
    return record


def _get_import(session: Session, import_id: int) -> OutcomeImport:
    record = session.get(OutcomeImport, import_id)
    if record is None:
        raise NotFound("This outcomes import does not exist. Upload the file again.")
    return record


def _checked(session: Session, record: OutcomeImport) -> list[PreviewRow]:
    students = _students_by_number(
        session, [str(r.get("student_number", "")).strip() for r in record.rows]
    )
    seen: dict[str, int] = {}
    rows = []
    for raw in record.rows:
        values = {k: str(v) for k, v in raw.items() if k != "line"}
        row = PreviewRow(int(raw.get("line", 0)), values)
        user, row.outcome, _on = _check(values, row.errors, students)
        number = values.get("student_number", "").strip()
        if number and number in seen:
            row.errors["student_number"] = _l(
                "The student %(n)s appears twice (also on line %(line)s).",
                n=number,
                line=seen[number],
            )
        seen.setdefault(number, row.line)
        rows.append(row)
    return rows


def preview_import(session: Session, *, import_id: int) -> ImportPreview:
    record = _get_import(session, import_id)
    return ImportPreview(record, _checked(session, record))


def discard_import(session: Session, *, import_id: int) -> None:
    record = _get_import(session, import_id)
    if record.status != "preview":
        raise Conflict("This file has been imported already.")
    session.delete(record)
    session.flush()


def commit_import(session: Session, *, import_id: int, actor_id: int) -> int:
    """Write every outcome of the import, or none when any row has a problem."""
    record = _get_import(session, import_id)
    claimed = session.exec(
        update(OutcomeImport)
        .where(OutcomeImport.id == import_id, OutcomeImport.status == "preview")
        .values(status="committed")
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        raise Conflict("This file has been imported already.")
    rows = _checked(session, record)
    if any(row.errors for row in rows):
        raise OutcomesRejected(ImportPreview(record, rows))
    students = _students_by_number(
        session, [r.values.get("student_number", "").strip() for r in rows]
    )
    items = []
    for row in rows:
        user = students[row.values["student_number"].strip()][0]
        items.append(
            (
                user,
                row.outcome,
                _date(row.values["outcome_on"]),
                row.values.get("organisation", "")[:200],
                row.values.get("note", "")[:500],
            )
        )
    _upsert(session, items, actor_id)
    return len(items)
