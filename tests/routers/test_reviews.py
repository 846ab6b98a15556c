"""The review section of a session page: a member saves the review with actions, bad rows
come back beside their field (422), the paired mentor and staff comment, outsiders neither
see nor post, and open actions show on the team's later session and plan pages."""

from datetime import date

import pytest
from sqlmodel import select

from app.models import User
from app.models.reviews import ReviewAction, ReviewComment
from tests.factories import make_mentor, make_student, make_teacher
from tests.factories_teams import make_live_session, make_pairing, make_project, make_team

HX = {"HX-Request": "true"}
CARRIED = 'id="carried-actions"'


@pytest.fixture
def world(session):
    alice, helper, bob = make_student(session), make_student(session), make_student(session)
    team = make_team(session, members=[(alice, "anchor"), (helper, "traffic")])
    other = make_team(session, members=[(bob, "anchor")])
    project = make_project(session, team)
    make_project(session, other)
    earlier = make_live_session(session, team, project, on=date(2025, 10, 1))
    earlier.theme = "国庆宠粉专场"
    earlier.actions = "旧版的改进措施文本"
    later = make_live_session(session, team, project, on=date(2025, 10, 8), completed=False)
    later.theme = "双十一预热"
    session.add_all([earlier, later])
    mentor, stranger = make_mentor(session), make_mentor(session)
    make_pairing(session, team, mentor=mentor)
    make_pairing(session, other, mentor=stranger)
    session.commit()
    return {
        "alice": alice,
        "helper": helper,
        "bob": bob,
        "team": team,
        "earlier": earlier,
        "later": later,
        "mentor": mentor,
        "stranger": stranger,
    }


def _url(world, live, tail=""):
    return f"/teams/{world['team'].id}/sessions/{live.id}{tail}"


def _review(world, **changes):
    values = {
        "went_well": "互动好",
        "problems": "备货不足",
        "action_id": ["", ""],
        "action_text": ["提前备货", ""],
        "action_owner": [str(world["helper"].id), ""],
        "action_due": ["2025-10-07", ""],
    }
    values.update(changes)
    return values


def test_a_member_saves_a_review_with_an_action_for_a_teammate(client, session, world):
    client.login(world["alice"].username)
    page = client.get(_url(world, world["earlier"]))
    assert 'id="review-form"' in page.text and "旧版的改进措施文本" in page.text  # earlier notes
    response = client.post_form(_url(world, world["earlier"], "/review"), _review(world))
    assert response.status_code == 303
    (action,) = session.exec(select(ReviewAction)).all()
    assert (action.text, action.owner_id, action.created_by_id) == (
        "提前备货",
        world["helper"].id,
        world["alice"].id,
    )
    session.refresh(world["earlier"])
    assert (world["earlier"].went_well, world["earlier"].actions) == (
        "互动好",
        "旧版的改进措施文本",
    )


def test_an_action_without_an_owner_comes_back_beside_the_field_and_saves_nothing(
    client, session, world
):
    client.login(world["alice"].username)
    bad = _review(world, action_owner=["", ""], went_well="不该保存")
    response = client.post_form(_url(world, world["earlier"], "/review"), bad, headers=HX)
    assert response.status_code == 422
    assert 'id="action_owner_1-error"' in response.text and "<html" not in response.text
    assert 'value="提前备货"' in response.text  # what was typed is shown again
    outsider = _review(world, action_owner=[str(world["bob"].id), ""])
    response = client.post_form(_url(world, world["earlier"], "/review"), outsider)
    assert response.status_code == 422 and 'id="action_owner_1-error"' in response.text
    assert "<html" in response.text  # without htmx, the whole page
    assert session.exec(select(ReviewAction)).all() == []
    session.refresh(world["earlier"])
    assert world["earlier"].went_well == ""


def test_a_review_without_the_csrf_token_is_refused(client, session, world):
    client.login(world["alice"].username)
    response = client.post(
        _url(world, world["earlier"], "/review"), data=_review(world), follow_redirects=False
    )
    assert response.status_code == 403
    comment = client.post(
        _url(world, world["earlier"], "/comments"), data={"body": "x"}, follow_redirects=False
    )
    assert comment.status_code == 403
    assert session.exec(select(ReviewAction)).all() == []


def test_the_paired_mentor_and_a_teacher_comment_and_the_team_reads_it(client, session, world):
    client.login(world["mentor"].username)
    page = client.get(_url(world, world["earlier"]))
    assert 'id="comment-form"' in page.text and 'id="review-form"' not in page.text
    url = _url(world, world["earlier"], "/comments")
    assert client.post_form(url, {"body": "开场三分钟太慢"}).status_code == 303
    teacher = make_teacher(session)
    session.commit()
    client.login(teacher.username)
    assert client.post_form(url, {"body": "同意导师"}).status_code == 303
    client.login(world["alice"].username)
    page = client.get(_url(world, world["earlier"]))
    assert page.text.index("开场三分钟太慢") < page.text.index("同意导师")
    assert world["mentor"].full_name in page.text and 'id="comment-form"' not in page.text
    assert client.post_form(url, {"body": "学生不能点评"}).status_code == 403


def test_a_blank_comment_comes_back_beside_the_field(client, session, world):
    client.login(world["mentor"].username)
    response = client.post_form(
        _url(world, world["earlier"], "/comments"), {"body": " "}, headers=HX
    )
    assert response.status_code == 422 and 'id="body-error"' in response.text
    assert session.exec(select(ReviewComment)).all() == []


def test_a_mentor_not_paired_with_the_team_can_neither_see_nor_comment(client, session, world):
    client.login(world["stranger"].username)
    assert client.get(_url(world, world["earlier"])).status_code == 404
    response = client.post_form(_url(world, world["earlier"], "/comments"), {"body": "路过"})
    assert response.status_code == 404
    assert session.exec(select(ReviewComment)).all() == []


def test_another_teams_student_can_neither_see_nor_post(client, session, world):
    client.login(world["alice"].username)
    client.post_form(_url(world, world["earlier"], "/review"), _review(world))
    (action,) = session.exec(select(ReviewAction)).all()
    client.login(world["bob"].username)
    assert client.get(_url(world, world["earlier"])).status_code == 404
    assert (
        client.post_form(_url(world, world["earlier"], "/review"), _review(world)).status_code
        == 404
    )
    done = client.post_form(
        _url(world, world["earlier"], f"/actions/{action.id}/done"), {"done": "1"}
    )
    assert done.status_code == 404
    comment = client.post_form(_url(world, world["earlier"], "/comments"), {"body": "x"})
    assert comment.status_code == 403  # students never comment
    session.refresh(action)
    assert action.status == "open" and session.exec(select(ReviewComment)).all() == []


def test_open_actions_show_on_the_later_session_and_its_plan_until_done(client, session, world):
    client.login(world["alice"].username)
    client.post_form(_url(world, world["earlier"], "/review"), _review(world))
    (action,) = session.exec(select(ReviewAction)).all()
    later = client.get(_url(world, world["later"]))
    assert "转自 国庆宠粉专场（2025-10-01）" in later.text and "提前备货" in later.text
    plan = client.get(_url(world, world["later"], "/plan"))
    assert CARRIED in plan.text and "提前备货" in plan.text
    new_plan = client.get(f"/teams/{world['team'].id}/sessions/new")
    assert CARRIED in new_plan.text  # a session not planned yet comes after all of them
    assert CARRIED not in client.get(_url(world, world["earlier"])).text
    client.login(world["helper"].username)  # the owner ticks it off
    tick = _url(world, world["earlier"], f"/actions/{action.id}/done")
    response = client.post_form(tick, {"done": "1"}, headers=HX)
    assert response.status_code == 200 and "is-done" in response.text
    assert CARRIED not in client.get(_url(world, world["later"])).text
    assert client.post_form(tick, {"done": "0"}).status_code == 303  # reopened
    assert CARRIED in client.get(_url(world, world["later"])).text


def test_the_paired_mentor_cannot_tick_an_action(client, session, world):
    client.login(world["alice"].username)
    client.post_form(_url(world, world["earlier"], "/review"), _review(world))
    (action,) = session.exec(select(ReviewAction)).all()
    client.login(session.get(User, world["mentor"].id).username)
    tick = _url(world, world["earlier"], f"/actions/{action.id}/done")
    assert client.post_form(tick, {"done": "1"}).status_code == 403
