"""A course owner reorders and deletes modules, with htmx and without JavaScript: the
rows' buttons submit the page's one token-carrying form (the rows themselves are
rendered once and shared, so they hold no CSRF token)."""

import re

import pytest

from tests.e2e.helpers import log_in

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture skips (or fails in CI) with a clear message
    expect = None

pytestmark = pytest.mark.e2e
PASSWORD = "e2e-password-123"


def _course(live_server, owner_id: int) -> int:
    from app.models.curriculum import Course, CourseModule, CourseOwner

    with live_server.session() as session:
        course = Course(
            code="E2E-ORD",
            title_zh="模块排序课",
            title_en="Module order",
            semester=1,
            credits=2,
            theory_hours=16,
            practice_hours=16,
            kind="module_directed",
        )
        session.add(course)
        session.flush()
        session.add(CourseOwner(course_id=course.id, user_id=owner_id))
        for position, title in enumerate(("甲模块", "乙模块", "丙模块"), start=1):
            session.add(
                CourseModule(
                    course_id=course.id,
                    position=position,
                    title_zh=title,
                    title_en=title,
                    hours=8,
                    teaching_method="task_driven",
                )
            )
        session.commit()
        return course.id


def _titles(page) -> list[str]:
    return page.locator(".module-row .module-title").all_inner_texts()


def test_an_owner_moves_and_deletes_modules_with_and_without_javascript(
    browser, make_page, live_server, page_errors
):
    teacher = live_server.create_user(role="teacher", password=PASSWORD)
    course_id = _course(live_server, teacher.id)

    page = make_page()
    page.goto("/login")
    log_in(page, teacher.username, PASSWORD)
    page.goto(f"/courses/{course_id}")
    assert _titles(page) == ["甲模块", "乙模块", "丙模块"]
    first = page.locator(".module-row", has_text="甲模块")
    first.get_by_role("button", name=re.compile("^下移")).click()  # htmx
    expect(page.locator(".module-row").first).to_contain_text("乙模块")
    assert _titles(page) == ["乙模块", "甲模块", "丙模块"]
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator(".module-row", has_text="丙模块").get_by_role(
        "button", name=re.compile("^删除")
    ).click()
    expect(page.locator(".module-row", has_text="丙模块")).to_have_count(0)
    assert page_errors == []

    context = browser.new_context(java_script_enabled=False, base_url=live_server.base_url)
    try:
        plain = context.new_page()
        plain.goto("/login")
        log_in(plain, teacher.username, PASSWORD)
        plain.goto(f"/courses/{course_id}")
        assert _titles(plain) == ["乙模块", "甲模块"]
        with plain.expect_navigation():
            plain.locator(".module-row", has_text="甲模块").get_by_role(
                "button", name=re.compile("^上移")
            ).click()
        assert _titles(plain) == ["甲模块", "乙模块"]
        with plain.expect_navigation():
            plain.locator(".module-row", has_text="乙模块").get_by_role(
                "button", name=re.compile("^删除")
            ).click()
        assert _titles(plain) == ["甲模块"]
    finally:
        context.close()
