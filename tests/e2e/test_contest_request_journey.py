"""A student captain registers the team for an edition (the request waits for staff), an
administrator confirms it from the edition's list of requests, and the student sees the
entry registered."""

from datetime import date

import pytest

from tests.e2e.helpers import log_in

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture skips (or fails in CI) with a clear message
    expect = None

pytestmark = pytest.mark.e2e
PASSWORD = "e2e-password-123"


def _world(live_server):
    from sqlmodel import select

    from app.models import Post
    from app.models.contests import Edition, Round, Track
    from app.models.curriculum import Competition
    from app.models.teams import Team, TeamMember

    admin = live_server.create_user(role="admin", full_name="赛事管理员")
    captain = live_server.create_user(role="student", full_name="队长小周")
    member = live_server.create_user(role="student", full_name="队员小吴")
    with live_server.session() as s:
        anchor = s.exec(select(Post).where(Post.code == "anchor")).one()
        competition = s.exec(select(Competition).order_by(Competition.id)).first()
        edition = Edition(
            competition_id=competition.id,
            year=2035,
            registration_opens_on=date(2020, 1, 1),
            registration_closes_on=date(2099, 12, 31),
        )
        s.add(edition)
        s.flush()
        track = Track(edition_id=edition.id, name_zh="助农直播赛道", min_members=2)
        s.add_all([Round(edition_id=edition.id, position=1, level="school"), track])
        team = Team(name="青禾报名队", captain_id=captain.id)
        s.add(team)
        s.flush()
        for student in (captain, member):
            s.add(
                TeamMember(
                    team_id=team.id,
                    user_id=student.id,
                    post_id=anchor.id,
                    joined_on=date(2025, 9, 1),
                )
            )
        s.commit()
        return {
            "admin": admin,
            "captain": captain,
            "member": member,
            "edition_url": f"/contests/editions/{edition.id}",
            "track_id": track.id,
        }


@pytest.mark.e2e
def test_a_captain_registers_the_team_an_admin_confirms_and_the_student_sees_it(
    make_page, live_server, page_errors
):
    world = _world(live_server)

    student = make_page()
    student.goto("/login")
    log_in(student, world["captain"].username, PASSWORD)
    student.goto(world["edition_url"])
    student.get_by_role("link", name="为本队报名").click()
    form = student.locator("#entry-form")
    form.locator("#f-track_id").select_option(str(world["track_id"]))
    form.locator("#f-title").fill("青禾助农直播间")
    form.locator(f"input[name=member_ids][value='{world['captain'].id}']").check()
    form.locator("button[type=submit]").click()  # one member: the track needs two
    expect(student.locator("#member_ids-error")).to_contain_text("至少")
    student.locator(f"input[name=member_ids][value='{world['member'].id}']").check()
    student.locator("#entry-form button[type=submit]").click()
    ours = student.locator("#our-teams")
    expect(ours.locator("[data-entry-status]")).to_have_text("待确认")
    expect(ours).to_contain_text("青禾助农直播间")

    admin = make_page()
    admin.goto("/login")
    log_in(admin, world["admin"].username, PASSWORD)
    admin.goto(world["edition_url"])
    admin.locator("#requests a", has_text="青禾报名队").click()
    expect(admin.locator("[data-entry-status]")).to_have_text("待确认")
    admin.get_by_role("button", name="确认报名").click()
    expect(admin.locator("[data-entry-status]")).to_have_text("已报名")

    student.goto(world["edition_url"])
    expect(student.locator("#our-teams [data-entry-status]")).to_have_text("已报名")
    expect(student.get_by_role("link", name="为本队报名")).to_have_count(0)
    assert page_errors == []
