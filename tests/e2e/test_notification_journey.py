"""The notification centre in a real browser: an approval lights the booker's bell, the
centre lists it linking to the booking, and marking it read (htmx) clears the bell."""

from datetime import timedelta

import pytest

from tests.e2e.helpers import log_in

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture skips (or fails in CI) with a clear message
    expect = None

pytestmark = pytest.mark.e2e
PASSWORD = "e2e-password-123"


def test_an_approval_rings_the_bell_and_reading_it_clears_it(make_page, live_server, page_errors):
    from app.models.base import utcnow
    from app.services.bookings import lifecycle
    from tests.factories_studios import make_booking, make_studio

    booker = live_server.create_user(role="student", full_name="预约的同学")
    approver = live_server.create_user(role="teacher", full_name="审批老师")
    with live_server.session() as session:
        studio = make_studio(session, name="通知测试直播间", requires_approval=True)
        studio.approver_id = approver.id
        starts = utcnow().replace(minute=0, second=0, microsecond=0) + timedelta(days=2)
        booking = make_booking(
            session, studio=studio, user=booker, starts_at=starts, status="pending"
        )
        lifecycle.approve_booking(session, booking_id=booking.id, actor=approver)
        session.commit()

    page = make_page()
    page.goto("/login")
    log_in(page, booker.username, PASSWORD)
    bell = page.locator("#bell")
    expect(bell.locator(".bell-count")).to_have_text("1")
    bell.click()
    item = page.locator("li.notification-unread")
    expect(item).to_contain_text("通知测试直播间")
    expect(item.locator("a")).to_have_attribute("href", f"/bookings/{booking.id}")
    item.locator("button", has_text="标为已读").click()  # htmx swaps the row and the bell
    expect(page.locator("li.notification-unread")).to_have_count(0)
    expect(page.locator("#bell .bell-count")).to_have_count(0)
    page.locator("li.notification a").click()
    expect(page).to_have_url(f"{live_server.base_url}/bookings/{booking.id}")
    assert page_errors == []
