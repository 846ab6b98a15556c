"""A session cookie's signature is checked once per worker for each cookie value: the
same cookie again is not verified again, a tampered or foreign one is still refused, and
only text comes out (a signed list or number is no session token)."""

from app import security
from app.security import sign, unsign_text


def test_a_session_cookie_is_checked_once_and_then_known(monkeypatch):
    signed = sign("token-for-unsign-test", purpose="session")
    assert unsign_text(signed, purpose="session") == "token-for-unsign-test"
    checks = []
    original = security.unsign
    monkeypatch.setattr(security, "unsign", lambda *a, **k: checks.append(a) or original(*a, **k))
    assert unsign_text(signed, purpose="session") == "token-for-unsign-test"
    assert checks == []


def test_tampered_foreign_and_non_text_values_are_refused():
    signed = sign("a-token", purpose="session")
    assert unsign_text(signed[:-2] + "xx", purpose="session") is None
    assert unsign_text(sign("a-token", purpose="flash"), purpose="session") is None
    assert unsign_text(sign(["a", "list"], purpose="session"), purpose="session") is None
    assert unsign_text(None, purpose="session") is None
    assert unsign_text("", purpose="session") is None
