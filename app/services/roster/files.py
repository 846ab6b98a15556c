"""Roster files: read an uploaded CSV or XLSX into rows of text cells (app/exports/templates.py
writes the blank template from TEMPLATE_HEADERS and TEMPLATE_EXAMPLE).

Nothing here touches the database. A file that cannot be read raises ``FormErrors`` on
the ``file`` field with a message the administrator can act on.
"""

import csv
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from app.errors import FormErrors
from app.i18n import lazy_gettext as _l

MAX_FILE_BYTES = 2 * 1024 * 1024
# Committing costs one Argon2 hash per student (~165 ms of CPU each with the app's
# parameters), so a 1000-row commit takes about 80 s on 2 cores and 20 s on 8.
MAX_ROWS = 1000
MAX_CELL_CHARS = 300  # longer cells are cut here; validation then reports them as too long
MAX_COLUMNS = 40
HEADER_SEARCH_ROWS = 10  # a title line or two above the header row is allowed
MAX_XLSX_UNPACKED_BYTES = 64 * 1024 * 1024  # refuse zip bombs before openpyxl opens them
MAX_BLANK_RUN = 2000  # stop reading a sheet after this many empty rows in a row

FIELDS = ("student_number", "full_name", "cohort", "major", "intake_year", "class_number")
FIELDS += ("email", "phone")

# Header spellings, compared after _header_key(): case, spaces, "*", notes in brackets go.
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "student_number": ("学号", "学生编号", "studentnumber", "studentno", "studentid"),
    "full_name": ("姓名", "学生姓名", "名字", "fullname", "name", "studentname"),
    "cohort": ("班级", "行政班", "行政班级", "cohort", "class"),
    "major": ("专业", "专业名称", "major"),
    "intake_year": ("入学年份", "入学年级", "年级", "intakeyear", "intake", "year"),
    "class_number": ("班号", "班次", "classnumber", "classno"),
    "email": ("邮箱", "电子邮箱", "电子邮件", "邮件", "email", "e-mail", "mail"),
    "phone": ("手机", "手机号", "手机号码", "电话", "联系电话", "phone", "mobile", "phonenumber"),
}
_HEADER_LOOKUP = {alias: name for name, aliases in HEADER_ALIASES.items() for alias in aliases}

TEMPLATE_HEADERS = ("学号", "姓名", "班级", "邮箱", "手机")
TEMPLATE_EXAMPLE = (
    "2024010101",
    "张三",
    "网络营销与直播电商 2024级 1班",
    "zhangsan@example.com",
    "13800138000",
)

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_BRACKETED = re.compile(r"[（(\[【].*?[)）\]】]")


@dataclass
class ParsedRoster:
    """The data rows of a file: {"line": n, <field>: text, ...}, blank rows left out."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)  # fields found in the header
    ignored_columns: list[str] = field(default_factory=list)


def _file_error(message: Any) -> FormErrors:
    return FormErrors({"file": message})


def _header_key(value: str) -> str:
    text = unicodedata.normalize("NFKC", value).strip().lower()
    text = _BRACKETED.sub("", text)
    return re.sub(r"[\s_*:：]+", "", text)


def cell_text(value: Any) -> str:
    """A cell as text: Excel numbers without ".0", dates as ISO, full-width forms folded."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = value.date() if value.time() == datetime.min.time() else value
    if isinstance(value, date | datetime):
        return value.isoformat()
    text = str(value).strip()
    return text[:MAX_CELL_CHARS]


def read_roster(content: bytes) -> ParsedRoster:
    """Rows of an uploaded roster (CSV in UTF-8 or GB18030, or XLSX), or ``FormErrors``."""
    if not content:
        raise _file_error(_l("The file is empty. Choose the roster file and upload it again."))
    if len(content) > MAX_FILE_BYTES:
        raise _file_error(
            _l(
                "The file is larger than %(mb)s MB. Split the roster into smaller files.",
                mb=MAX_FILE_BYTES // (1024 * 1024),
            )
        )
    if content.startswith(b"PK\x03\x04"):
        table = _xlsx_rows(content)
    elif content.startswith(b"\xd0\xcf\x11\xe0"):
        raise _file_error(
            _l(
                "Old Excel files (.xls) cannot be read. In Excel, save the roster as "
                "“Excel Workbook (.xlsx)” or “CSV UTF-8” and upload that."
            )
        )
    else:
        table = _csv_rows(content)
    return _rows_from_table(table)


def _decode(content: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
        except UnicodeDecodeError:
            continue
        if not _CONTROL.search(text):
            return text
    raise _file_error(
        _l(
            "This file is neither a CSV file in UTF-8 or GB18030 nor an Excel workbook (.xlsx). "
            "Download the template, copy the roster into it and upload it again."
        )
    )


def _csv_rows(content: bytes):
    text = _decode(content)
    first_lines = text.splitlines()[:HEADER_SEARCH_ROWS]
    delimiter = max(
        (",", "\t", ";"),
        key=lambda d: sum(_header_key(c) in _HEADER_LOOKUP for c in _split(first_lines, d)),
    )
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for cells in reader:
            yield reader.line_num, cells[:MAX_COLUMNS]
    except csv.Error:
        raise _file_error(
            _l(
                "Line %(line)s of the CSV file cannot be read. Check the quotes on that line, "
                "or save the roster from Excel again.",
                line=reader.line_num,
            )
        ) from None


def _split(lines: list[str], delimiter: str) -> list[str]:
    cells: list[str] = []
    for line in lines:
        cells.extend(line.split(delimiter))
    return cells


def _xlsx_rows(content: bytes):
    from openpyxl import load_workbook

    unreadable = _file_error(
        _l(
            "This file looks like an Excel workbook but cannot be opened. Open it in Excel, "
            "save it as .xlsx again and upload it, or upload a CSV file."
        )
    )
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        raise unreadable from None
    if unpacked > MAX_XLSX_UNPACKED_BYTES:
        raise _file_error(_l("The workbook is too large once unpacked. Split the roster."))
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds of errors on damaged files
        raise unreadable from None
    try:
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(min_row=1, max_col=MAX_COLUMNS, values_only=True)
        blank_run = 0
        for line, values in enumerate(rows, start=1):
            if any(v not in (None, "") for v in values):
                blank_run = 0
                yield line, list(values)
            else:
                blank_run += 1
                if blank_run > MAX_BLANK_RUN:
                    break
    except Exception:
        raise unreadable from None
    finally:
        workbook.close()


def _rows_from_table(table) -> ParsedRoster:
    parsed = ParsedRoster()
    header: dict[int, str] | None = None
    seen = 0
    for line, cells in table:
        texts = [cell_text(c) for c in cells]
        if header is None:
            if not any(texts):
                continue
            seen += 1
            header = _header(texts, parsed)
            if header is None:
                if seen >= HEADER_SEARCH_ROWS:
                    break
                continue
            continue
        row = {name: texts[i] for i, name in header.items() if i < len(texts) and texts[i]}
        if not row:
            continue
        if len(parsed.rows) >= MAX_ROWS:
            raise _file_error(
                _l(
                    "The file has more than %(max)s students. Split it into smaller files.",
                    max=MAX_ROWS,
                )
            )
        row["line"] = line
        parsed.rows.append(row)
    if header is None:
        raise _file_error(
            _l(
                "No header row found. The first row must name the columns: 学号 (student number), "
                "姓名 (name), 班级 (cohort), and optionally 邮箱 (email) and 手机 (phone). "
                "Download the template to see them."
            )
        )
    if not parsed.rows:
        raise _file_error(
            _l("The file has a header row but no students. Add one row per student under it.")
        )
    return parsed


def _header(texts: list[str], parsed: ParsedRoster) -> dict[int, str] | None:
    """Column index → field, when this row is the header (it names 学号 and 姓名)."""
    found: dict[int, str] = {}
    ignored: list[str] = []
    for index, text in enumerate(texts):
        name = _HEADER_LOOKUP.get(_header_key(text))
        if name and name not in found.values():
            found[index] = name
        elif text:
            ignored.append(text)
    if not {"student_number", "full_name"} <= set(found.values()):
        return None
    parsed.columns = list(found.values())
    parsed.ignored_columns = ignored
    return found
