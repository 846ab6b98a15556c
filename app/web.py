"""Templates (compiled once), rendering of full pages or htmx blocks, redirects, flashes."""

from contextvars import ContextVar
from datetime import datetime
from pathlib import Path
from typing import Any

import jinja2
from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2_fragments import render_block

from app.config import settings
from app.i18n import LOCALE_NAMES, LOCALES, activate, gettext, ngettext, translate
from app.navigation import is_current, nav_groups, role_label
from app.security import ANON_CSRF_COOKIE, FLASH_COOKIE, sign, unsign

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
# The token of the page being rendered, for macros imported without context.
_csrf_for_render: ContextVar[str] = ContextVar("csrf_for_render", default="")
STATIC_VERSION = "1"

env = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
    autoescape=jinja2.select_autoescape(["html", "xml", "svg"]),
    extensions=["jinja2.ext.i18n"],
    auto_reload=settings.template_auto_reload,
    cache_size=1000,
    trim_blocks=True,
    lstrip_blocks=True,
)
env.install_gettext_callables(gettext, ngettext, newstyle=True)  # type: ignore[attr-defined]


def _localtime(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    if value is None:
        return ""
    return value.astimezone(settings.tz).strftime(fmt)


@jinja2.pass_context
def _localised(ctx, obj: Any, field: str) -> str:
    """obj.<field>_zh or obj.<field>_en, whichever fits the page's language."""
    return localised_value(obj, field, ctx.get("locale", settings.default_locale))


def localised_value(obj: Any, field: str, locale: str) -> str:
    lang = "en" if locale == "en" else "zh"
    value = getattr(obj, f"{field}_{lang}", None)
    return value or getattr(obj, f"{field}_zh", "") or ""


env.filters["localtime"] = _localtime
env.filters["t"] = translate
env.globals["localised"] = _localised
env.globals["LOCALES"] = LOCALES
env.globals["LOCALE_NAMES"] = LOCALE_NAMES
env.globals["STATIC_VERSION"] = STATIC_VERSION
env.globals["nav_groups"] = nav_groups
env.globals["is_current_nav"] = is_current
env.globals["role_label"] = role_label
env.globals["current_csrf_token"] = _csrf_for_render.get


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true" and not request.headers.get(
        "hx-history-restore-request"
    )


def flash(response: Response, message: str, kind: str = "success", **params: Any) -> Response:
    """Queue a message (msgid + params) shown on the next rendered page."""
    response.set_cookie(
        FLASH_COOKIE,
        sign([[kind, message, params]], purpose="flash"),
        httponly=True,
        samesite="lax",
        path="/",
    )
    return response


def _pop_flashes(request: Request) -> list[tuple[str, str]]:
    raw = unsign(request.cookies.get(FLASH_COOKIE), purpose="flash")
    if not isinstance(raw, list):
        return []
    return [(kind, gettext(msg, **params)) for kind, msg, params in raw]


def base_context(request: Request) -> dict[str, Any]:
    state = getattr(request.state, "auth", None)
    return {
        "request": request,
        "current_user": state.user if state else None,
        "csrf_token": state.csrf_token if state else "",
        "locale": state.locale if state else settings.default_locale,
        "flashes": _pop_flashes(request),
    }


def _finish(request: Request, response: Response) -> Response:
    if FLASH_COOKIE in request.cookies:
        response.delete_cookie(FLASH_COOKIE, path="/")
    state = getattr(request.state, "auth", None)
    if state is not None and state.issue_anon_csrf:
        response.set_cookie(
            ANON_CSRF_COOKIE,
            sign(state.csrf_token, purpose="anon-csrf"),
            httponly=True,
            samesite="lax",
            secure=request.url.scheme == "https",
            path="/",
        )
    return response


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    block: str | None = None,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    """The full page, or only ``block`` when htmx asked (one URL per view)."""
    state = getattr(request.state, "auth", None)
    activate(state.locale if state else settings.default_locale)  # flashes are translated
    ctx = base_context(request)
    ctx.update(context or {})
    activate(ctx["locale"])
    _csrf_for_render.set(ctx["csrf_token"])
    if block and is_htmx(request):
        html = render_block(env, template, block, ctx)
    else:
        html = env.get_template(template).render(ctx)
    response = HTMLResponse(html, status_code=status_code, headers=headers)
    return _finish(request, response)  # type: ignore[return-value]


def redirect(request: Request, url: str) -> Response:
    """HX-Redirect for htmx requests, 303 See Other otherwise."""
    if is_htmx(request):
        return Response(status_code=204, headers={"HX-Redirect": url})
    return RedirectResponse(url, status_code=303)
