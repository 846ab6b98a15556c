"""The script check journey: a member writes a script and sees the claim highlighted; a
teacher signs it off with a note; the member marks the session ready."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import select

from tests.e2e.helpers import log_in

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture skips (or fails in CI) with a clear message
    expect = None

pytestmark = pytest.mark.e2e
PASSWORD = "e2e-password-123"


def _planned_session(live_server) -> dict:
    from app.models import Post
    from app.models.teams import LiveSession, LiveSessionProduct, Project, Team, TeamMember

    student = live_server.create_user(role="student", full_name="张同学")
    teacher = live_server.create_user(role="teacher", full_name="陈老师")
    start = datetime.now(UTC) + timedelta(days=2)
    with live_server.session() as session:
        anchor = session.exec(select(Post).where(Post.code == "anchor")).one()
        team = Team(name="话术检查队", stage="academy", captain_id=student.id)
        session.add(team)
        session.flush()
        session.add(
            TeamMember(
                team_id=team.id, user_id=student.id, post_id=anchor.id, joined_on=date(2025, 9, 1)
            )
        )
        project = Project(team_id=team.id, title="家乡特产")
        session.add(project)
        session.flush()
        live = LiveSession(
            team_id=team.id,
            project_id=project.id,
            theme="牛肉干专场",
            planned_start=start,
            planned_minutes=90,
            session_date=start.date(),
        )
        session.add(live)
        session.flush()
        session.add(LiveSessionProduct(session_id=live.id, name="牛肉干", price_fen=5990))
        session.commit()
        url = f"/teams/{team.id}/sessions/{live.id}"
    return {"student": student, "teacher": teacher, "url": url}


@pytest.mark.e2e
def test_a_member_writes_a_script_a_teacher_signs_off_and_the_session_is_ready(
    make_page, live_server, page_errors
):
    world = _planned_session(live_server)
    student_page = make_page()
    student_page.goto("/login")
    log_in(student_page, world["student"].username, PASSWORD)
    student_page.goto(world["url"] + "/script")
    form = student_page.locator("#script-form")
    form.locator("#f-script").fill("第一次来的宝宝点关注。\n这款牛肉干是全网最低价！")
    form.locator("button[type=submit]").click()
    mark = student_page.locator("mark.hit-price").first
    expect(mark).to_have_text("全网最低价")
    assert "《明码标价和禁止价格欺诈规定》" in mark.get_attribute("title")
    expect(student_page.locator("mark", has_text="第一次")).to_have_count(0)

    teacher_page = make_page()
    teacher_page.goto("/login")
    log_in(teacher_page, world["teacher"].username, PASSWORD)
    teacher_page.goto(world["url"] + "/script")
    sign_off = teacher_page.locator("form.sign-off").first
    sign_off.locator("textarea[name=note]").fill("有前七日成交记录，可以保留")
    sign_off.locator("button[type=submit]").click()
    expect(teacher_page.locator(".hits .notice")).to_contain_text("有前七日成交记录")

    student_page.goto(world["url"])
    summary = student_page.locator("#script-summary")
    expect(summary).to_contain_text("未就绪")
    summary.locator("button[type=submit]").click()
    expect(student_page.locator("#script-summary .badge-ok")).to_have_text("已就绪")
    assert page_errors == []
