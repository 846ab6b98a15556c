"""A waitlist offer in a real browser: student A books a time, student B joins its waitlist
from the week calendar, A cancels, B sees the offer with its deadline and accepts it, and
the time is B's booking; others see it as held meanwhile."""

import pytest

from tests.e2e.helpers import log_in

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture skips (or fails in CI) with a clear message
    expect = None

pytestmark = pytest.mark.e2e
PASSWORD = "e2e-password-123"


def test_a_waitlisted_student_is_offered_the_freed_time_and_accepts_it(
    make_page, live_server, page_errors, tmp_path
):
    from tests.factories_studios import local, make_booking, make_studio, next_weekday

    day = next_weekday(3)
    first = live_server.create_user(role="student", full_name="先订同学")
    second = live_server.create_user(role="student", full_name="候补同学")
    third = live_server.create_user(role="student", full_name="旁观同学")
    with live_server.session() as session:
        studio = make_studio(session, name="候补保留直播间", offer_hold_minutes=45)
        make_booking(session, studio=studio, user=first, starts_at=local(day, "15:00"))
        session.commit()
    week_url = f"/studios/{studio.id}?week={day.isoformat()}"

    page_b = make_page()
    page_b.goto("/login")
    log_in(page_b, second.username, PASSWORD)
    page_b.goto(f"/studios/{studio.id}/book?date={day.isoformat()}&time=15:00&view=grid")
    panel = page_b.locator(".book-panel")
    panel.locator("select[name=minutes]").select_option("60")
    panel.get_by_role("button", name="预约", exact=True).click()
    expect(page_b.locator(".refusal")).to_contain_text("不得重复预约")
    page_b.get_by_role("button", name="加入候补").click()
    expect(page_b.locator(".notice").first).to_contain_text("你已加入候补")

    page_a = make_page()
    page_a.on("dialog", lambda dialog: dialog.accept())
    page_a.goto("/login")
    log_in(page_a, first.username, PASSWORD)
    page_a.goto("/bookings")
    page_a.locator("tr", has_text="候补保留直播间").get_by_role("button", name="取消").click()
    expect(page_a.locator(".toast")).to_contain_text("预约已取消")

    page_c = make_page()  # someone else sees the time held, not free
    page_c.goto("/login")
    log_in(page_c, third.username, PASSWORD)
    page_c.goto(week_url)
    expect(page_c.locator("td.cal-booking.status-offered")).to_contain_text("保留中")

    page_b.goto("/")  # the dashboard shows the offer too
    expect(page_b.locator(".offer-card")).to_contain_text("候补保留直播间")
    page_b.goto("/bookings")
    card = page_b.locator(".offer-card")
    expect(card).to_contain_text("15:00–16:00")
    expect(card).to_contain_text("前接受")  # "accept by <deadline>", in local time
    page_b.screenshot(path=str(tmp_path / "offer.png"), full_page=True)
    assert (tmp_path / "offer.png").stat().st_size > 5000
    card.get_by_role("button", name="接受").click()
    expect(page_b.locator(".toast")).to_contain_text("时段归你了")
    expect(page_b.locator("main")).to_contain_text("15:00–16:00")
    page_b.goto("/bookings")
    expect(page_b.locator(".offer-card")).to_have_count(0)
    expect(page_b.locator("table").first).to_contain_text("15:00–16:00")

    with live_server.session() as session:
        from sqlmodel import select

        from app.models.studios import Booking

        rows = session.exec(
            select(Booking).where(Booking.studio_id == studio.id, Booking.status == "approved")
        ).all()
        assert [(b.user_id, b.starts_at) for b in rows] == [(second.id, local(day, "15:00"))]
    assert page_errors == []
