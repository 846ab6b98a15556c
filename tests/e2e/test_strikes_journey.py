"""Missed check-ins in a real browser: a suspended student is told why and refused beside
the booking form; a teacher finds them by name and forgives one; the student books again."""

from datetime import timedelta

import pytest

from tests.e2e.helpers import log_in

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture skips (or fails in CI) with a clear message
    expect = None

pytestmark = pytest.mark.e2e
PASSWORD = "e2e-password-123"


def test_a_teacher_forgives_a_missed_check_in_and_the_student_may_book_again(
    make_page, live_server, page_errors
):
    from app.models.base import utcnow
    from tests.factories_studios import make_booking, make_studio, next_weekday

    student = live_server.create_user(role="student", full_name="缺勤三次同学")
    teacher = live_server.create_user(role="teacher", full_name="宽恕老师")
    with live_server.session() as session:
        studio = make_studio(session, name="签到测试直播间")
        now = utcnow()
        for n in range(3):
            make_booking(
                session,
                studio=studio,
                user=student,
                starts_at=now - timedelta(minutes=20 + 25 * n),
                minutes=20,
                status="no_show",
            )
        session.commit()
    day = next_weekday(2)
    week_url = f"/studios/{studio.id}?week={day.isoformat()}"
    slot = f'#calendar a[href*="date={day.isoformat()}&time=10:00"]'

    student_page = make_page()
    student_page.goto("/login")
    log_in(student_page, student.username, PASSWORD)
    student_page.goto(week_url)
    expect(student_page.locator(".strike-notice")).to_contain_text("之前你不能预约实训室")
    student_page.locator(slot).click()
    student_page.locator(".book-panel").get_by_role("button", name="预约", exact=True).click()
    expect(student_page.locator(".refusal")).to_contain_text("因未签到暂停预约")

    teacher_page = make_page()
    teacher_page.on("dialog", lambda dialog: dialog.accept())
    teacher_page.goto("/login")
    log_in(teacher_page, teacher.username, PASSWORD)
    teacher_page.goto("/bookings/strikes")
    # wait for htmx's filtered list: typing into a form it then replaces would be lost
    with teacher_page.expect_response(lambda r: "/bookings/strikes?" in r.url):
        teacher_page.locator("#f-q").fill("缺勤三次")
    card = teacher_page.locator(".strike-student", has_text="缺勤三次同学")
    expect(card).to_have_count(1)  # htmx filtered the list in place
    expect(card).to_contain_text("暂停预约至")
    form = card.locator("form.forgive-form").first
    form.locator("input[name=reason]").fill("设备故障无法签到")
    form.get_by_role("button", name="免除").click()
    expect(teacher_page.locator(".toast")).to_contain_text("已免除这次未签到")
    expect(teacher_page.locator(".strike-student", has_text="缺勤三次同学")).to_contain_text(
        "设备故障无法签到"
    )

    student_page.goto(week_url)
    expect(student_page.locator(".strike-notice")).to_contain_text("你本学期已有 2 次未签到")
    student_page.locator(slot).click()
    student_page.locator(".book-panel").get_by_role("button", name="预约", exact=True).click()
    expect(student_page.locator("#calendar .notice")).to_be_visible()
    assert page_errors == []
