"""A teacher builds a course with three modules and maps them; the programme's coverage
map and gap report change accordingly."""

import pytest

from tests.e2e.helpers import log_in, path_of

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture skips (or fails in CI) with a clear message
    expect = None

pytestmark = pytest.mark.e2e
PASSWORD = "e2e-password-123"


def _programme(live_server) -> tuple[int, int]:
    from app.models.curriculum import ProgrammeVersion, TrainingProgramme

    with live_server.session() as session:
        programme = TrainingProgramme(major="浏览器测试专业", intake_year=2024)
        session.add(programme)
        session.flush()
        version = ProgrammeVersion(programme_id=programme.id, number=1)
        session.add(version)
        session.commit()
        return programme.id, version.id


def _place(live_server, version_id: int, code: str) -> None:
    from sqlmodel import select

    from app.models.curriculum import Course, Placement

    with live_server.session() as session:
        course = session.exec(select(Course).where(Course.code == code)).one()
        session.add(Placement(version_id=version_id, course_id=course.id, semester=2))
        session.commit()


def _add_module(page, title: str, hours: str, method: str) -> None:
    form = page.locator("#module-add")
    form.locator("input[name=title_zh]").fill(title)
    form.locator("input[name=hours]").fill(hours)
    form.locator("select[name=teaching_method]").select_option(method)
    form.get_by_role("button", name="添加该模块").click()
    expect(page.locator(".module-row", has_text=title)).to_be_visible()


def _map(page, course_path: str, title: str, picks: list[tuple[str, str]]) -> None:
    page.goto(course_path)
    row = page.locator(".module-row", has_text=title)
    row.get_by_role("link", name="映射技能点、赛项与考核模块").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    for search, pick in picks:
        with page.expect_response(lambda r, s=search: f"q={s}" in r.url):
            page.locator("#f-q").fill(search)
        button = page.locator(f'[data-pick="{pick}"]')
        expect(button).to_contain_text("添加")
        button.click()
        expect(page.locator(f'[data-pick="{pick}"]')).to_contain_text("移除")


@pytest.mark.e2e
def test_a_teacher_builds_and_maps_a_course_and_the_map_follows(
    make_page, live_server, page_errors
):
    teacher = live_server.create_user(role="teacher", full_name="周老师")
    programme_id, version_id = _programme(live_server)
    base = f"/programmes/{programme_id}/versions/{version_id}"
    page = make_page(width=1280, height=900)
    page.goto("/login")
    log_in(page, teacher.username, PASSWORD)

    page.goto("/courses/new")
    form = page.locator("#course-form")
    form.locator("input[name=code]").fill("E2E201")
    form.locator("input[name=title_zh]").fill("直播带货实战")
    form.locator("input[name=title_en]").fill("Live Selling in Practice")
    form.locator("select[name=semester]").select_option("2")
    form.locator("input[name=credits]").fill("3")
    form.locator("input[name=theory_hours]").fill("16")
    form.locator("input[name=practice_hours]").fill("32")
    form.get_by_role("button", name="创建课程").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("E2E201")
    course_path = path_of(page).split("#")[0]
    _place(live_server, version_id, "E2E201")

    page.goto(f"{base}/gaps")
    expect(page.locator('[data-gap="skill-ANC-01"]')).to_be_visible()
    expect(page.locator('[data-gap="item-3C-03"]')).to_be_visible()
    page.goto(f"{base}/coverage")
    expect(page.locator("#map-post-anchor td[data-semester='2']")).to_have_text("")

    page.goto(course_path)
    expect(page.locator("#hours-check")).to_contain_text("48")
    _add_module(page, "商品讲解", "16", "role_play")
    expect(page.locator("#hours-check")).to_contain_text("相差 32")
    _add_module(page, "直播节奏", "16", "situational")
    _add_module(page, "实战带货", "16", "task_driven")
    expect(page.locator("#hours-check")).to_contain_text("一致")
    expect(page.locator(".module-row")).to_have_count(3)
    page.screenshot(path=str(_artifacts() / "course-editor-zh.png"), full_page=True)

    _map(page, course_path, "商品讲解", [("ANC-01", "skill-ANC-01")])
    _map(page, course_path, "直播节奏", [("ANC-02", "skill-ANC-02"), ("3C-03", "item-3C-03")])
    _map(
        page, course_path, "实战带货", [("ANC-04", "skill-ANC-04"), ("IM-LIVE-2", "unit-IM-LIVE-2")]
    )
    page.screenshot(path=str(_artifacts() / "module-mapping-zh.png"), full_page=True)

    page.goto(f"{base}/coverage")
    expect(page.locator("#map-post-anchor td[data-semester='2']")).to_have_text("48")
    page.locator("#map-post-anchor summary").click()
    expect(page.locator("#map-post-anchor .skill-line", has_text="ANC-01")).to_be_visible()
    page.screenshot(path=str(_artifacts() / "coverage-map-zh.png"), full_page=True)

    page.goto(f"{base}/gaps")
    expect(page.locator('[data-gap="skill-ANC-01"]')).to_have_count(0)
    expect(page.locator('[data-gap="skill-ANC-03"]')).to_be_visible()
    expect(page.locator('[data-gap="item-3C-03"]')).to_have_count(0)
    expect(page.locator('[data-gap="unit-IM-LIVE-2"]')).to_have_count(0)
    fix = page.locator('[data-gap="skill-ANC-03"] a')
    expect(fix).to_contain_text("E2E201")
    page.screenshot(path=str(_artifacts() / "gap-report-zh.png"), full_page=True)
    fix.click()
    assert path_of(page).startswith(course_path)
    assert page_errors == []


def _artifacts():
    from tests.e2e.conftest import ARTIFACTS_DIR

    ARTIFACTS_DIR.mkdir(exist_ok=True)
    return ARTIFACTS_DIR
