"""Request dependencies: who is asking, what they may do, CSRF, pagination."""

import functools
import hmac
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar
from urllib.parse import quote

from cachetools import TTLCache
from fastapi import Depends, Path, Query, Request
from pydantic import AfterValidator
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from app import db
from app.config import settings
from app.errors import Forbidden
from app.i18n import normalise_locale
from app.models import Role, User
from app.models.base import utcnow
from app.schemas.base import FormModel, Submitted
from app.schemas.fields import MAX_ROW_ID, without_control_characters
from app.security import (
    ANON_CSRF_COOKIE,
    CSRF_FORM_FIELD,
    CSRF_HEADER,
    LOCALE_COOKIE,
    SESSION_COOKIE,
    new_token,
    unsign,
    unsign_text,
)
from app.services import accounts as account_service
from app.services import revisions

# Pages a user who must change their password may still reach.
PASSWORD_CHANGE_EXEMPT = ("/account/password", "/logout", "/language")


@dataclass
class AuthState:
    user: User | None
    session_id: int | None
    csrf_token: str
    locale: str
    issue_anon_csrf: bool = False  # the response must set a fresh anonymous CSRF cookie
    unread_notifications: int = 0  # the bell's figure, read with the session


class LoginRequired(Exception):
    """Raised for anonymous requests to protected routes; handled as a redirect or 401."""


class PasswordChangeRequired(Exception):
    """Raised while a one-time password is still in use."""


def _session_token(request: Request) -> str | None:
    return unsign_text(request.cookies.get(SESSION_COOKIE), purpose="session")


def _active_session(
    token: str, *, with_tokens: bool = False
) -> account_service.ActiveSession | None:
    # Its own connection, handed back at once: a connection held from here to the end of
    # the handler would be held while the request waits for a worker thread, and 90 pages
    # at once emptied the pool with the event loop waiting on it (inline on SQLite).
    with db.single_read_engine.connect() as connection:
        return account_service.resolve_session(connection, token, with_tokens=with_tokens)


def _needs_touch(active: account_service.ActiveSession | None) -> bool:
    return active is not None and utcnow() - active.last_seen_at > account_service.TOUCH_INTERVAL


# Sessions this worker recorded activity for within the interval: a page that sends a
# burst of requests (htmx, several tabs) would otherwise queue one write per request.
_recent_touches = TTLCache(maxsize=100_000, ttl=account_service.TOUCH_INTERVAL.total_seconds())
_touches_lock = threading.Lock()


def _claim_touch(active: account_service.ActiveSession) -> bool:
    key = (active.session_id, active.csrf_token)  # ids are reused after a reset; tokens not
    with _touches_lock:
        if key in _recent_touches:
            return False
        _recent_touches[key] = True
        return True


def _touch(active: account_service.ActiveSession) -> None:
    with db.write_engine.begin() as connection:
        account_service.touch_session(connection, session_id=active.session_id)


def _state_for(request: Request, active: account_service.ActiveSession | None) -> AuthState:
    cookie_locale = request.cookies.get(LOCALE_COOKIE)
    if active is not None:
        locale = normalise_locale(active.user.locale or cookie_locale, settings.default_locale)
        return AuthState(
            active.user,
            active.session_id,
            active.csrf_token,
            locale,
            unread_notifications=active.unread_notifications,
        )
    anon = unsign(request.cookies.get(ANON_CSRF_COOKIE), purpose="anon-csrf")
    locale = normalise_locale(cookie_locale, settings.default_locale)
    if isinstance(anon, str):
        return AuthState(None, None, anon, locale)
    return AuthState(None, None, new_token(), locale, issue_anon_csrf=True)


async def auth_state(request: Request, session: db.SessionDep) -> AuthState:
    """The request's AuthState: one indexed read, and a write at most once a minute.

    A page that changes nothing (GET) gets the kept results' data tokens with that read,
    for its session's first transaction (``revisions.remember_tokens``): a kept page then
    reads nothing else to know its kept result still holds. A change reads its tokens in
    its own transaction, as before."""
    return await resolve_auth(request, session if request.method in db.SAFE_METHODS else None)


async def resolve_auth(request: Request, session: Session | None = None) -> AuthState:
    """The request's AuthState (see ``auth_state``); without ``session``, on a connection
    of its own (error pages, the CSRF check)."""
    cached = getattr(request.state, "auth", None)
    if cached is not None:
        return cached
    token = _session_token(request)
    # Only for a session that has read nothing yet (a dependency may have used it first).
    with_tokens = session is not None and not session.in_transaction()
    active = None
    if token is not None:
        active = await db.call_db(
            functools.partial(_active_session, token, with_tokens=with_tokens)
        )
    if active is not None and with_tokens:
        revisions.remember_tokens(session, active.data_tokens)
    if _needs_touch(active) and _claim_touch(active):
        await run_in_threadpool(_touch, active)  # a write: never on the event loop
    request.state.auth = _state_for(request, active)
    return request.state.auth


Auth = Annotated[AuthState, Depends(auth_state)]


async def csrf_protect(request: Request) -> None:
    """Every POST/PUT/PATCH/DELETE must carry the session's CSRF token (form or header)."""
    if request.method in db.SAFE_METHODS:
        return
    state = await resolve_auth(request)
    sent = request.headers.get(CSRF_HEADER)
    if not sent:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()
            value = form.get(CSRF_FORM_FIELD)
            sent = value if isinstance(value, str) else None
    if state.issue_anon_csrf or not sent or not hmac.compare_digest(sent, state.csrf_token):
        raise Forbidden(
            "The form has expired or was not sent by this site. Reload the page and try again."
        )


def _login_redirect_target(request: Request) -> str:
    path = request.url.path
    if request.url.query:
        path += "?" + request.url.query
    return "/login?next=" + quote(path, safe="")


# Pure checks are async so they run on the event loop, not a worker thread hop each.
async def require_user(request: Request, state: Auth) -> User:
    if state.user is None:
        request.state.login_redirect = _login_redirect_target(request)
        raise LoginRequired()
    if state.user.must_change_password and not request.url.path.startswith(PASSWORD_CHANGE_EXEMPT):
        raise PasswordChangeRequired()
    return state.user


CurrentUser = Annotated[User, Depends(require_user)]


def require_role(*roles: Role) -> Callable[..., User]:
    """A dependency that lets in only users with one of ``roles``."""
    allowed = frozenset(roles)

    async def dependency(user: CurrentUser) -> User:
        if user.role not in allowed:
            raise Forbidden("Your role does not give access to this page.")
        return user

    dependency.allowed_roles = allowed  # read by the route sweep test
    return dependency


AnyUser = Depends(require_role(*Role))
AdminOnly = Depends(require_role(Role.admin))
Staff = Depends(require_role(Role.admin, Role.teacher))
StudentOnly = Depends(require_role(Role.student))


def safe_next(target: str | None) -> str:
    """A same-site path to go to after login; anything pointing off-site becomes /."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return "/"
    if any(ch in target for ch in "\r\n\t"):
        return "/"
    return target


@dataclass(frozen=True)
class Pagination:
    page: int
    per_page: int

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


def pagination(
    page: Annotated[int, Query(ge=1, le=100000)] = 1,
    per_page: Annotated[int, Query(ge=5, le=200)] = 25,
) -> Pagination:
    return Pagination(page=page, per_page=per_page)


PageParams = Annotated[Pagination, Depends(pagination)]


# --- forms and path ids ------------------------------------------------------------------


Search = Annotated[str, Query(max_length=200), AfterValidator(without_control_characters)]
"""The text of a search box in a query string, cleaned of characters no search can mean."""

PathId = Annotated[int, Path(ge=1, le=MAX_ROW_ID)]
"""A row id in the URL: anything outside 1..2^31-1 is a page that does not exist (404)."""

F = TypeVar("F", bound=FormModel)


def FormOf(model: type[F]) -> Any:  # noqa: N802 (used as a type)
    """A posted form read into ``Submitted[model]``: raw values to re-show, ``.valid()``
    for the typed model. The sweep test finds forms through ``form_model``."""

    async def read_form(request: Request) -> Submitted[F]:
        return model.submitted(await request.form())

    read_form.form_model = model  # type: ignore[attr-defined]
    return Annotated[Submitted[model], Depends(read_form)]  # type: ignore[valid-type]


def QueryOf(model: type[F]) -> Any:  # noqa: N802 (used as a type)
    """Query-string filters read into ``model``; a bad value falls back to its default
    (every field of such a model needs one)."""

    async def read_query(request: Request) -> F:
        return model.lenient(request.query_params)

    read_query.query_model = model  # type: ignore[attr-defined]
    return Annotated[model, Depends(read_query)]  # type: ignore[valid-type]
