"""The blank files an administrator fills in and uploads: the roster (CSV and XLSX), the
graduate outcomes and the certificate results (CSV). Each has the header the importer
reads and one example row; the services own both, so what is written reads back."""

from app.exports.kit import Book, csv_bytes
from app.services.certificates import imports as certificate_imports
from app.services.evaluation import outcomes as outcome_imports
from app.services.roster import files as roster_files


def roster_csv() -> bytes:
    return csv_bytes(roster_files.TEMPLATE_HEADERS, [roster_files.TEMPLATE_EXAMPLE])


def roster_xlsx() -> bytes:
    """Student number and phone columns are text, so Excel keeps leading zeros and long
    numbers in what is typed into them."""
    book = Book()
    sheet = book.sheet(
        "学生名单",
        roster_files.TEMPLATE_HEADERS,
        widths=(16, 12, 34, 28, 16),
        freeze="A2",
        text_columns=("A", "E"),
    )
    sheet.append(roster_files.TEMPLATE_EXAMPLE)
    return book.to_bytes()


def outcomes_csv() -> bytes:
    return csv_bytes(outcome_imports.TEMPLATE_HEADERS, [outcome_imports.TEMPLATE_EXAMPLE])


def certificate_results_csv() -> bytes:
    return csv_bytes(certificate_imports.TEMPLATE_HEADERS, [certificate_imports.TEMPLATE_EXAMPLE])
