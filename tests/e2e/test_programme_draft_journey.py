"""A teacher places their own course in a draft programme version and downloads the draft,
marked 草案 in its title and with a watermark on every page."""

import io
import shutil
import subprocess

import pytest
from openpyxl import load_workbook

from tests.e2e.helpers import log_in

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture skips (or fails in CI) with a clear message
    expect = None

pytestmark = pytest.mark.e2e
PASSWORD = "e2e-password-123"


def _draft_with_courses(live_server, teacher) -> tuple[int, int]:
    """A draft version 1 and two courses: the teacher's own and a colleague's."""
    from decimal import Decimal

    from app.models.curriculum import Course, CourseOwner, ProgrammeVersion, TrainingProgramme

    with live_server.session() as session:
        programme = TrainingProgramme(major="草案旅程专业", intake_year=2025)
        session.add(programme)
        session.flush()
        version = ProgrammeVersion(programme_id=programme.id, number=1)
        courses = [
            Course(
                code=code,
                title_zh=title,
                title_en=code,
                semester=3,
                credits=Decimal("2"),
                theory_hours=16,
                practice_hours=16,
                kind="module_directed",
            )
            for code, title in (("DRF301", "直播脚本策划"), ("DRF302", "短视频运营"))
        ]
        session.add_all([version, *courses])
        session.flush()
        session.add(CourseOwner(course_id=courses[0].id, user_id=teacher.id))
        session.commit()
        return programme.id, version.id


@pytest.mark.e2e
def test_a_teacher_places_their_course_in_a_draft_and_downloads_it(
    make_page, live_server, page_errors, tmp_path
):
    teacher = live_server.create_user(role="teacher", full_name="沈老师")
    programme_id, version_id = _draft_with_courses(live_server, teacher)
    page = make_page(width=1280, height=900)
    page.goto("/login")
    log_in(page, teacher.username, PASSWORD)

    page.goto(f"/programmes/{programme_id}/versions/{version_id}")
    expect(page.locator("#teacher-draft-note")).to_contain_text("由管理员发布")
    picker = page.locator("#place select[name=course_id]")
    expect(picker.locator("option", has_text="DRF301")).to_have_count(1)
    expect(picker.locator("option", has_text="DRF302")).to_have_count(0)  # a colleague's
    picker.select_option(label=picker.locator("option", has_text="DRF301").inner_text())
    with page.expect_navigation():
        page.locator("#place").get_by_role("button", name="安排", exact=True).click()
    row = page.locator(".plan-table tr", has_text="DRF301")
    expect(row).to_be_visible()
    expect(row.get_by_role("button", name="移动")).to_be_visible()
    expect(page.get_by_role("button", name="发布")).to_have_count(0)  # the admin publishes

    with page.expect_download() as download_info:
        page.locator("#draft-xlsx").click()
    with open(download_info.value.path(), "rb") as fh:
        book = load_workbook(io.BytesIO(fh.read()))
    assert book.sheetnames[0] == "草案 Draft 培养方案 Programme"
    assert book.worksheets[0]["A1"].value.startswith("草案 Draft")

    with page.expect_download() as download_info:
        page.locator("#draft-pdf").click()
    pdf = tmp_path / "draft.pdf"
    shutil.copyfile(download_info.value.path(), pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftotext") is not None:
        text = subprocess.run(
            ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, check=True
        ).stdout.decode("utf-8")
        assert "草案 Draft" in text and "DRF301" in text and "DRF302" not in text
    assert page_errors == []
