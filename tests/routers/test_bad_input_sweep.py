"""Walk every route with absurd input: ids past any table, money past any ceiling, dates
that do not exist. Nothing may answer 500, on either database. The routes are found by
walking the app, and a route's form fields by its form model, so a new route or field is
swept automatically.

The database holds the demo data (``demo_database`` in conftest.py), so that ids 1, 2, ...
name real rows and requests reach the services instead of stopping at "not found".
"""

import re

import pytest
from fastapi.routing import APIRoute
from sqlmodel import select

from app import db
from app.main import create_app
from app.models import Role, User
from tests.conftest import WebClient
from tests.routers.conftest import LOGINS

BAD_IDS = ["2147483648", "9223372036854775808", "1" + "0" * 23, "-1", "0"]
BAD_VALUES = BAD_IDS + ["1e308", "9999-12-31", "0000-00-00", "99:99", "x\x00y", "\u202e"]
SAFE = {"GET", "HEAD", "OPTIONS"}


def _api_routes(routes):
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        elif getattr(route, "original_router", None) is not None:
            yield from _api_routes(route.original_router.routes)


def _dependants(dependant):
    yield dependant
    for sub in dependant.dependencies:
        yield from _dependants(sub)


def form_fields(route: APIRoute) -> dict[str, bool]:
    """The names a route reads from a posted form (its form model's fields and any plain
    Form() parameters), each with whether it is a list (repeated input)."""
    fields: dict[str, bool] = {}
    for dependant in _dependants(route.dependant):
        model = getattr(dependant.call, "form_model", None)
        if model is not None:
            for name, info in model.model_fields.items():
                fields[info.alias or name] = name in model.list_fields
        for param in dependant.body_params:
            if "UploadFile" not in repr(param.field_info.annotation):
                fields[param.alias] = "list" in repr(param.field_info.annotation)
    return fields


def query_fields(route: APIRoute) -> list[str]:
    names = []
    for dependant in _dependants(route.dependant):
        model = getattr(dependant.call, "query_model", None)
        if model is not None:
            names += [info.alias or name for name, info in model.model_fields.items()]
        names += [param.alias for param in dependant.query_params]
    return names


def _allowed_roles(route: APIRoute) -> set[str]:
    roles = set(Role)
    for dependant in _dependants(route.dependant):
        allowed = getattr(dependant.call, "allowed_roles", None)
        if allowed is not None:
            roles &= set(allowed)
    return roles


ROUTES = [
    (route, method)
    for route in _api_routes(create_app().routes)
    for method in sorted(route.methods - {"HEAD"})
]
WITH_PATH_IDS = [(r, m) for r, m in ROUTES if re.search(r"\{\w+(:int)?\}", r.path)]
WITH_FORMS = [(r, m) for r, m in ROUTES if m not in SAFE and form_fields(r)]
WITH_QUERIES = [(r, m) for r, m in ROUTES if m in SAFE and query_fields(r)]


def _ids(pairs):
    return [f"{m} {r.path}" for r, m in pairs]


@pytest.fixture(scope="module")
def sweep_client(demo_database):
    """One browser and the app for the whole module."""
    db.configure_engine(demo_database)
    with WebClient(create_app(), raise_server_exceptions=False) as client:
        yield client


@pytest.fixture
def as_role(sweep_client, demo_database):
    """Log the browser in as the demo user of a role the route admits. Earlier sweeps may
    have logged that user out, changed their password or disabled them: undo that first,
    so that no request is answered by the login page instead of the route."""
    db.configure_engine(demo_database)  # other modules' tests point the app elsewhere

    def pick(route: APIRoute) -> WebClient:
        allowed = _allowed_roles(route)
        role = next((r for r in LOGINS if r in allowed), Role.admin)
        with db.open_session(write=True) as session:
            user = session.exec(select(User).where(User.username == LOGINS[role])).one()
            user.is_active, user.must_change_password = True, False
            session.add(user)
            session.commit()
            session.refresh(user)
        return sweep_client.login_as(user)

    return pick


def _reached(response) -> bool:
    """The route answered itself (not the login page)."""
    return not (
        response.status_code in (303, 401)
        and response.headers.get("location", "").startswith("/login")
    )


def _path(route: APIRoute, value: str = "1", only: str | None = None) -> str:
    def fill(match):
        name = match.group(1)
        return value if only in (None, name) else "1"

    return re.sub(r"\{(\w+)(?::\w+)?\}", fill, route.path)


def _send(client: WebClient, method: str, url: str, data=None):
    payload = {"csrf_token": client.csrf}
    payload.update(data or {})
    if method in SAFE:
        return client.request(method, url, follow_redirects=False)
    return client.request(method, url, data=payload, follow_redirects=False)


@pytest.mark.parametrize(("route", "method"), WITH_PATH_IDS, ids=_ids(WITH_PATH_IDS))
def test_absurd_ids_in_the_path_are_4xx(route, method, as_role):
    client = as_role(route)
    for name in re.findall(r"\{(\w+)(?::\w+)?\}", route.path):
        for bad in BAD_IDS:
            response = _send(client, method, _path(route, bad, only=name))
            assert 400 <= response.status_code < 500, (name, bad, response.status_code)
            assert _reached(response)


@pytest.mark.parametrize(("route", "method"), WITH_FORMS, ids=_ids(WITH_FORMS))
def test_absurd_form_values_never_answer_500(route, method, as_role):
    client = as_role(route)
    fields = form_fields(route)
    url = _path(route)
    for bad in BAD_VALUES:
        everything = {name: [bad] if is_list else bad for name, is_list in fields.items()}
        response = _send(client, method, url, everything)
        assert response.status_code < 500, ("all fields", bad, response.text[:300])
        assert _reached(response), ("all fields", bad)
    for name, is_list in fields.items():
        for bad in ("2147483648", "1e308", "9999-12-31", "0000-00-00"):
            response = _send(client, method, url, {name: [bad] if is_list else bad})
            assert response.status_code < 500, (name, bad, response.text[:300])
            assert _reached(response), (name, bad)


@pytest.mark.parametrize(("route", "method"), WITH_QUERIES, ids=_ids(WITH_QUERIES))
def test_absurd_query_values_never_answer_500(route, method, as_role):
    client = as_role(route)
    url = _path(route)
    for name in query_fields(route):
        for bad in BAD_VALUES:
            response = client.get(url, params={name: bad}, follow_redirects=False)
            assert response.status_code < 500, (name, bad, response.text[:300])
            assert _reached(response), (name, bad)


def test_every_form_is_read_through_a_form_model():
    """No route declares its own Form() parameters: a form's fields, their bounds and their
    messages live in one FormModel (app/schemas), so the sweep above knows them."""
    loose = [
        f"{m} {r.path}: {param.alias}"
        for r, m in ROUTES
        for dependant in _dependants(r.dependant)
        for param in dependant.body_params
        if "UploadFile" not in repr(param.field_info.annotation)
    ]
    assert not loose, loose


def test_every_integer_in_a_path_or_query_is_bounded():
    unbounded = []
    for route, method in ROUTES:
        for dependant in _dependants(route.dependant):
            for param in dependant.path_params + dependant.query_params:
                if "int" not in repr(param.field_info.annotation):
                    continue
                highs = [getattr(m, "le", None) for m in param.field_info.metadata]
                if not any(h is not None and h <= 2**31 - 1 for h in highs):
                    unbounded.append(f"{method} {route.path}: {param.alias}")
    assert not unbounded, unbounded
