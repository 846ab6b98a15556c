"""Requests go straight to the routers with routes under their first path segment
(app/routing.py): every route is found exactly as by asking every router in turn, only
the routers of that segment are asked, and routes added later, wrong methods, trailing
slashes and unknown paths behave as before."""

import re

from fastapi import APIRouter
from fastapi.routing import _IncludedRouter
from starlette.routing import Match

from app.routing import FirstSegmentDispatch, _paths

PARAM = re.compile(r"{([^}:]+)(:[^}]+)?}")


def _concrete(path: str) -> str:
    return PARAM.sub(lambda m: "a/b" if m.group(2) == ":path" else "1", path)


def _first_full_match(routes, scope):
    for index, route in enumerate(routes):
        match, _ = route.matches(dict(scope))
        if match is Match.FULL:
            return index, route
    return None


def test_every_route_is_found_as_by_asking_every_router(app):
    dispatch = app.router.middleware_stack
    assert isinstance(dispatch, FirstSegmentDispatch)
    by_segment, others = dispatch._index()
    paths = {p for route in app.router.routes for p in (_paths(route) or [])}
    assert len(paths) > 250
    for path in sorted(paths):
        concrete = _concrete(path)
        for method in ("GET", "POST"):
            scope = {"type": "http", "path": concrete, "root_path": "", "method": method}
            whole = _first_full_match(app.router.routes, scope)
            segment = concrete.split("/", 2)[1]
            subset = by_segment.get(segment, others).routes
            picked = _first_full_match(subset, scope)
            assert (whole and whole[1]) is (picked and picked[1]), (method, concrete)


def test_a_request_asks_only_the_routers_of_its_first_segment(client, monkeypatch):
    asked = []
    matches = _IncludedRouter.matches

    def counting(self, scope):
        asked.append(self)
        return matches(self, scope)

    monkeypatch.setattr(_IncludedRouter, "matches", counting)
    assert client.get("/healthz").status_code == 200
    assert len(asked) == 1
    asked.clear()
    client.get("/verify/NOPE")  # the last router of the app
    assert 1 <= len(asked) <= 2


def test_a_router_added_later_is_reached(app, client):
    probes = APIRouter()

    @probes.get("/zz-probe/{n}")
    def probe(n: int) -> dict:
        return {"n": n}

    app.include_router(probes)
    try:
        assert client.get("/zz-probe/7").json() == {"n": 7}
    finally:
        app.router.routes.pop()


def test_wrong_methods_slashes_and_unknown_paths_answer_as_before(client):
    assert client.post("/healthz").status_code == 405
    redirected = client.get("/healthz/", follow_redirects=False)
    assert redirected.status_code in (307, 308)
    assert redirected.headers["location"].endswith("/healthz")
    assert client.get("/no-such-section/1").status_code == 404
    assert client.get("/").status_code in (200, 303)
