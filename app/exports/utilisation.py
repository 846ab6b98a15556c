"""The utilisation report as CSV and XLSX, through the export kit (a studio named
"=cmd()" is never run as a formula); purposes are shown by their labels."""

from app.exports.kit import csv_bytes, xlsx_bytes
from app.i18n import gettext
from app.services.bookings import PURPOSE_LABELS
from app.services.studios import Report


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
            row.studio.name,
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
    return csv_bytes(_header(), _rows(report))


def report_xlsx(report: Report) -> bytes:
    return xlsx_bytes([(gettext("Utilisation"), _header(), _rows(report))])
