"""The first journey: log in, see the dashboard, switch the language, log out."""

import re

import pytest

from tests.e2e.helpers import DASHBOARD_HEADING_ZH, horizontal_overflow, log_in, path_of

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture skips (or fails in CI) with a clear message
    expect = None

pytestmark = pytest.mark.e2e


@pytest.mark.e2e
def test_admin_logs_in_switches_language_and_logs_out(page, live_server, page_errors):
    admin = live_server.create_user(role="admin", full_name="王管理")

    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login\?next=%2F$"))
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.get_by_role("heading", level=1)).to_have_text("登录产教平台")

    log_in(page, admin.username, "e2e-password-123")
    assert path_of(page) == "/"
    expect(page.get_by_role("heading", level=1)).to_have_text(DASHBOARD_HEADING_ZH)
    expect(page.locator(".whoami")).to_contain_text("王管理")
    expect(page.locator(".cards .card")).to_have_count(8)
    page.screenshot(path=str(_artifacts() / "dashboard-admin-zh.png"), full_page=True)

    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Administration")
    assert path_of(page) == "/"
    page.screenshot(path=str(_artifacts() / "dashboard-admin-en.png"), full_page=True)

    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in to Chanjiao")
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login\?next=%2F$"))
    assert page_errors == []


@pytest.mark.e2e
def test_wrong_password_shows_an_error_and_stays_on_login(page, live_server, page_errors):
    admin = live_server.create_user(role="admin")
    page.goto("/login")
    form = page.locator("#login-form")
    form.locator("input[name=login]").fill(admin.username)
    form.locator("input[name=password]").fill("not-the-password")
    form.locator("button[type=submit]").click()
    expect(page.get_by_role("alert")).to_be_visible()
    assert path_of(page) == "/login"
    expect(form.locator("input[name=login]")).to_have_value(admin.username)
    assert page_errors == []


@pytest.mark.e2e
def test_no_horizontal_scroll_at_390px(make_page, live_server, page_errors):
    admin = live_server.create_user(role="admin", full_name="一个名字相当长的系统管理员")
    _add_cohorts(live_server)
    page = make_page(width=390, height=844)

    page.goto("/login")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert horizontal_overflow(page) == 0

    log_in(page, admin.username, "e2e-password-123")
    expect(page.get_by_role("heading", level=1)).to_have_text(DASHBOARD_HEADING_ZH)
    expect(page.locator("table.table tbody tr").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert horizontal_overflow(page) == 0
    page.screenshot(path=str(_artifacts() / "dashboard-admin-390.png"), full_page=True)

    page.locator("label.nav-toggle-label").click()  # the menu opens without a sideways scroll
    expect(page.locator(".mainnav")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page_errors == []


def _add_cohorts(live_server) -> None:
    """Cohorts for the dashboard's table, one with a long major name (idempotent)."""
    from sqlmodel import select

    from app.models import Cohort

    majors = ["网络营销与直播电商", "跨境电子商务与数字贸易运营管理专业方向（直播带货实训班）"]
    with live_server.session() as session:
        for number, major in enumerate(majors, start=1):
            exists = session.exec(
                select(Cohort).where(Cohort.major == major, Cohort.intake_year == 2025)
            ).first()
            if exists is None:
                session.add(Cohort(major=major, intake_year=2025, class_number=number))
        session.commit()


def _artifacts():
    from tests.e2e.conftest import ARTIFACTS_DIR

    ARTIFACTS_DIR.mkdir(exist_ok=True)
    return ARTIFACTS_DIR
