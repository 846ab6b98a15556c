"""Issue 3's journey: an administrator imports a roster with a bad row, fixes the file and
commits it; a student from that roster logs in with the one-time password, is made to
choose a new one, and switches the interface to English and back to Chinese."""

import secrets

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import log_in, path_of

pytestmark = pytest.mark.e2e
MAJOR = "网络营销与直播电商（花名册旅程）"


def _cohort_label(live_server) -> str:
    from sqlmodel import select

    from app.models import Cohort

    with live_server.session() as session:
        cohort = session.exec(select(Cohort).where(Cohort.major == MAJOR)).first()
        if cohort is None:
            cohort = Cohort(major=MAJOR, intake_year=2025, class_number=3)
            session.add(cohort)
            session.commit()
        return cohort.label("zh_CN")


def _csv(rows: list[tuple[str, str, str]]) -> bytes:
    lines = ["学号,姓名,班级"] + [",".join(row) for row in rows]
    return ("\n".join(lines) + "\n").encode("gb18030")  # as Excel in China saves it


def _upload(page, content: bytes) -> None:
    page.goto("/roster")
    page.set_input_files(
        "#f-file", files=[{"name": "roster.csv", "mimeType": "text/csv", "buffer": content}]
    )
    with page.expect_navigation():
        page.locator("#upload-form button[type=submit]").click()


def test_admin_imports_a_roster_and_a_student_starts_with_a_one_time_password(
    make_page, live_server, page_errors
):
    admin = live_server.create_user(role="admin")
    label = _cohort_label(live_server)
    number = f"2025{secrets.randbelow(10**6):06d}"
    good = (number, "林小雨", label)

    page = make_page()
    page.goto("/login")
    log_in(page, admin.username, "e2e-password-123")

    # A row without a name: the preview says so beside the row and offers no import.
    _upload(page, _csv([good, (f"{number}9", "", label)]))
    expect(page.get_by_text("请输入姓名。")).to_be_visible()
    expect(page.get_by_role("button", name="导入学生")).to_have_count(0)

    # The corrected file imports, and the one-time password is shown once.
    _upload(page, _csv([good]))
    page.once("dialog", lambda dialog: dialog.accept())  # "create the accounts now?"
    with page.expect_navigation():
        page.get_by_role("button", name="导入学生").click()
    row = page.locator("tr", has_text=number)
    expect(row).to_be_visible()
    one_time_password = row.locator("td.otp").inner_text().strip()
    assert len(one_time_password) >= 10

    # The student logs in and must choose a password before anything else.
    student = make_page()
    student.goto("/")
    log_in(student, number, one_time_password)
    assert path_of(student) == "/account/password"
    expect(student.get_by_text("您使用的是一次性密码登录")).to_be_visible()
    student.fill("#f-current_password", one_time_password)
    student.fill("#f-new_password", "my-own-password-1")
    student.fill("#f-confirm_password", "my-own-password-1")
    with student.expect_navigation():
        student.get_by_role("button", name="保存新密码").click()
    expect(student.get_by_role("heading", level=1)).to_have_text("欢迎，林小雨")

    # English and back to Chinese, from the switcher in the top bar.
    with student.expect_navigation():
        student.get_by_role("button", name="English").click()
    expect(student.get_by_role("heading", level=1)).to_have_text("Welcome, 林小雨")
    with student.expect_navigation():
        student.get_by_role("button", name="中文").click()
    expect(student.get_by_role("heading", level=1)).to_have_text("欢迎，林小雨")
    assert page_errors == []
