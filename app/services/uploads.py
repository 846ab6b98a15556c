"""Uploaded tables: the one reader behind every CSV/XLSX import (roster, graduate
outcomes, certificate results).

A file is judged by its content, never by its name or the content type the browser sent
(Windows sends ``application/vnd.ms-excel`` for a .csv, and a renamed workbook is still a
workbook):

- CSV in UTF-8, with or without a BOM, or GB18030 (a superset of the GBK that Chinese
  Excel and WPS save); the delimiter (comma, tab or semicolon) is the one under which the
  first lines name the most known columns;
- XLSX: the first sheet, through openpyxl in read-only mode, once the archive has passed
  the zip-bomb checks (members, unpacked total, compression ratio). Those checks trust the
  sizes the archive declares, which is safe because openpyxl reads every member through
  ``zipfile``, and ``zipfile`` never inflates a member past its declared size.

Each import describes itself with a ``Layout`` (its header spellings and messages); every
problem is a ``FormErrors`` on the ``file`` field saying what to do. Routers read the
upload with ``read_upload`` so that the size ceiling lives here only. Nothing here touches
the database.
"""

import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Protocol

from app.errors import FormErrors
from app.i18n import N_
from app.i18n import lazy_gettext as _l

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_COLUMNS = 40  # cells to the right of this are not read
MAX_CELL_CHARS = 1000  # longer cells are cut here, above every field's own limit, so the
# row checks still report them as too long
HEADER_SEARCH_ROWS = 10  # a title line or two above the header row is allowed
MAX_BLANK_RUN = 2000  # stop reading after this many empty rows in a row
MAX_XLSX_UNPACKED_BYTES = 64 * 1024 * 1024
MAX_XLSX_MEMBERS = 500  # a workbook has a dozen; thousands mean something else
MAX_XLSX_RATIO = 100  # unpacked : packed of one member; real sheets are 5-20
RATIO_FROM_BYTES = 1024 * 1024  # small members may compress as well as they like

DELIMITERS = (",", "\t", ";")
TOO_MANY_ROWS = N_("The file has more than %(max)s rows. Split it into smaller files.")

_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0"  # .xls, .doc, .et: the old binary Office formats
# Other formats people pick by mistake: PDF, PNG, JPEG, GIF, RAR, 7-Zip, gzip.
_NOT_TABLES = (b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"Rar!", b"7z\xbc\xaf", b"\x1f\x8b")
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
# Never in a text file; in UTF-8 and GB18030 alike these bytes only ever stand for
# themselves, so finding one in the raw bytes means the file is not text.
_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_BRACKETED = re.compile(r"[（(\[【].*?[)）\]】]")
_WEB_PAGE = ("<!doctype html", "<html", "<table", "<?xml")  # "xls" that web systems export

EMPTY = N_("The file is empty. Choose the file and upload it again.")
TOO_LARGE = N_("The file is larger than %(mb)s MB. Split it into smaller files.")
OLD_EXCEL = N_(
    "Old Excel files (.xls) cannot be read. In Excel, save the file as “Excel Workbook "
    "(.xlsx)” or “CSV UTF-8” and upload that."
)
NOT_A_TABLE = N_(
    "This file is neither a CSV file nor an Excel workbook (.xlsx). Download the template, "
    "fill it in and upload it as .xlsx or .csv."
)
UNDECODABLE = N_(
    "The text of this file could not be decoded: it is neither a CSV file in UTF-8 or "
    "GB18030 nor an Excel workbook (.xlsx). In Excel, save it as “CSV UTF-8” and upload that."
)
BAD_CSV_LINE = N_(
    "Line %(line)s of the CSV file cannot be read. Check the quotes on that line, or save "
    "the file from Excel again."
)
BAD_WORKBOOK = N_(
    "This file looks like an Excel workbook but cannot be opened. Open it in Excel, save it "
    "as .xlsx again and upload it, or upload a CSV file."
)
UNPACKS_TOO_LARGE = N_(
    "The workbook is too large once unpacked. Split it into smaller files, or save it as CSV."
)
EMPTY_SHEET = N_(
    "The first sheet of the workbook is empty. Put the rows on the first sheet and upload it again."
)


@dataclass(frozen=True)
class Layout:
    """What one import expects of a file: header spellings per field, the fields the
    header row must name, and its own messages (msgids; ``too_many`` takes ``%(max)s``)."""

    aliases: Mapping[str, tuple[str, ...]]
    required: frozenset[str]
    no_header: str  # say which columns the header row must name
    no_rows: str  # a header row with nothing under it
    too_many: str = TOO_MANY_ROWS


@dataclass
class Table:
    """The data rows of a file, {"line": n, <field>: text, ...}, blank rows left out."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)  # fields the header row names
    ignored_columns: list[str] = field(default_factory=list)  # header cells naming none


class Upload(Protocol):
    """What ``read_upload`` needs of an upload (FastAPI's ``UploadFile`` has it)."""

    filename: str | None
    file: Any


def read_upload(upload: Upload | None, *, missing: Any) -> bytes:
    """The bytes of an uploaded file, at most one past the ceiling (``read_table`` then
    refuses it), or ``FormErrors`` with ``missing`` on ``file`` when none was chosen."""
    if upload is None or not upload.filename:
        raise FormErrors({"file": missing})
    return upload.file.read(MAX_FILE_BYTES + 1)


def read_table(content: bytes, *, layout: Layout, max_rows: int) -> Table:
    """The rows of an uploaded CSV or XLSX under its header row, or ``FormErrors``."""
    if not content:
        raise _refuse(EMPTY)
    if len(content) > MAX_FILE_BYTES:
        raise _refuse(TOO_LARGE, mb=MAX_FILE_BYTES // (1024 * 1024))
    lookup = {
        header_key(alias): name for name, aliases in layout.aliases.items() for alias in aliases
    }
    if content.startswith(_ZIP):
        return _collect(_xlsx_lines(content), layout, lookup, max_rows, empty=EMPTY_SHEET)
    if content.startswith(_OLE):
        raise _refuse(OLD_EXCEL)
    if content.startswith(_NOT_TABLES):
        raise _refuse(NOT_A_TABLE)
    return _collect(_csv_lines(content, lookup), layout, lookup, max_rows, empty=EMPTY)


def header_key(value: str) -> str:
    """A header cell as compared with the aliases: width and case folded, spaces, "_",
    "*", ":" and notes in brackets gone (“学号*”, “姓名（必填）”, "Student No" all match)."""
    text = unicodedata.normalize("NFKC", value).strip().lower()
    text = _BRACKETED.sub("", text)
    return re.sub(r"[\s_*:：]+", "", text)


def cell_text(value: Any) -> str:
    """A cell as text: Excel numbers without ".0", dates as ISO, cut at MAX_CELL_CHARS."""
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
    return str(value).strip()[:MAX_CELL_CHARS]


def _refuse(msgid: str, **params: Any) -> FormErrors:
    return FormErrors({"file": _l(msgid, **params)})


def _collect(
    lines: Iterable[tuple[int, list[Any]]],
    layout: Layout,
    lookup: dict[str, str],
    max_rows: int,
    *,
    empty: str,
) -> Table:
    """Find the header row among the first non-blank rows, then keep the rows under it."""
    table = Table()
    header: dict[int, str] | None = None
    seen = blank_run = 0
    for line, cells in lines:
        texts = [cell_text(c) for c in cells[:MAX_COLUMNS]]
        if not any(texts):
            blank_run += 1
            if blank_run > MAX_BLANK_RUN:
                break
            continue
        blank_run = 0
        if header is None:
            seen += 1
            header = _header(texts, lookup, layout.required, table)
            if header is None and seen >= HEADER_SEARCH_ROWS:
                break
            continue
        row: dict[str, Any] = {
            name: texts[i] for i, name in header.items() if i < len(texts) and texts[i]
        }
        if not row:
            continue
        if len(table.rows) >= max_rows:
            raise _refuse(layout.too_many, max=max_rows)
        row["line"] = line
        table.rows.append(row)
    if not seen:
        raise _refuse(empty)
    if header is None:
        raise _refuse(layout.no_header)
    if not table.rows:
        raise _refuse(layout.no_rows)
    return table


def _header(
    texts: list[str], lookup: dict[str, str], required: frozenset[str], table: Table
) -> dict[int, str] | None:
    """Column index → field when this row is the header (it names every required field);
    a field named twice is read from its first column."""
    found: dict[int, str] = {}
    ignored: list[str] = []
    for index, text in enumerate(texts):
        name = lookup.get(header_key(text))
        if name and name not in found.values():
            found[index] = name
        elif text:
            ignored.append(text)
    if not required <= set(found.values()):
        return None
    table.columns = list(found.values())
    table.ignored_columns = ignored
    return found


# --- CSV ------------------------------------------------------------------------------


def _decode(content: bytes) -> str:
    if content.startswith(_UTF16_BOMS):  # Excel's “Unicode Text”
        raise _refuse(UNDECODABLE)
    if _CONTROL.search(content):
        raise _refuse(NOT_A_TABLE)
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
        except UnicodeDecodeError:
            continue
        if text.lstrip()[:20].lower().startswith(_WEB_PAGE):
            raise _refuse(OLD_EXCEL)
        return text
    raise _refuse(UNDECODABLE)


def _csv_lines(content: bytes, lookup: dict[str, str]) -> Iterator[tuple[int, list[str]]]:
    text = _decode(content)
    first_lines = text.splitlines()[:HEADER_SEARCH_ROWS]

    def known(delimiter: str) -> int:
        return sum(
            header_key(cell) in lookup for line in first_lines for cell in line.split(delimiter)
        )

    reader = csv.reader(io.StringIO(text, newline=""), delimiter=max(DELIMITERS, key=known))
    try:
        for cells in reader:
            yield reader.line_num, cells
    except csv.Error:
        raise _refuse(BAD_CSV_LINE, line=reader.line_num) from None


# --- XLSX -----------------------------------------------------------------------------


def _check_archive(content: bytes) -> None:
    """Refuse what is not a workbook, and zip bombs, before openpyxl unpacks anything."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise _refuse(BAD_WORKBOOK) from None
    names = {info.filename for info in members}
    if "[Content_Types].xml" in names and not any(n.startswith("xl/") for n in names):
        raise _refuse(NOT_A_TABLE)  # a Word or PowerPoint file
    too_large = (
        len(members) > MAX_XLSX_MEMBERS
        or sum(info.file_size for info in members) > MAX_XLSX_UNPACKED_BYTES
        or any(
            info.file_size > RATIO_FROM_BYTES
            and info.file_size > MAX_XLSX_RATIO * max(info.compress_size, 1)
            for info in members
        )
    )
    if too_large:
        raise _refuse(UNPACKS_TOO_LARGE)


def _xlsx_lines(content: bytes) -> Iterator[tuple[int, list[Any]]]:
    from openpyxl import load_workbook

    _check_archive(content)
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds of errors on damaged files
        raise _refuse(BAD_WORKBOOK) from None
    try:
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(min_row=1, max_col=MAX_COLUMNS, values_only=True)
        for line, values in enumerate(rows, start=1):
            yield line, list(values)
    except Exception:
        raise _refuse(BAD_WORKBOOK) from None
    finally:
        workbook.close()
