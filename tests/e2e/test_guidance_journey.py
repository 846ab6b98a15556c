"""The guidance journey: a mentor sees only their paired team and logs a session with two
action items; a team member acknowledges it and ticks an item; the admin report shows the hours."""

from datetime import date

import pytest
from sqlmodel import select

from tests.e2e.helpers import log_in, path_of

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture skips (or fails in CI) with a clear message
    expect = None

pytestmark = pytest.mark.e2e
PASSWORD = "e2e-password-123"


def _paired_teams(live_server):
    from app.models import Post
    from app.models.teams import Pairing, Team, TeamMember

    mentor = live_server.create_user(role="mentor", full_name="林导师")
    other_mentor = live_server.create_user(role="mentor", full_name="别的导师")
    teacher = live_server.create_user(role="teacher", full_name="陈老师")
    student = live_server.create_user(role="student", full_name="张同学")
    admin = live_server.create_user(role="admin", full_name="王管理")
    with live_server.session() as session:
        anchor = session.exec(select(Post).where(Post.code == "anchor")).one()
        mine = Team(name="星火直播队", stage="academy", captain_id=student.id)
        theirs = Team(name="别人的团队", stage="club")
        session.add_all([mine, theirs])
        session.flush()
        session.add(
            TeamMember(
                team_id=mine.id, user_id=student.id, post_id=anchor.id, joined_on=date(2025, 9, 1)
            )
        )
        for team, who in ((mine, mentor), (theirs, other_mentor)):
            session.add(
                Pairing(
                    team_id=team.id,
                    teacher_id=teacher.id,
                    mentor_id=who.id,
                    starts_on=date(2025, 9, 1),
                )
            )
        session.commit()
        return {"mentor": mentor, "student": student, "admin": admin, "team_id": mine.id}


@pytest.mark.e2e
def test_mentor_logs_guidance_team_acknowledges_admin_sees_hours(
    make_page, live_server, page_errors
):
    world = _paired_teams(live_server)

    mentor_page = make_page()
    mentor_page.goto("/login")
    log_in(mentor_page, world["mentor"].username, PASSWORD)
    mentor_page.goto("/guidance")
    teams_table = mentor_page.locator("table.my-teams")
    expect(teams_table).to_contain_text("星火直播队")
    expect(teams_table).not_to_contain_text("别人的团队")
    mentor_page.goto("/teams")
    expect(mentor_page.locator("#team-results")).to_contain_text("星火直播队")
    expect(mentor_page.locator("#team-results")).not_to_contain_text("别人的团队")

    mentor_page.goto("/guidance")
    mentor_page.locator("table.my-teams a.btn-primary").click()
    form = mentor_page.locator("#log-form")
    expect(form).to_be_visible()
    form.locator("#f-minutes").fill("90")
    form.locator("#f-mode").select_option("in_studio")
    form.locator(".topics details summary").first.click()
    form.locator(".topics input[type=checkbox]").first.check()
    form.locator("#f-notes").fill("复盘上一场直播，调整开场话术。")
    form.locator("#action-1").fill("重写开场三分钟话术")
    form.locator("#action-2").fill("整理下场选品清单")
    form.locator("button[type=submit]").click()
    expect(mentor_page.locator(".action-items li")).to_have_count(2)
    log_path = path_of(mentor_page)
    assert log_path.startswith("/guidance/logs/")

    student_page = make_page()
    student_page.goto("/login")
    log_in(student_page, world["student"].username, PASSWORD)
    student_page.goto(f"/teams/{world['team_id']}")
    student_page.locator(f".log-list a[href='{log_path}']").click()
    student_page.locator(".ack-form button").click()
    expect(student_page.locator(".ack-form")).to_have_count(0)
    first_item = student_page.locator(".action-items li").first
    first_item.locator("button").click()
    expect(student_page.locator(".action-items li.is-done")).to_have_count(1)
    expect(student_page.locator("#ack-state")).not_to_be_empty()

    admin_page = make_page()
    admin_page.goto("/login")
    log_in(admin_page, world["admin"].username, PASSWORD)
    admin_page.goto("/guidance/report")
    expect(admin_page.locator("#total-hours")).to_have_text("1.5")
    expect(admin_page.locator("#by-mentor")).to_contain_text("林导师")
    expect(admin_page.locator("#by-team")).to_contain_text("星火直播队")
    expect(admin_page.locator("#quiet-teams")).to_contain_text("别人的团队")
    assert page_errors == []
