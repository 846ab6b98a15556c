"""The notification centre's pages: the bell on every page (no extra statement), the list,
marking read (only one's own), preferences, and the studio and team robots' settings."""

import re

import pytest
from sqlmodel import select

from app.models.notifications import NotificationPreference, WebhookEndpoint
from app.services import notifications as notification_service
from tests.factories import make_admin, make_mentor, make_student, make_teacher
from tests.factories_studios import make_studio
from tests.factories_teams import make_pairing, make_team

HX = {"HX-Request": "true"}


def _tell(session, user, n=1, kind="exam_result"):
    rows = [
        notification_service.notify(
            session,
            recipient_id=user.id,
            kind=kind,
            params={"exam": f"实操{i}", "result": "80"},
            link="/portfolio",
        )
        for i in range(n)
    ]
    session.commit()
    return rows


def _bell_count(html: str) -> str | None:
    match = re.search(r'<span class="bell-count"[^>]*>([^<]+)</span>', html)
    return match.group(1) if match else None


def test_the_bell_shows_the_unread_count_without_another_statement(
    client, session, statement_counter
):
    student = make_student(session)
    session.commit()
    client.login(student.username)
    client.get("/")
    with statement_counter() as before:
        page = client.get("/").text
    assert _bell_count(page) is None and 'href="/notifications"' in page
    _tell(session, student, 3)
    with statement_counter() as after:
        page = client.get("/").text
    assert _bell_count(page) == "3"
    assert len(after) == len(before)


def test_the_list_shows_ones_own_newest_first_and_marks_read(client, other_client, session):
    alice, bob = make_student(session), make_student(session)
    first, second = _tell(session, alice, 2)
    (bobs,) = _tell(session, bob, 1)
    client.login(alice.username)
    page = client.get("/notifications").text
    assert page.index("实操1") < page.index("实操0")  # newest first
    assert page.count('class="notification notification-unread"') == 2
    assert 'href="/portfolio"' in page
    # someone else's notification does not exist for alice
    assert client.post_form(f"/notifications/{bobs.id}/read", headers=HX).status_code == 404
    answer = client.post_form(f"/notifications/{first.id}/read", headers=HX)
    assert answer.status_code == 200
    assert f'id="notification-{first.id}"' in answer.text
    assert f'action="/notifications/{first.id}/read"' not in answer.text
    assert 'hx-swap-oob="true"' in answer.text and _bell_count(answer.text) == "1"
    assert client.post_form("/notifications/read-all").status_code == 303
    assert _bell_count(client.get("/notifications").text) is None
    other_client.login(bob.username)
    assert _bell_count(other_client.get("/").text) == "1"  # bob's stays unread


def test_an_empty_centre_says_what_will_appear(client, session):
    student = make_student(session)
    session.commit()
    client.login(student.username)
    assert "暂无通知" in client.get("/notifications").text


def test_preferences_keep_which_kinds_come_by_email(client, session):
    student = make_student(session, email="s@example.edu.cn")
    session.commit()
    client.login(student.username)
    page = client.get("/notifications/preferences").text
    assert page.count('name="email_') == len(notification_service.KINDS)
    answer = client.post_form("/notifications/preferences", {"email_exam_result": "1"})
    assert answer.status_code == 303
    chosen = {
        p.kind: p.email
        for p in session.exec(
            select(NotificationPreference).where(NotificationPreference.user_id == student.id)
        ).all()
    }
    assert chosen["exam_result"] is True and chosen["booking_approved"] is False
    page = client.get("/notifications/preferences").text
    assert page.count(" checked>") == 1


def test_only_an_administrator_sets_a_studios_robots(client, session):
    admin, teacher = make_admin(session), make_teacher(session)
    studio = make_studio(session)
    session.commit()
    url = f"/notifications/robots/studios/{studio.id}"
    client.login(teacher.username)
    assert client.get(url).status_code == 403
    assert client.post_form(url, {"kind": "wecom", "url": "https://q/x"}).status_code == 403
    client.login(admin.username)
    assert studio.name in client.get("/notifications/preferences").text
    bad = client.post_form(url, {"kind": "wecom", "url": "http://example.com/x"}, headers=HX)
    assert bad.status_code == 422 and "请输入机器人的 https:// Webhook 地址" in bad.text
    assert session.exec(select(WebhookEndpoint)).all() == []
    hook = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abcd1234"
    assert client.post_form(url, {"kind": "wecom", "url": hook}).status_code == 303
    page = client.get(url).text
    assert "1234" in page and "abcd1234" not in page  # the key is not shown whole


def test_a_teams_paired_mentor_sets_its_robots_and_another_mentor_cannot(
    client, other_client, session
):
    mentor, stranger, student = make_mentor(session), make_mentor(session), make_student(session)
    team = make_team(session, members=[(student, "anchor")])
    make_pairing(session, team, mentor=mentor)
    session.commit()
    url = f"/notifications/robots/teams/{team.id}"
    client.login(mentor.username)
    assert team.name in client.get("/notifications/preferences").text
    hook = "https://oapi.dingtalk.com/robot/send?access_token=tok9"
    answer = client.post_form(url, {"kind": "dingtalk", "url": hook, "secret": "SEC"})
    assert answer.status_code == 303
    endpoint = session.exec(select(WebhookEndpoint)).one()
    assert (endpoint.team_id, endpoint.secret) == (team.id, "SEC")
    other_client.login(stranger.username)
    assert other_client.get(url).status_code == 404
    assert other_client.post_form(url, {"kind": "wecom", "url": hook}).status_code == 404
    gone = other_client.post_form(f"/notifications/robots/{endpoint.id}/delete")
    assert gone.status_code == 404
    other_client.login(student.username)
    assert other_client.get(url).status_code == 403
    assert client.post_form(f"/notifications/robots/{endpoint.id}/delete").status_code == 303
    assert session.exec(select(WebhookEndpoint)).all() == []


@pytest.mark.parametrize("path", ["/notifications", "/notifications/preferences"])
def test_the_centre_needs_a_login(client, path):
    answer = client.get(path, follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"].startswith("/login")
