"""The utilisation report as CSV (UTF-8 with BOM, for Excel) and XLSX; user text is
neutralised so that a studio named "=cmd()" is never run as a formula."""

import csv
import io

from openpyxl import Workbook

from app.i18n import gettext
from app.services.bookings import PURPOSE_LABELS
from app.services.studios import Report

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: str) -> str:
    """Text a spreadsheet would take as a formula gets a leading apostrophe."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def _header() -> list[str]:
    names = [
        gettext("Studio"),
        gettext("Week of"),
        gettext("Open hours"),
        gettext("Booked hours"),
        gettext("Used hours"),
        gettext("No-show rate"),
    ]
    names += [gettext(label) for label in PURPOSE_LABELS.values()]
    names += [
        gettext("Rejected hours"),
        gettext("Refused hours"),
        gettext("Waitlisted hours"),
        gettext("Unmet demand (hours)"),
    ]
    return names


def _rows(report: Report):
    for row in report.rows:
        rate = row.no_show_rate
        yield [
            neutralise(row.studio.name),
            row.monday.isoformat(),
            round(row.open_hours, 2),
            round(row.booked_hours, 2),
            round(row.used_hours, 2),
            "" if rate is None else round(rate, 3),
            *[round(row.by_purpose.get(p, 0.0), 2) for p in PURPOSE_LABELS],
            round(row.rejected_hours, 2),
            round(row.refused_hours, 2),
            round(row.waitlisted_hours, 2),
            round(row.unmet_hours, 2),
        ]


def report_csv(report: Report) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(_header())
    writer.writerows(_rows(report))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def report_xlsx(report: Report) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = gettext("Utilisation")[:31]
    sheet.append(_header())
    for values in _rows(report):
        sheet.append(values)
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # never a formula, whatever the text
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
