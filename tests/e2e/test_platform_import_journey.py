"""Issue 16's import journey: a student uploads the team's 抖音 export with one bad row,
sees the row's problem in the preview, saves the good row, and the session page shows the
figures of the file."""

from datetime import UTC, date, datetime

import pytest
from sqlmodel import select

from tests.e2e.helpers import log_in, path_of

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture skips (or fails in CI) with a clear message
    expect = None

pytestmark = pytest.mark.e2e
PASSWORD = "e2e-password-123"
HEADER = "直播开始时间,直播结束时间,成交金额,成交订单数,退款订单数,结算金额,新增粉丝数,最高在线人数"
HEADER += ",累计观看人数,人均观看时长,互动次数,投流消耗"
GOOD = '2025-11-03 20:05,2025-11-03 22:00,"12,860.50",143,6,11920,86,212,3580,01:35,1204,800'
BAD = "2025-11-06 20:00,2025-11-06 21:30,5000,3,5,4000,2,30,200,00:40,10,0"  # refunds > orders


def _team_with_sessions(live_server) -> dict:
    from app.models import Post
    from app.models.teams import LiveSession, Project, Team, TeamMember

    student = live_server.create_user(role="student", full_name="周同学")
    with live_server.session() as session:
        anchor = session.exec(select(Post).where(Post.code == "anchor")).one()
        team = Team(name="导入旅程直播队", stage="club", captain_id=student.id)
        session.add(team)
        session.flush()
        session.add(
            TeamMember(
                team_id=team.id, user_id=student.id, post_id=anchor.id, joined_on=date(2025, 9, 1)
            )
        )
        project = Project(team_id=team.id, title="乡味小铺")
        session.add(project)
        session.flush()
        lives = [
            LiveSession(
                team_id=team.id,
                project_id=project.id,
                theme=theme,
                planned_start=datetime(2025, 11, day, 12, tzinfo=UTC),  # 20:00 in Shanghai
                planned_minutes=120,
                session_date=date(2025, 11, day),
            )
            for theme, day in (("双十一预热", 3), ("秋冬上新", 6))
        ]
        session.add_all(lives)
        session.commit()
        return {"student": student, "team_id": team.id, "first": lives[0].id}


def test_a_student_imports_the_platform_export_and_the_session_shows_its_figures(
    make_page, live_server, page_errors
):
    world = _team_with_sessions(live_server)
    team_id = world["team_id"]
    page = make_page()
    page.goto("/login")
    log_in(page, world["student"].username, PASSWORD)

    page.goto(f"/teams/{team_id}/sessions")
    with page.expect_navigation():
        page.get_by_role("link", name="导入平台数据").click()
    assert path_of(page) == f"/teams/{team_id}/imports"
    page.select_option("#f-mapping_id", label="抖音 · 电商罗盘直播数据")
    content = ("\n".join([HEADER, GOOD, BAD]) + "\n").encode("utf-8-sig")
    page.set_input_files(
        "#f-file", files=[{"name": "抖音直播数据.csv", "mimeType": "text/csv", "buffer": content}]
    )
    with page.expect_navigation():
        page.locator("#upload-form button[type=submit]").click()

    # The bad row says what is wrong beside it; the good one is ready.
    bad_row = page.locator("#line-3")
    expect(bad_row).to_have_class("row-error")
    expect(bad_row).to_contain_text("退款数不能多于订单数。")
    expect(page.locator("#line-2")).to_contain_text("可导入")
    page.once("dialog", lambda dialog: dialog.accept())  # "record the results now?"
    with page.expect_navigation():
        page.get_by_role("button", name="保存可导入的行（1）").click()
    expect(page.get_by_text("已从文件保存 1 场直播的结果。")).to_be_visible()
    expect(page.locator("#line-3")).to_contain_text("未保存")

    with page.expect_navigation():
        page.locator("#line-2").get_by_role("link", name="打开这场直播").click()
    assert path_of(page) == f"/teams/{team_id}/sessions/{world['first']}"
    expect(page.locator("main")).to_contain_text("¥12,860.50")
    expect(page.locator("main")).to_contain_text("143")
    assert page_errors == []
