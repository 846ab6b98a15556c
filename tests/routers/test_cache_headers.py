"""Caching and transport headers: logged-in pages are never stored, static files are;
HSTS only over HTTPS."""

from tests.conftest import WebClient
from tests.factories import make_admin, make_student

STATIC = "/static/css/app.css"


def test_logged_in_pages_are_not_stored_by_browsers_or_proxies(client, session):
    admin = make_admin(session)
    session.commit()
    client.login(admin.username)
    for path in ("/", "/people", f"/people/{admin.id}", "/account/password", "/studios"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers.get("cache-control") == "no-store", path
    partial = client.get("/people?q=x", headers={"HX-Request": "true"})
    assert partial.headers.get("cache-control") == "no-store"
    redirect = client.post_form("/language", {"locale": "en", "next": "/"})
    assert redirect.status_code == 303 and redirect.headers.get("cache-control") == "no-store"


def test_the_login_response_that_opens_a_session_is_not_stored(client, session):
    student = make_student(session)
    session.commit()
    token = client.refresh_csrf("/login")
    response = client.post(
        "/login",
        data={"login": student.username, "password": "test-password", "csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers.get("cache-control") == "no-store"


def test_static_files_keep_their_caching(client, session):
    anonymous = client.get(STATIC)
    assert anonymous.status_code == 200
    assert "no-store" not in anonymous.headers.get("cache-control", "")
    assert anonymous.headers.get("etag")
    again = client.get(STATIC, headers={"If-None-Match": anonymous.headers["etag"]})
    assert again.status_code == 304
    student = make_student(session)
    session.commit()
    client.login(student.username)
    assert "no-store" not in client.get(STATIC).headers.get("cache-control", "")


def test_hsts_is_sent_over_https_only(app, database_url):
    with WebClient(app, base_url="https://testserver") as secure:
        assert secure.get("/login").headers["strict-transport-security"].startswith("max-age=")
    with WebClient(app, base_url="http://testserver") as plain:
        assert "strict-transport-security" not in plain.get("/login").headers
