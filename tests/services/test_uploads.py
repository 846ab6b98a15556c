"""The one upload reader behind the roster, graduate-outcome and certificate-result imports:
the same encodings, size ceiling and zip-bomb guards for all three."""

import io
import zipfile

import pytest
from openpyxl import Workbook

from app.errors import FormErrors
from app.i18n import activate
from app.services import uploads
from app.services.certificates import imports as certificate_imports
from app.services.evaluation import outcomes
from app.services.roster import files as roster_files

# Each import's reader, a header row it accepts and one data row.
READERS = {
    "roster": (lambda content: roster_files.read_roster(content).rows, ["学号", "姓名"]),
    "outcomes": (outcomes.read_outcomes, ["学号", "去向", "日期"]),
    "certificates": (certificate_imports.read_results, ["学号", "成绩"]),
}
ROW = ["2024010101", "王小明", "2026-06-30"]


def _csv(header: list[str], encoding: str) -> bytes:
    lines = [",".join(header), ",".join(ROW[: len(header)])]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def _xlsx(header: list[str]) -> bytes:
    book = Workbook()
    book.active.append(header)
    book.active.append(ROW[: len(header)])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _message(read, content: bytes) -> str:
    activate("en")
    with pytest.raises(FormErrors) as caught:
        read(content)
    return str(caught.value.errors["file"])


@pytest.fixture(params=READERS)
def reader(request):
    return READERS[request.param]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_every_import_reads_csv_in_utf8_with_or_without_bom_and_gb18030(reader, encoding):
    read, header = reader
    rows = read(_csv(header, encoding))
    assert [row["student_number"] for row in rows] == ["2024010101"]
    assert rows[0]["line"] == 2


def test_every_import_reads_the_first_sheet_of_a_workbook(reader):
    read, header = reader
    assert [row["student_number"] for row in read(_xlsx(header))] == ["2024010101"]


def test_every_import_refuses_a_file_over_the_ceiling(reader):
    read, header = reader
    content = _csv(header, "utf-8") + b"," * uploads.MAX_FILE_BYTES
    assert "larger than 2 MB" in _message(read, content)


def _bomb(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_every_import_refuses_a_workbook_that_inflates_a_thousandfold(reader):
    read, _header = reader
    content = _bomb({"xl/worksheets/sheet1.xml": b"0" * (20 * 1024 * 1024)})
    assert len(content) < 100 * 1024  # small on the wire...
    assert "too large once unpacked" in _message(read, content)  # ...refused before opening


def test_every_import_refuses_a_workbook_of_too_many_members(reader):
    read, _header = reader
    content = _bomb({f"xl/media/{n}.bin": b"x" for n in range(uploads.MAX_XLSX_MEMBERS + 1)})
    assert "too large once unpacked" in _message(read, content)


def test_a_full_roster_workbook_passes_the_guards():
    book = Workbook()
    book.active.append(["学号", "姓名", "班级"])
    for n in range(roster_files.MAX_ROWS):
        book.active.append([f"2024{n:06d}", "王小明", "网络营销与直播电商 2024级 1班"])
    buffer = io.BytesIO()
    book.save(buffer)
    assert len(roster_files.read_roster(buffer.getvalue()).rows) == roster_files.MAX_ROWS


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "The file is empty"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64, "Old Excel files (.xls)"),
        (b"%PDF-1.7\n", "neither a CSV file nor an Excel workbook"),
        ("学号\t姓名\n".encode("utf-16"), "could not be decoded"),
        (b"PK\x03\x04 not really a zip", "cannot be opened"),
    ],
)
def test_every_import_says_what_to_do_with_a_file_it_cannot_read(reader, content, expected):
    read, _header = reader
    assert expected in _message(read, content)


def test_a_missing_upload_gets_the_imports_own_message():
    with pytest.raises(FormErrors) as caught:
        uploads.read_upload(None, missing="Choose the roster file.")
    assert caught.value.errors == {"file": "Choose the roster file."}
