"""Templates (compiled once), rendering of full pages or htmx blocks, redirects, flashes."""

import weakref
from contextvars import ContextVar
from datetime import datetime
from pathlib import Path
from typing import Any

import jinja2
from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2_fragments import render_block
from markupsafe import Markup

from app import db
from app.config import settings
from app.formatting import yuan
from app.i18n import (
    LOCALE_NAMES,
    LOCALES,
    activate,
    active_translations,
    gettext,
    ngettext,
    translate,
)
from app.navigation import current_urls, is_current, nav_groups, role_label
from app.security import ANON_CSRF_COOKIE, FLASH_COOKIE, sign, unsign

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
# The token of the page being rendered, for macros imported without context.
_csrf_for_render: ContextVar[str] = ContextVar("csrf_for_render", default="")
STATIC_VERSION = "3"

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


def _template_gettext(message: str, **params: Any) -> Markup:
    """``_()`` in templates: what the extension's newstyle gettext does for autoescaped
    templates (the translation is trusted markup, parameters are escaped into it), without
    its three nested context calls; a page has dozens of these."""
    return Markup(active_translations().gettext(message)) % params


env.globals["_"] = _template_gettext


# The menu is the same for every page of one section, per role and language; rendering it
# (a few dozen translated labels) was a third of a page's template time.
_menus: dict[tuple[str, str, tuple[str, ...]], Markup] = {}


@jinja2.pass_context
def _main_nav(ctx, role: str, path: str) -> Markup:
    key = (role, ctx.get("locale", settings.default_locale), current_urls(path))
    menu = _menus.get(key)
    if menu is None:
        template = env.get_template("components/_nav.html")
        menu = _menus[key] = Markup(template.render(role=role, path=path))
    return menu


# Fragments rendered from a data object that a service shares between requests (a cached
# result), per template and language; dropped with the data object.
_fragments: dict[int, dict[tuple[str, str], Markup]] = {}


@jinja2.pass_context
def _shared_fragment(ctx, template_name: str, data: Any) -> Markup:
    """Render ``template_name`` with ``data`` once per data object and language.

    Only for fragments that depend on nothing but ``data`` and the language: no forms, no
    CSRF token, nothing about the user asking."""
    locale = ctx.get("locale", settings.default_locale)
    key = id(data)
    per_data = _fragments.get(key)
    if per_data is None:
        per_data = _fragments[key] = {}
        weakref.finalize(data, _fragments.pop, key, None)
    html = per_data.get((template_name, locale))
    if html is None:
        template = env.get_template(template_name)
        html = per_data[(template_name, locale)] = Markup(template.render(data=data, locale=locale))
    return html


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


@jinja2.pass_context
def _list_separator(ctx, english: str = ", ") -> str:
    """Between the names of a list: 、 in Chinese, a comma (or ``english``) in English."""
    return english if ctx.get("locale", settings.default_locale) == "en" else "、"


env.filters["localtime"] = _localtime
env.filters["yuan"] = yuan
env.filters["t"] = translate
env.globals["localised"] = _localised
env.globals["list_separator"] = _list_separator
env.globals["LOCALES"] = LOCALES
env.globals["LOCALE_NAMES"] = LOCALE_NAMES
env.globals["STATIC_VERSION"] = STATIC_VERSION
env.globals["main_nav"] = _main_nav
env.globals["shared_fragment"] = _shared_fragment
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
        "unread_notifications": state.unread_notifications if state else 0,
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
    rendering = db.rendering_template.set(template)  # templates never reach the database
    try:
        if block and is_htmx(request):
            html = render_block(env, template, block, ctx)
        else:
            html = env.get_template(template).render(ctx)
    finally:
        db.rendering_template.reset(rendering)
    response = HTMLResponse(html, status_code=status_code, headers=headers)
    return _finish(request, response)  # type: ignore[return-value]


def redirect(request: Request, url: str) -> Response:
    """HX-Redirect for htmx requests, 303 See Other otherwise."""
    if is_htmx(request):
        return Response(status_code=204, headers={"HX-Redirect": url})
    return RedirectResponse(url, status_code=303)


def download(
    content: bytes, filename: str, *, inline: bool = False, headers: dict | None = None
) -> Response:
    """A file to save (or, ``inline``, to show, e.g. a PDF): the media type from the name's
    extension (app.exports.MEDIA_TYPES); the name quoted so that Chinese survives."""
    from urllib.parse import quote

    from app.exports import MEDIA_TYPES

    extension = filename.rsplit(".", 1)[-1]
    fallback = filename.encode("ascii", "replace").decode().replace("?", "_").replace('"', "_")
    disposition = "inline" if inline else "attachment"
    disposition += f"; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"
    return Response(
        content,
        media_type=MEDIA_TYPES[extension],
        headers={"Content-Disposition": disposition, **(headers or {})},
    )
