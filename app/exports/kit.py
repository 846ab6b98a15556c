"""The export kit: every CSV, XLSX and PDF the app offers is written through here.

- One formula guard, ``looks_like_formula``: text a spreadsheet could run as a formula
  starts with = + - @ (or their full-width forms ＝＋－＠), after any spaces, tabs or line
  breaks, or starts with a tab or a line break itself.
- CSV: UTF-8 with a BOM (so Excel shows Chinese), the csv module, the guard on every
  text cell (a leading apostrophe, the only guard plain text can carry); numbers stay
  numbers.
- XLSX (openpyxl, write-only so memory stays flat): text is always a string cell, never
  a formula; text that looks like a formula also gets the cell style ``quotePrefix``, so
  Excel and LibreOffice show it as typed, with no apostrophe, and never evaluate it.
- PDF: a Jinja template rendered by WeasyPrint.

Writers pass raw user text; the kit guards it. Codes (stages, awards, outcomes…) are
turned into labels by the writers with ``label`` or ``bilingual``, never shown raw.
"""

import csv
import io
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import nullcontext
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from app.i18n import gettext, translations_for

MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}
FORMULA_TRIGGERS = ("=", "+", "-", "@", "＝", "＋", "－", "＠")
_SKIPPED = " \t\r\n\u00a0\u3000"  # what a spreadsheet may pass over before a formula
_BREAKS = ("\t", "\r", "\n")
# Characters XML 1.0 (and so XLSX) cannot hold; openpyxl refuses them.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")

Progress = Callable[[float], None] | None


def looks_like_formula(text: str) -> bool:
    """Whether a spreadsheet could read this text as a formula (the one guard's test)."""
    return text.startswith(_BREAKS) or text.lstrip(_SKIPPED).startswith(FORMULA_TRIGGERS)


def neutralise(value: Any) -> Any:
    """A CSV cell made inert: formula-looking text gets a leading apostrophe, as OWASP
    advises for plain text; numbers and everything else pass through."""
    if isinstance(value, str) and looks_like_formula(value):
        return "'" + value
    return value


def clean(text: str) -> str:
    """Text without the control characters a file format cannot carry."""
    return _ILLEGAL.sub("", text)


def _plain(value: Any) -> Any:
    """A cell value: numbers stay numbers, dates become ISO text, labels become text."""
    if value is None:
        return ""
    if isinstance(value, bool | int | float | Decimal):
        return value
    if isinstance(value, datetime | date):
        return value.isoformat()
    return clean(str(value))


# --- labels ----------------------------------------------------------------------------


def label(labels: Mapping, code: Any) -> str:
    """The label of a code in the active language; an unknown code is shown as it is."""
    if code is None or code == "":
        return ""
    return gettext(labels[code]) if code in labels else str(code)


def bilingual(msgid: str) -> str:
    """Chinese and English side by side ("社团 Club"), for documents filed bilingually."""
    chinese = translations_for("zh_CN").gettext(msgid)
    return msgid if chinese == msgid else f"{chinese} {msgid}"


# --- CSV -------------------------------------------------------------------------------


def csv_bytes(header: Sequence, rows: Iterable[Sequence]) -> bytes:
    """A CSV file, UTF-8 with a BOM, every text cell through the guard."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralise(_plain(v)) for v in header])
    for row in rows:
        writer.writerow([neutralise(_plain(v)) for v in row])
    return buffer.getvalue().encode("utf-8-sig")


# --- XLSX ------------------------------------------------------------------------------

STYLES = ("bold", "heading", "title")


class Sheet:
    """One worksheet of a ``Book``: rows go in with ``append``, in order."""

    def __init__(self, book: "Book", ws) -> None:
        self._book, self._ws = book, ws

    def append(self, values: Iterable, style: str | None = None) -> None:
        """A row; ``style`` is one of ``STYLES`` for every cell of it."""
        self._ws.append([self._book.cell(self._ws, v, style) for v in values])


class Book:
    """An XLSX workbook written row by row (openpyxl write-only)."""

    def __init__(self, *, created: datetime | None = None) -> None:
        from openpyxl import Workbook
        from openpyxl.styles import Alignment, Font, PatternFill

        self.workbook = Workbook(write_only=True)
        if created is not None:  # the same content gives the same file
            self.workbook.properties.created = created
            self.workbook.properties.modified = created
        self._styles = {
            "bold": {"font": Font(bold=True)},
            "heading": {
                "font": Font(bold=True),
                "fill": PatternFill("solid", fgColor="F0F2F6"),
                "alignment": Alignment(wrap_text=True, vertical="center"),
            },
            "title": {"font": Font(bold=True, size=14)},
        }

    def sheet(
        self,
        title: str,
        header: Sequence | None = None,
        *,
        widths: Iterable[float] = (),
        freeze: str | None = None,
        text_columns: Iterable[str] = (),
        style: str = "bold",
    ) -> Sheet:
        """A new sheet: column widths, frozen panes and text columns (whose empty cells
        take what is typed as text, keeping leading zeros) are set before any row; then
        the header row, when given, in ``style``."""
        from openpyxl.utils import get_column_letter

        ws = self.workbook.create_sheet(title[:31])
        for index, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(index)].width = width
        for letter in text_columns:
            ws.column_dimensions[letter].number_format = "@"
        if freeze:
            ws.freeze_panes = freeze
        sheet = Sheet(self, ws)
        if header is not None:
            sheet.append(header, style)
        return sheet

    def cell(self, ws, value: Any, style: str | None = None):
        """A cell: text is a string cell (never a formula), formula-looking text is
        quote-prefixed; numbers stay numbers."""
        value = _plain(value)
        if not isinstance(value, str) and style is None:
            return value
        from openpyxl.cell import WriteOnlyCell

        cell = WriteOnlyCell(ws, value=value)
        if isinstance(value, str):
            cell.data_type = "s"
            if looks_like_formula(value):
                cell.quotePrefix = True
        for name, attribute in self._styles.get(style, {}).items():
            setattr(cell, name, attribute)
        return cell

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        self.workbook.save(buffer)
        return buffer.getvalue()


def xlsx_bytes(sheets: Iterable[tuple[str, Sequence, Iterable[Sequence]]]) -> bytes:
    """A workbook of plain sheets, (title, header, rows) each: header bold and frozen."""
    book = Book()
    for title, header, rows in sheets:
        sheet = book.sheet(title, header, freeze="A2")
        for row in rows:
            sheet.append(row)
    return book.to_bytes()


# --- PDF -------------------------------------------------------------------------------


def pdf_bytes(
    template: str, context: Mapping, *, locale: str | None = None, progress: Progress = None
) -> bytes:
    """A template rendered to PDF by WeasyPrint (fonts: Noto Sans CJK SC)."""
    from weasyprint import HTML

    from app.i18n import locale_active
    from app.web import env

    with locale_active(locale) if locale else nullcontext():
        html = env.get_template(template).render(**context)
    if progress is not None:
        progress(0.3)
    document = HTML(string=html).render()
    if progress is not None:
        progress(0.9)
    return document.write_pdf()
