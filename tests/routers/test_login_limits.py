"""Login limits: per account and per address (held in the database), unlocking by an
administrator, and one-time passwords that expire."""

import re
from datetime import timedelta

from sqlalchemy import update
from sqlmodel import select

from app.config import settings
from app.models import LoginAttempt, User, UserSession
from app.models.base import utcnow
from tests.conftest import WebClient
from tests.factories import TEST_PASSWORD, make_admin, make_student, make_teacher

SPRAYER = ("198.51.100.20", 40000)


def _try(client: WebClient, login: str, password: str, **headers):
    return client.post(
        "/login",
        data={"login": login, "password": password, "csrf_token": client.csrf},
        headers=headers,
        follow_redirects=False,
    )


def test_spraying_25_accounts_from_one_address_gets_429_with_retry_after(app, session):
    users = [make_student(session) for _ in range(25)]
    session.commit()
    with WebClient(app, client=SPRAYER, raise_server_exceptions=False) as sprayer:
        sprayer.refresh_csrf("/login")
        statuses = [_try(sprayer, user.username, "Summer2025!").status_code for user in users]
        assert statuses[0] == 401
        assert statuses[-1] == 429, statuses
        refused = _try(sprayer, users[0].username, TEST_PASSWORD)  # even the right password
        assert refused.status_code == 429
        assert 0 < int(refused.headers["retry-after"]) <= settings.login_lock_minutes * 60
        assert "网络地址" in refused.text  # the default language: Chinese
        sprayer.cookies.set("cj_lang", "en")
        english = _try(sprayer, users[1].username, TEST_PASSWORD)
        assert "from this network address" in english.text
    assert session.exec(select(UserSession)).first() is None
    # Each account failed once: from another address its owner logs in as usual.
    with WebClient(app, client=("203.0.113.5", 40001)) as owner:
        owner.login(users[0].username)


def test_the_address_limit_counts_failures_other_workers_recorded(client, session):
    """Workers share nothing but the database: failures recorded there count at once."""
    user = make_student(session)
    now = utcnow()
    for n in range(settings.login_address_max_failures):
        session.add(
            LoginAttempt(
                account_key=f"name:guess{n}",
                succeeded=False,
                attempted_at=now - timedelta(minutes=1),
                ip_address="testclient",
            )
        )
    session.commit()
    client.refresh_csrf("/login")
    assert _try(client, user.username, TEST_PASSWORD).status_code == 429


def _lock(app, user) -> None:
    with WebClient(app, client=("203.0.113.7", 40002), raise_server_exceptions=False) as c:
        c.refresh_csrf("/login")
        for _ in range(settings.login_max_failures):
            assert _try(c, user.username, "wrong-password").status_code == 401
        assert _try(c, user.username, TEST_PASSWORD).status_code == 429


def test_an_administrator_unlocks_a_locked_account(app, client, session):
    admin, student = make_admin(session), make_student(session, full_name="林同学")
    session.commit()
    _lock(app, student)
    client.login(admin.username)
    page = client.get(f"/people/{student.id}").text
    assert f'action="/people/{student.id}/unlock"' in page
    form = re.search(r'<form[^>]*action="/people/\d+/unlock"[^>]*>', page).group(0)
    assert "data-confirm=" in form
    assert re.search(r'hx-post="/people/\d+/unlock"[^>]*hx-confirm=', page)
    no_csrf = client.post(f"/people/{student.id}/unlock", follow_redirects=False)
    assert no_csrf.status_code == 403
    assert client.post_form(f"/people/{student.id}/unlock").status_code == 303
    assert "/unlock" not in client.get(f"/people/{student.id}").text
    with WebClient(app, client=("203.0.113.8", 40003)) as again:
        again.login(student.username)


def test_a_teacher_cannot_unlock_an_account(app, client, session):
    teacher, student = make_teacher(session), make_student(session)
    session.commit()
    _lock(app, student)
    client.login(teacher.username)
    assert client.post_form(f"/people/{student.id}/unlock").status_code == 403
    with WebClient(app, client=("203.0.113.9", 40004), raise_server_exceptions=False) as c:
        c.refresh_csrf("/login")
        assert _try(c, student.username, TEST_PASSWORD).status_code == 429


def _issue(client, session, student, password: str, *, days_ago: float) -> None:
    response = client.post_form(f"/people/{student.id}/password", {"password": password})
    assert response.status_code == 200
    issued = utcnow() - timedelta(days=days_ago)
    session.exec(update(User).where(User.id == student.id).values(password_changed_at=issued))
    session.commit()


def test_an_expired_one_time_password_cannot_log_in(app, client, session):
    admin, student = make_admin(session), make_student(session)
    session.commit()
    client.login(admin.username)
    _issue(client, session, student, "temp-pass-42", days_ago=settings.one_time_password_days + 1)
    with WebClient(app, client=("203.0.113.10", 40005), raise_server_exceptions=False) as c:
        c.refresh_csrf("/login")
        refused = _try(c, student.username, "temp-pass-42")
        assert refused.status_code == 401
        assert "请联系管理员重新发放" in refused.text
        c.cookies.set("cj_lang", "en")
        refused = _try(c, student.username, "temp-pass-42")
        assert "Ask an administrator to issue a new one" in refused.text
        opened = select(UserSession).where(UserSession.user_id == student.id)
        assert session.exec(opened).first() is None
    page = client.get(f"/people/{student.id}").text
    assert "一次性密码已于" in page and "过期" in page  # the administrator sees why
    # A fresh one works; one issued six days ago still does.
    _issue(client, session, student, "temp-pass-43", days_ago=settings.one_time_password_days - 1)
    with WebClient(app, client=("203.0.113.11", 40006)) as c:
        c.login(student.username, password="temp-pass-43")


def test_an_own_password_does_not_expire(app, session):
    student = make_student(session, password_changed_at=utcnow() - timedelta(days=400))
    session.commit()
    with WebClient(app) as c:
        c.login(student.username)


def test_wrong_password_and_lockout_messages_are_chinese_on_chinese_pages(client, session):
    user = make_student(session)
    session.commit()
    client.refresh_csrf("/login")
    for headers in ({}, {"HX-Request": "true"}):
        wrong = _try(client, user.username, "not-the-password", **headers)
        assert wrong.status_code == 401
        assert "用户名或密码错误" in wrong.text and "Wrong username" not in wrong.text
    for _ in range(settings.login_max_failures):
        locked = _try(client, user.username, "not-the-password", **{"HX-Request": "true"})
    assert locked.status_code == 429
    assert "登录失败次数过多" in locked.text and "Too many failed logins" not in locked.text
