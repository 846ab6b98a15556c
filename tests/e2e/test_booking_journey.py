"""Booking journeys in a real browser: book from the week calendar, be refused and wait,
be offered the slot when it frees up; a teacher's recurring booking; the ICS feed."""

import re
import urllib.request
from datetime import timedelta

import pytest
from icalendar import Calendar

from tests.e2e.helpers import log_in, path_of

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture skips (or fails in CI) with a clear message
    expect = None

pytestmark = pytest.mark.e2e
PASSWORD = "e2e-password-123"


def _studio(live_server, **overrides):
    from tests.factories_studios import make_studio

    with live_server.session() as session:
        studio = make_studio(session, **overrides)
        session.commit()
    return studio


def _accept_dialogs(page):
    page.on("dialog", lambda dialog: dialog.accept())


def test_a_taken_slot_goes_to_the_waitlist_and_is_then_held_for_the_second_student(
    make_page, live_server, page_errors
):
    from tests.factories_studios import local, next_weekday

    studio = _studio(live_server, name="浏览器测试直播间")
    first = live_server.create_user(role="student", full_name="第一位同学")
    second = live_server.create_user(role="student", full_name="第二位同学")
    day = next_weekday(2)
    week_url = f"/studios/{studio.id}?week={day.isoformat()}"
    slot = f'#calendar a[href*="date={day.isoformat()}&time=10:00"]'

    page_b = make_page()
    page_b.goto("/login")
    log_in(page_b, second.username, PASSWORD)
    page_b.goto(week_url)  # the second student looks at the week before the first books
    expect(page_b.locator(slot)).to_be_visible()

    page_a = make_page()
    _accept_dialogs(page_a)
    page_a.goto("/login")
    log_in(page_a, first.username, PASSWORD)
    page_a.goto(week_url)
    page_a.locator(slot).click()  # htmx opens the booking form in place
    panel = page_a.locator(".book-panel")
    expect(panel.locator("input[name=time]")).to_have_value("10:00")
    panel.locator("select[name=minutes]").select_option("60")
    panel.get_by_role("button", name="预约", exact=True).click()
    expect(page_a.locator("#calendar .notice")).to_be_visible()
    expect(page_a.locator("td.cal-booking.is-own")).to_contain_text("10:00–11:00")
    assert path_of(page_a).startswith(week_url)  # booked in place, no page change

    page_b.locator(slot).click()  # the slot is gone by now
    panel_b = page_b.locator(".book-panel")
    panel_b.locator("select[name=minutes]").select_option("60")
    panel_b.get_by_role("button", name="预约", exact=True).click()
    refusal = page_b.locator(".refusal")
    expect(refusal).to_contain_text("违反规则：不得重复预约")
    expect(refusal.locator("a.next-free")).to_contain_text(f"{day.isoformat()} 11:00")
    page_b.get_by_role("button", name="加入候补").click()
    expect(page_b.locator("#calendar .notice")).to_contain_text("你已加入候补")

    page_a.goto("/bookings")
    row = page_a.locator("tr", has_text="浏览器测试直播间")
    row.get_by_role("button", name="取消").click()
    expect(page_a.locator(".toast")).to_contain_text("预约已取消")

    page_b.goto("/bookings")  # held for them (accepting it: test_waitlist_offer_journey.py)
    expect(page_b.locator(".offer-card")).to_contain_text("你候补的时段已空出")
    expect(page_b.locator(".offer-card")).to_contain_text("10:00–11:00")

    with live_server.session() as session:
        from sqlmodel import select

        from app.models.studios import Booking

        held = session.exec(
            select(Booking).where(Booking.studio_id == studio.id, Booking.status == "offered")
        ).all()
        assert [(b.user_id, b.starts_at) for b in held] == [(second.id, local(day, "10:00"))]
    assert page_errors == []


def test_a_teacher_previews_a_recurring_booking_with_a_conflict_and_commits_the_rest(
    page, live_server, page_errors
):
    from tests.factories_studios import local, make_booking, next_weekday

    studio = _studio(live_server, name="演播厅（浏览器）")
    teacher = live_server.create_user(role="teacher", full_name="陈老师")
    student = live_server.create_user(role="student")
    first = next_weekday(0)
    with live_server.session() as session:
        make_booking(
            session, studio=studio, user=student, starts_at=local(first + timedelta(7), "14:30")
        )
        session.commit()

    page.goto("/login")
    log_in(page, teacher.username, PASSWORD)
    page.goto("/bookings/recurring")
    form = page.locator("#recurring form").first
    form.locator("select[name=studio_id]").select_option(str(studio.id))
    form.locator("input[name=title]").fill("直播运营实务")
    form.locator("input[name=weekdays][value='0']").check()
    form.locator("input[name=weekdays][value='2']").check()
    form.locator("input[name=time]").fill("14:00")
    form.locator("input[name=minutes]").fill("90")
    form.locator("input[name=first_date]").fill(first.isoformat())
    form.locator("input[name=last_date]").fill((first + timedelta(days=20)).isoformat())
    form.get_by_role("button", name="预览").click()
    preview = page.locator(".preview")
    expect(preview.locator("h2")).to_contain_text("5 个空闲，1 个有冲突")
    expect(preview.locator("tr.occ-conflict")).to_contain_text("不得重复预约")
    preview.get_by_role("button", name=re.compile("预约这 5 个空闲时段")).click()
    expect(page).to_have_url(re.compile(r"/bookings$"))
    expect(page.locator(".toast")).to_contain_text("已预约 5 次")
    expect(page.locator("table").first.locator("tbody tr")).to_have_count(5)
    assert page_errors == []


def test_the_ics_feed_imports_with_the_right_times(page, live_server, page_errors):
    from app.models.base import utcnow
    from tests.factories_studios import local, make_booking, next_weekday

    studio = _studio(live_server, name="直播间（日历）")
    student = live_server.create_user(role="student")
    day = next_weekday(3)
    with live_server.session() as session:
        make_booking(session, studio=studio, user=student, starts_at=local(day, "19:30"))
        session.commit()
    page.goto("/login")
    log_in(page, student.username, PASSWORD)
    page.goto("/calendar")
    page.get_by_role("button", name="生成我的日历地址").click()
    address = page.locator("#feed-url").input_value()
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/calendar/feed/[\w-]+\.ics", address)
    with urllib.request.urlopen(address, timeout=10) as response:  # no cookies: by token
        calendar = Calendar.from_ical(response.read())
    (event,) = calendar.walk("VEVENT")
    start = event.decoded("dtstart")
    assert start == local(day, "19:30")  # the same instant, written in the college's zone
    assert start.strftime("%H:%M") == "19:30" and str(start.tzinfo) == "Asia/Shanghai"
    assert event.decoded("dtend") - start == timedelta(hours=1)
    assert "直播间（日历）" in str(event["summary"])
    assert start > utcnow()
    assert page_errors == []
