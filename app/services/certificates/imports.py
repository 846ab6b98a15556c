"""Bulk issue of certificates from a CSV/XLSX of exam results: upload, preview every row
with its problems, then issue all of them or none.

Files are read by ``app.services.uploads`` (encodings, XLSX safety limits, cell text).
Rows are kept in a ``CertificateImport`` so any worker can show or commit them;
they are checked again inside the committing transaction.
"""

import os
from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session, select

from app.errors import Conflict, FormErrors, Invalid, NotFound
from app.i18n import N_
from app.i18n import lazy_gettext as _l
from app.models import StudentProfile, User
from app.models.certificates import AwardSource, CertificateAward, CertificateImport
from app.models.curriculum import CertificateType
from app.schemas.certificates import ImportForm
from app.schemas.times import parse_local_date
from app.services import uploads
from app.services.certificates import awards as certificate_service
from app.services.certificates import eligibility

MAX_ROWS = 2000
PASS_WORDS = {"通过", "合格", "pass", "passed", "是", "y", "yes", "1", "true"}
FAIL_WORDS = {"不通过", "不合格", "未通过", "fail", "failed", "否", "n", "no", "0", "false"}
HEADER_ALIASES = {
    "student_number": ("学号", "考生学号", "studentnumber", "studentno", "studentid"),
    "full_name": ("姓名", "考生姓名", "fullname", "name"),
    "result": ("结果", "考核结果", "是否通过", "result", "passed"),
    "score": ("成绩", "分数", "总分", "score"),
    "number": ("证书编号", "编号", "certificatenumber", "number"),
    "issued_on": ("发证日期", "颁发日期", "issuedon", "issuedate"),
}
LAYOUT = uploads.Layout(
    aliases=HEADER_ALIASES,
    required=frozenset({"student_number"}),
    no_header=N_("No header row found: the first row must name the columns, with 学号."),
    no_rows=N_("The file has a header row but no results under it."),
)
TEMPLATE_HEADERS = ("学号", "姓名", "结果", "成绩", "证书编号", "发证日期")
TEMPLATE_EXAMPLE = ("2024010101", "张三", "通过", "86", "", "")
REJECTED = N_("Nothing was issued: some rows have problems. Correct them and upload again.")


class ImportRejected(Invalid):
    def __init__(self, preview: "ImportPreview") -> None:
        super().__init__(REJECTED)
        self.preview = preview


@dataclass
class ImportRow:
    line: int
    cells: dict
    student: User | None = None
    skipped: bool = False  # failed the exam: not issued, not an error
    errors: list = field(default_factory=list)


@dataclass
class ImportPreview:
    record: CertificateImport
    certificate: CertificateType
    rows: list[ImportRow]

    @property
    def error_rows(self) -> list[ImportRow]:
        return [r for r in self.rows if r.errors]

    @property
    def to_issue(self) -> list[ImportRow]:
        return [r for r in self.rows if not r.errors and not r.skipped]


def read_results(content: bytes) -> list[dict]:
    """Rows of a results file as {"line": n, field: text}, or FormErrors on ``file``."""
    return uploads.read_table(content, layout=LAYOUT, max_rows=MAX_ROWS).rows


def create_import(
    session: Session, *, actor: User, form: ImportForm, filename: str, content: bytes
):
    errors: dict = {}
    cert = session.get(CertificateType, form.certificate_type_id)
    if cert is None:
        errors["certificate_type_id"] = _l("Choose a certificate from the list.")
    try:
        rows = read_results(content)
    except FormErrors as exc:
        errors.update(exc.errors)
        rows = []
    if errors:
        raise FormErrors(errors)
    record = CertificateImport(
        certificate_type_id=cert.id,
        level=form.level,
        issued_on=form.issued_on,
        filename=os.path.basename((filename or "").replace("\\", "/"))[:255],
        rows=rows,
        created_by_id=actor.id,
    )
    session.add(record)
    session.flush()
    return record


def _row_date(text: str | None) -> date | None:
    """A row's own issue date, or None when it gives none or a bad one."""
    try:
        return parse_local_date(text) if text else None
    except ValueError:
        return None


def _check(session: Session, record: CertificateImport) -> list[ImportRow]:
    """Every row with its problems (5 statements + eligibility per issuable row)."""
    rows = [ImportRow(line=r.get("line", 0), cells=r) for r in record.rows]
    numbers = [r.cells.get("student_number", "") for r in rows]
    students = dict(
        session.exec(
            select(StudentProfile.student_number, User)
            .join(User, User.id == StudentProfile.user_id)
            .where(StudentProfile.student_number.in_([n for n in numbers if n]))
        ).all()
    )
    wanted = [r.cells["number"] for r in rows if r.cells.get("number")]
    taken = (
        set(
            session.exec(
                select(CertificateAward.number).where(CertificateAward.number.in_(wanted))
            ).all()
        )
        if wanted
        else set()
    )
    seen_students: set[str] = set()
    seen_numbers: set[str] = set()
    for row in rows:
        cells = row.cells
        number = cells.get("student_number", "")
        result = (cells.get("result") or "").strip().lower()
        if result and result in FAIL_WORDS:
            row.skipped = True
            continue
        if result and result not in PASS_WORDS:
            row.errors.append(_l("Write the result as 通过 or 不通过."))
        student = students.get(number)
        if not number:
            row.errors.append(_l("The student number is missing."))
        elif student is None:
            row.errors.append(_l("No student has the number %(n)s.", n=number))
        elif cells.get("full_name") and cells["full_name"] != student.full_name:
            row.errors.append(
                _l("The name does not match the student number (%(name)s).", name=student.full_name)
            )
        if number in seen_students:
            row.errors.append(_l("This student appears twice in the file."))
        seen_students.add(number)
        wanted_number = cells.get("number", "")
        if wanted_number:
            if len(wanted_number) > 40:
                row.errors.append(_l("The certificate number is longer than 40 characters."))
            elif wanted_number in taken or wanted_number in seen_numbers:
                row.errors.append(
                    _l("The certificate number %(n)s is already used.", n=wanted_number)
                )
            seen_numbers.add(wanted_number)
        if cells.get("issued_on") and _row_date(cells["issued_on"]) is None:
            row.errors.append(_l("The issue date must be written as YYYY-MM-DD."))
        row.student = student
        if student is not None and not row.errors:
            check = eligibility.check_eligibility(
                session,
                student_id=student.id,
                type_id=record.certificate_type_id,
                level=record.level,
                on=record.issued_on,
            )
            row.errors.extend(check.problems)
    return rows


def get_preview(session: Session, *, import_id: int) -> ImportPreview:
    record = session.get(CertificateImport, import_id)
    if record is None:
        raise NotFound("This import does not exist.")
    return ImportPreview(
        record, session.get(CertificateType, record.certificate_type_id), _check(session, record)
    )


def commit_import(session: Session, *, actor: User, import_id: int) -> int:
    """Issue a certificate for every passing row, or none when any row has a problem."""
    preview = get_preview(session, import_id=import_id)
    record = preview.record
    if record.status != "preview":
        raise Conflict("This import has already been issued.")
    if preview.error_rows:
        raise ImportRejected(preview)
    for row in preview.to_issue:
        issued_on = _row_date(row.cells.get("issued_on")) or record.issued_on
        certificate_service.issue_award(
            session,
            actor=actor,
            student=row.student,
            type_id=record.certificate_type_id,
            level=record.level,
            issued_on=issued_on,
            source=AwardSource.bulk.value,
            number=row.cells.get("number") or None,
        )
    record.status = "committed"
    record.issued_count = len(preview.to_issue)
    session.add(record)
    session.flush()
    return record.issued_count
