"""Requests go straight to the routers that have routes under their path's first segment.

FastAPI keeps each included router as one entry of the app's route list and, per request,
asks every entry in turn; an entry asks each of its routes, setting and restoring scope
keys around every attempt, and the chosen one matches again to handle. With 44 routers,
finding ``/judging/30`` (the 38th) took ~450 µs, half of a small page's whole budget
(measured by timing ``route.matches`` over the app's routes, issue 13).

``FirstSegmentDispatch`` replaces the app router's entry point: it picks, by the request
path's first segment (``/teams/1`` -> ``teams``), a copy of the app router that holds only
the entries with a route that could match there (in their order, plus any route whose
first segment is a parameter) and lets that copy do FastAPI's own matching, 405s, slash
redirects and 404s. A route under another first segment can never match the path, so the
outcome is the same; the copies are rebuilt when routes are added.
"""

import copy
from typing import Any

from fastapi.routing import APIRouter
from starlette._utils import get_route_path
from starlette.routing import BaseRoute
from starlette.types import Receive, Scope, Send

ANY_SEGMENT = None  # a route whose first segment is a path parameter


def _first_segment(path: str) -> str | None:
    segment = path.split("/", 2)[1] if path.startswith("/") else ""
    return ANY_SEGMENT if "{" in segment else segment


def _paths(route: BaseRoute) -> list[str] | None:
    """The full paths a top-level entry serves, or None when they cannot be known."""
    contexts = getattr(route, "effective_route_contexts", None)
    if contexts is None:
        path = getattr(route, "path", None)
        return [path] if isinstance(path, str) else None
    paths = []
    for context in contexts():
        starlette_route = context.starlette_route
        path = starlette_route.path if starlette_route is not None else context.path
        if not isinstance(path, str) or not path:
            return None
        paths.append(path)
    return paths


def _segments(route: BaseRoute) -> set[str | None]:
    paths = _paths(route)
    if paths is None:
        return {ANY_SEGMENT}  # unknown shape: asked for every path, as before
    return {_first_segment(path) for path in paths}


class FirstSegmentDispatch:
    def __init__(self, router: APIRouter) -> None:
        self.router = router
        self._built_for: tuple[int, int] | None = None
        self._by_segment: dict[str, APIRouter] = {}
        self._others: APIRouter = router

    def _subset(self, routes: list[BaseRoute]) -> APIRouter:
        subset = copy.copy(self.router)
        subset.routes = routes
        return subset

    def _index(self) -> tuple[dict[str, APIRouter], APIRouter]:
        routes = self.router.routes
        key = (len(routes), id(routes[-1]) if routes else 0)
        if key != self._built_for:
            segments = [(route, _segments(route)) for route in routes]
            names = {s for _, found in segments for s in found if s is not ANY_SEGMENT}
            self._by_segment = {
                name: self._subset(
                    [r for r, found in segments if name in found or ANY_SEGMENT in found]
                )
                for name in names
            }
            self._others = self._subset([r for r, found in segments if ANY_SEGMENT in found])
            self._built_for = key
        return self._by_segment, self._others

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.router.app(scope, receive, send)
            return
        by_segment, others = self._index()
        segment: Any = _first_segment(get_route_path(scope))
        # url_for and friends look routes up on scope["router"]: the whole app's router
        scope.setdefault("router", self.router)
        await by_segment.get(segment, others).app(scope, receive, send)


def dispatch_by_first_segment(router: APIRouter) -> None:
    router.middleware_stack = FirstSegmentDispatch(router)
