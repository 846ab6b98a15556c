"""Walk every registered route: nothing is reachable without the right role, and no
state change happens without a CSRF token. Routes added later are covered automatically."""

import re

import pytest
from fastapi.routing import APIRoute
from sqlalchemy import func, select
from sqlmodel import SQLModel

from app import db
from app.main import create_app
from app.models import Role
from app.routers import PUBLIC_PATHS

SAFE = {"GET", "HEAD", "OPTIONS"}


def _api_routes(routes):
    """APIRoutes, also inside included routers (FastAPI wraps those in newer versions)."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        elif getattr(route, "original_router", None) is not None:
            yield from _api_routes(route.original_router.routes)


def _routes():
    app = create_app()
    for route in _api_routes(app.routes):
        for method in sorted(route.methods - {"HEAD"}):
            yield route, method


def _allowed_roles(route: APIRoute) -> frozenset[str] | None:
    """Roles a route lets in, read from its dependencies; None means 'no login needed'.

    Every role dependency must let a user through, so their role sets intersect;
    a bare login requirement (CurrentUser) admits every role.
    """
    roles: set[str] = set(Role)
    found = False
    stack = list(route.dependant.dependencies)
    while stack:
        dep = stack.pop()
        call = dep.call
        if getattr(call, "allowed_roles", None) is not None:
            roles &= set(call.allowed_roles)
            found = True
            continue  # its own require_user sub-dependency adds nothing
        if getattr(call, "__name__", "") == "require_user":
            found = True
        stack.extend(dep.dependencies)
    return frozenset(roles) if found else None


def _concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


ROUTES = list(_routes())
assert len(ROUTES) >= 6, "the route walk found too few routes: has FastAPI's router changed?"
PROTECTED = [(r, m) for r, m in ROUTES if r.path not in PUBLIC_PATHS]
ROLE_LIMITED = [(r, m) for r, m in PROTECTED if _allowed_roles(r) != frozenset(Role)]
UNSAFE = [(r, m) for r, m in ROUTES if m not in SAFE]


def _ids(pairs):
    return [f"{m} {r.path}" for r, m in pairs]


def test_every_non_public_route_requires_a_login():
    unprotected = [
        f"{m} {r.path}"
        for r, m in ROUTES
        if r.path not in PUBLIC_PATHS and _allowed_roles(r) is None
    ]
    assert not unprotected, f"routes without a role dependency: {unprotected}"


def _row_count() -> int:
    total = 0
    with db.open_session() as session:
        for table in SQLModel.metadata.sorted_tables:
            total += session.execute(select(func.count()).select_from(table)).scalar_one()
    return total


@pytest.mark.parametrize(("route", "method"), PROTECTED, ids=_ids(PROTECTED))
def test_anonymous_requests_are_sent_to_login(route, method, sweep_client):
    token = sweep_client.refresh_csrf("/login")
    response = sweep_client.request(
        method, _concrete(route.path), data={"csrf_token": token}, follow_redirects=False
    )
    assert response.status_code in (303, 401), response.text[:300]
    if response.status_code == 303:
        assert response.headers["location"].startswith("/login?next=")


@pytest.mark.parametrize(("route", "method"), ROLE_LIMITED, ids=_ids(ROLE_LIMITED))
def test_roles_not_allowed_get_403(route, method, sweep_client, module_people):
    allowed = _allowed_roles(route)
    for role, user in module_people.items():
        if role in allowed:
            continue
        sweep_client.login_as(user)
        response = sweep_client.request(
            method,
            _concrete(route.path),
            data={"csrf_token": sweep_client.csrf},
            follow_redirects=False,
        )
        assert response.status_code == 403, (
            f"{role} got {response.status_code} on {method} {route.path}"
        )


@pytest.mark.parametrize(("route", "method"), UNSAFE, ids=_ids(UNSAFE))
def test_state_changes_without_csrf_get_403_and_write_nothing(
    route, method, sweep_client, module_people
):
    allowed = _allowed_roles(route) or frozenset(Role)
    people = module_people
    user = people[Role.admin] if Role.admin in allowed else people[next(iter(sorted(allowed)))]
    sweep_client.login_as(user)
    before = _row_count()
    response = sweep_client.request(
        method, _concrete(route.path), data={"anything": "1"}, follow_redirects=False
    )
    assert response.status_code == 403
    assert _row_count() == before
