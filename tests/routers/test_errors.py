"""Friendly error pages: 403, 404 and 500 in the page layout, toasts for htmx."""

import pytest
from fastapi import APIRouter

from app.deps import AdminOnly, AnyUser
from app.main import create_app
from tests.factories import make_admin, make_student


@pytest.fixture
def app(database_url):
    """The real app plus two probe routes: one admin-only, one that crashes."""
    app = create_app()
    probes = APIRouter()

    @probes.get("/probe/admin-only", dependencies=[AdminOnly])
    def admin_only():
        return {"ok": True}

    @probes.get("/probe/boom", dependencies=[AnyUser])
    def explode():
        raise RuntimeError("secret internals")

    app.include_router(probes)
    return app


def test_unknown_page_gets_a_friendly_404(client, session):
    user = make_student(session)
    session.commit()
    client.login(user.username)
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "此页面不存在" in response.text and "返回工作台" in response.text


def test_wrong_role_gets_a_friendly_403_page(client, session):
    user = make_student(session)
    session.commit()
    client.login(user.username)
    response = client.get("/probe/admin-only")
    assert response.status_code == 403
    assert "无权访问" in response.text


def test_htmx_errors_arrive_as_a_toast(client, session):
    user = make_student(session)
    session.commit()
    client.login(user.username)
    response = client.get("/probe/admin-only", headers={"HX-Request": "true"})
    assert response.status_code == 403
    assert response.headers["HX-Retarget"] == "#toasts"
    assert 'class="toast toast-error"' in response.text
    assert "<html" not in response.text


def test_a_crash_shows_the_500_page_not_a_traceback(client, session):
    admin = make_admin(session)
    session.commit()
    client.login(admin.username)
    response = client.get("/probe/boom")
    assert response.status_code == 500
    assert "服务器出现错误" in response.text
    assert "secret internals" not in response.text
