"""The team page's per-member forms load on demand: an administrator opens a member's
"change post or leave" forms from the keyboard (htmx swaps them into the row, focus on
the post choice), saves a new post, and the row shows it."""

from datetime import date

import pytest
from sqlmodel import select

from tests.e2e.helpers import log_in

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture skips (or fails in CI) with a clear message
    expect = None

pytestmark = pytest.mark.e2e
PASSWORD = "e2e-password-123"


def _team(live_server):
    from app.models import Post
    from app.models.teams import Team, TeamMember

    admin = live_server.create_user(role="admin", full_name="王管理")
    student = live_server.create_user(role="student", full_name="张同学")
    with live_server.session() as session:
        anchor = session.exec(select(Post).where(Post.code == "anchor")).one()
        operation = session.exec(select(Post).where(Post.code == "operation")).one()
        team = Team(name="按需表单队", stage="academy")
        session.add(team)
        session.flush()
        session.add(
            TeamMember(
                team_id=team.id, user_id=student.id, post_id=anchor.id, joined_on=date(2025, 9, 1)
            )
        )
        session.commit()
        return admin, team.id, operation.id, operation.name_zh


@pytest.mark.e2e
def test_an_admin_changes_a_post_through_the_forms_loaded_on_demand(
    make_page, live_server, page_errors
):
    admin, team_id, operation_id, operation_name = _team(live_server)
    page = make_page()
    page.goto("/login")
    log_in(page, admin.username, PASSWORD)
    page.goto(f"/teams/{team_id}")
    expect(page.locator("select[name=post]")).to_have_count(1)  # only the add-member form's
    opener = page.locator("#members ~ .table-wrap a.btn")
    opener.focus()
    page.keyboard.press("Enter")
    choice = page.locator(".member-actions select[name=post]")
    expect(choice).to_be_focused()
    choice.select_option(str(operation_id))
    with page.expect_navigation():
        page.locator(".member-actions button[type=submit]").first.click()
    expect(page.locator("#members ~ .table-wrap")).to_contain_text(operation_name)
    assert page_errors == []
