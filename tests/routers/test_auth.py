from sqlmodel import select

from app.models import LoginAttempt, UserSession
from tests.factories import TEST_PASSWORD, make_admin, make_student


def test_login_by_username_or_email_opens_a_session(client, session):
    user = make_student(session, email="li@example.com")
    session.commit()
    client.login(user.username)
    assert client.get("/").status_code == 200
    client.login("LI@example.com")
    assert "测试用户" in client.get("/").text


def test_a_wrong_password_is_refused_with_a_message(client, session):
    user = make_student(session)
    session.commit()
    token = client.refresh_csrf("/login")
    response = client.post(
        "/login", data={"login": user.username, "password": "nope-nope", "csrf_token": token}
    )
    assert response.status_code == 401
    assert "Wrong username or password" in response.text or "用户名或密码错误" in response.text


def test_five_failed_logins_lock_the_account_with_429(client, session):
    user = make_student(session)
    session.commit()
    token = client.refresh_csrf("/login")
    for _ in range(5):
        bad = {"login": user.username, "password": "wrong-password", "csrf_token": token}
        assert client.post("/login", data=bad).status_code == 401
    good = {"login": user.username, "password": TEST_PASSWORD, "csrf_token": token}
    locked = client.post("/login", data=good, follow_redirects=False)
    assert locked.status_code == 429
    assert session.exec(select(UserSession)).first() is None


def test_login_without_csrf_token_is_refused(client, session):
    user = make_student(session)
    session.commit()
    client.get("/login")
    response = client.post("/login", data={"login": user.username, "password": TEST_PASSWORD})
    assert response.status_code == 403
    assert session.exec(select(LoginAttempt)).first() is None


def test_anonymous_pages_redirect_to_login_with_next(client, database_url):
    response = client.get("/?tab=x", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=%2F%3Ftab%3Dx"


def test_next_pointing_off_site_is_ignored(client, session):
    user = make_student(session)
    session.commit()
    token = client.refresh_csrf("/login")
    response = client.post(
        "/login",
        data={
            "login": user.username,
            "password": TEST_PASSWORD,
            "csrf_token": token,
            "next": "//evil.example.com/x",
        },
        follow_redirects=False,
    )
    assert response.headers["location"] == "/"


def test_logout_ends_the_session(client, session):
    admin = make_admin(session)
    session.commit()
    client.login(admin.username)
    assert client.post_form("/logout").status_code == 303
    assert client.get("/", follow_redirects=False).status_code == 303
    assert session.exec(select(UserSession)).first() is None


def test_session_cookie_is_httponly_and_samesite_lax(client, session):
    user = make_student(session)
    session.commit()
    token = client.refresh_csrf("/login")
    response = client.post(
        "/login",
        data={"login": user.username, "password": TEST_PASSWORD, "csrf_token": token},
        follow_redirects=False,
    )
    cookie = [h for h in response.headers.get_list("set-cookie") if h.startswith("cj_session=")][0]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie.replace("Lax", "lax")


def test_security_headers_are_on_every_page(client, database_url):
    response = client.get("/login")
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert "unsafe-inline" not in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"]
