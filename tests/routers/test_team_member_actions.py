"""A member row's "change post" and "leave" forms load on demand (htmx), from a route
with the same checks as the POST routes; without JavaScript the row links to a page."""

from sqlmodel import select

from app.models.teams import TeamMember
from tests.factories import make_admin, make_student, make_teacher
from tests.factories_teams import ensure_posts, make_team


def _team_with_member(session):
    ensure_posts(session)
    student = make_student(session, full_name="表单队员")
    team = make_team(session, members=[(student, "anchor")])
    member = session.exec(select(TeamMember).where(TeamMember.team_id == team.id)).one()
    return team, member, student


def test_the_team_page_links_each_row_to_its_forms_and_htmx_loads_only_them(client, session):
    team, member, _ = _team_with_member(session)
    admin = make_admin(session)
    session.commit()
    client.login(admin.username)
    url = f"/teams/{team.id}/members/{member.id}/actions"
    page = client.get(f"/teams/{team.id}").text
    assert f'href="{url}"' in page and f'hx-get="{url}"' in page
    assert f'action="/teams/{team.id}/members/{member.id}/post"' not in page  # not inline

    partial = client.get(url, headers={"HX-Request": "true"})
    assert partial.status_code == 200 and "<html" not in partial.text
    assert f'action="/teams/{team.id}/members/{member.id}/post"' in partial.text
    assert f'action="/teams/{team.id}/members/{member.id}/leave"' in partial.text
    assert 'name="csrf_token"' in partial.text and "表单队员" in partial.text

    full = client.get(url)  # without JavaScript: a page with the forms and a way back
    assert full.status_code == 200 and "<html" in full.text
    assert f'href="/teams/{team.id}#members"' in full.text
    assert f'action="/teams/{team.id}/members/{member.id}/leave"' in full.text


def test_a_failed_post_change_shows_that_rows_forms_again(client, session):
    team, member, _ = _team_with_member(session)
    teacher = make_teacher(session)
    session.commit()
    client.login(teacher.username)
    posts = ensure_posts(session)
    response = client.post_form(
        f"/teams/{team.id}/members/{member.id}/post", {"post": str(posts["anchor"].id)}
    )
    assert response.status_code == 422
    assert f'action="/teams/{team.id}/members/{member.id}/post"' in response.text


def test_students_and_other_teams_members_cannot_load_the_forms(client, session):
    team, member, student = _team_with_member(session)
    other_team = make_team(session)
    admin = make_admin(session)
    session.commit()
    client.login(student.username)  # even a member of the team
    assert client.get(f"/teams/{team.id}/members/{member.id}/actions").status_code == 403
    client.login(admin.username)
    assert client.get(f"/teams/{other_team.id}/members/{member.id}/actions").status_code == 404
    assert client.get(f"/teams/{team.id}/members/999999/actions").status_code == 404
    stint = session.get(TeamMember, member.id)
    stint.left_on = stint.joined_on  # a former member has no forms
    session.add(stint)
    session.commit()
    assert client.get(f"/teams/{team.id}/members/{member.id}/actions").status_code == 404
