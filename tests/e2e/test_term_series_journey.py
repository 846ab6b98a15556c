"""A teacher's term series in a real browser: weeks that include a holiday, the skipped
date shown in the preview, all free occurrences booked at once, and nothing booked on the
holiday."""

import re
from datetime import timedelta

import pytest
from sqlmodel import select

from tests.e2e.helpers import log_in

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture skips (or fails in CI) with a clear message
    expect = None

pytestmark = pytest.mark.e2e
PASSWORD = "e2e-password-123"


def test_a_teacher_books_a_term_series_that_skips_a_holiday(page, live_server, page_errors):
    from app.models.studios import Booking
    from app.models.terms import Term, TermPeriod
    from app.services import clock
    from tests.factories_studios import make_studio

    start = clock.monday_of(clock.today()) + timedelta(days=7)
    holiday = start + timedelta(days=10)  # the Thursday of teaching week 2
    with live_server.session() as session:
        studio = make_studio(session, name="直播间（校历）")
        term = Term(
            name="浏览器测试学期", starts_on=start, ends_on=start + timedelta(weeks=18, days=-1)
        )
        session.add(term)
        session.flush()
        session.add(
            TermPeriod(
                term_id=term.id, kind="holiday", name="校庆日", starts_on=holiday, ends_on=holiday
            )
        )
        session.commit()
        term_id, studio_id = term.id, studio.id
    teacher = live_server.create_user(role="teacher", full_name="周老师")

    page.goto("/login")
    log_in(page, teacher.username, PASSWORD)
    page.goto("/bookings/term-series")
    form = page.locator("#term-series form").first
    form.locator("select[name=term_id]").select_option(str(term_id))
    form.locator("select[name=studio_id]").select_option(str(studio_id))
    form.locator("input[name=title]").fill("直播话术训练")
    form.locator("input[name=weeks]").fill("1-3")
    form.locator("input[name=weekdays][value='3']").check()
    form.locator("input[name=time]").fill("10:00")
    form.locator("input[name=minutes]").fill("90")
    form.get_by_role("button", name="预览").click()

    preview = page.locator(".preview")
    expect(preview.locator("h2")).to_contain_text("2 次空闲，0 次冲突，1 次跳过")
    skipped = preview.locator("#skipped")
    expect(skipped).to_contain_text(holiday.isoformat())
    expect(skipped).to_contain_text("节假日：校庆日")
    expect(preview.locator("#occurrences")).not_to_contain_text(holiday.isoformat())
    preview.get_by_role("button", name=re.compile("预约这 2 个空闲时段")).click()

    expect(page).to_have_url(re.compile(r"/bookings/series/\d+$"))
    expect(page.locator(".toast")).to_contain_text("已预约 2 次")
    table = page.locator("#series-occurrences")
    expect(table.locator("tbody tr")).to_have_count(2)
    expect(table).not_to_contain_text(holiday.isoformat())
    expect(page.locator(".skipped-list")).to_contain_text(holiday.isoformat())

    page.goto("/terms/calendar")
    expect(page.locator(".term-calendar")).to_contain_text("校庆日")
    with live_server.session() as session:
        bookings = session.exec(select(Booking).where(Booking.studio_id == studio_id)).all()
        days = {clock.local_date(b.starts_at) for b in bookings}
    assert days == {holiday - timedelta(days=7), holiday + timedelta(days=7)}
    assert page_errors == []
