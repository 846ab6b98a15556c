"""The week grid on a phone says which starts are not bookable and why, before anyone
submits; a booking into the room's reset time is refused with a message naming it."""

import pytest

from tests.e2e.conftest import ARTIFACTS_DIR
from tests.e2e.helpers import horizontal_overflow, log_in

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture skips (or fails in CI) with a clear message
    expect = None

pytestmark = pytest.mark.e2e
PASSWORD = "e2e-password-123"


def test_a_student_sees_the_reset_time_in_the_grid_and_in_the_refusal(
    make_page, live_server, page_errors
):
    from tests.factories_studios import local, make_booking, make_studio, next_weekday

    owner = live_server.create_user(role="student")
    student = live_server.create_user(role="student")
    day = next_weekday(1)
    with live_server.session() as session:
        studio = make_studio(session, name="整理时间直播间", min_minutes=60, buffer_minutes=30)
        make_booking(session, studio=studio, user=owner, starts_at=local(day, "11:00"))
        session.commit()
    page = make_page(390, 844)
    page.goto("/login")
    log_in(page, student.username, PASSWORD)
    page.goto(f"/studios/{studio.id}?week={day.isoformat()}")
    assert horizontal_overflow(page) <= 0

    def cell(time: str):
        return page.locator(f'#calendar td:has(a[href*="date={day.isoformat()}&time={time}"])')

    expect(cell("09:30")).to_have_count(1)  # 09:30-10:30 leaves 30 minutes to reset
    expect(cell("10:00")).to_have_count(0)  # not offered: it would end as the next one begins
    expect(page.locator("td.cal-refused.rule-buffer").first).to_contain_text("场地整理")
    page.locator("td.cal-refused.rule-buffer").first.scroll_into_view_if_needed()
    ARTIFACTS_DIR.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS_DIR / "phone-grid-reset-time.png"))

    page.get_by_role("link", name="预约时段").click()  # "Book a time": type a start by hand
    panel = page.locator(".book-panel")
    panel.locator("input[name=date]").fill(day.isoformat())
    panel.locator("input[name=time]").fill("10:00")
    panel.locator("select[name=minutes]").select_option("60")
    panel.get_by_role("button", name="预约", exact=True).click()
    refusal = page.locator(".refusal")
    expect(refusal).to_contain_text("预约之间的场地整理时间")
    expect(refusal).to_contain_text("需留出 30 分钟整理场地")
    expect(refusal.locator("a.next-free")).to_contain_text(f"{day.isoformat()} 12:30")
    assert horizontal_overflow(page) <= 0
    assert page_errors == []
