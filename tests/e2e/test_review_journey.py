"""The review journey: a student writes a session's review with an action for a teammate,
the team's paired mentor comments on it, and the team's next session shows the action
carried over."""

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


def _team_with_two_sessions(live_server):
    from app.models import Post
    from app.models.teams import LiveSession, Pairing, Project, Team, TeamMember

    student = live_server.create_user(role="student", full_name="张同学")
    helper = live_server.create_user(role="student", full_name="李助播")
    mentor = live_server.create_user(role="mentor", full_name="林导师")
    teacher = live_server.create_user(role="teacher", full_name="陈老师")
    with live_server.session() as session:
        anchor = session.exec(select(Post).where(Post.code == "anchor")).one()
        team = Team(name="复盘直播队", stage="academy", captain_id=student.id)
        session.add(team)
        session.flush()
        for who in (student, helper):
            session.add(
                TeamMember(
                    team_id=team.id, user_id=who.id, post_id=anchor.id, joined_on=date(2025, 9, 1)
                )
            )
        session.add(
            Pairing(
                team_id=team.id,
                teacher_id=teacher.id,
                mentor_id=mentor.id,
                starts_on=date(2025, 9, 1),
            )
        )
        project = Project(team_id=team.id, title="复盘直播队的项目")
        session.add(project)
        session.flush()
        aired = datetime.now(UTC).replace(microsecond=0) - timedelta(days=3)
        sessions = {}
        for key, theme, start, status in (
            ("earlier", "秋季宠粉专场", aired, "completed"),
            ("next", "双十一预热", aired + timedelta(days=7), "planned"),
        ):
            live = LiveSession(
                team_id=team.id,
                project_id=project.id,
                theme=theme,
                planned_start=start,
                planned_minutes=120,
                session_date=start.date(),
                status=status,
            )
            if status == "completed":
                live.actual_start, live.actual_end = start, start + timedelta(hours=2)
                live.actual_minutes, live.gmv_fen, live.orders = 120, 500000, 40
            session.add(live)
            session.flush()
            sessions[key] = f"/teams/{team.id}/sessions/{live.id}"
        session.commit()
    return {"student": student, "helper": helper, "mentor": mentor, **sessions}


@pytest.mark.e2e
def test_student_reviews_mentor_comments_next_session_carries_the_action(
    make_page, live_server, page_errors
):
    world = _team_with_two_sessions(live_server)

    student_page = make_page()
    student_page.goto("/login")
    log_in(student_page, world["student"].username, PASSWORD)
    student_page.goto(world["earlier"])
    form = student_page.locator("#review-form")
    form.locator("#f-went_well").fill("福袋环节留人效果好")
    form.locator("#f-problems").fill("中段讲解节奏偏慢")
    form.locator("#action_text_1").fill("重写中段讲解话术")
    form.locator("#action_owner_1").select_option(label="李助播")
    form.locator("#action_due_1").fill("2030-01-15")
    with student_page.expect_navigation():
        form.locator("button[type=submit]").click()
    actions = student_page.locator("#review-actions")
    expect(actions).to_contain_text("重写中段讲解话术")
    expect(actions).to_contain_text("李助播")

    mentor_page = make_page()
    mentor_page.goto("/login")
    log_in(mentor_page, world["mentor"].username, PASSWORD)
    mentor_page.goto(world["earlier"])
    expect(mentor_page.locator("#review-form")).to_have_count(0)
    comment = mentor_page.locator("#comment-form")
    comment.locator("#f-body").fill("开场可以更快进入主推品")
    with mentor_page.expect_navigation():
        comment.locator("button[type=submit]").click()
    expect(mentor_page.locator("#review-comments")).to_contain_text("开场可以更快进入主推品")

    student_page.goto(world["earlier"])
    comments = student_page.locator("#review-comments")
    expect(comments).to_contain_text("林导师")
    expect(comments).to_contain_text("开场可以更快进入主推品")
    student_page.goto(world["next"])
    carried = student_page.locator("#carried-actions")
    expect(carried).to_contain_text("秋季宠粉专场")
    expect(carried).to_contain_text("重写中段讲解话术")
    assert page_errors == []
