"""Login, logout, and the language switch (public pages)."""

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from app.config import settings
from app.db import SessionDep, SessionRoute
from app.deps import Auth, CurrentUser, safe_next
from app.errors import Invalid, TooManyAttempts
from app.i18n import LOCALES, gettext
from app.security import LOCALE_COOKIE, SESSION_COOKIE, sign, unsign
from app.services import accounts as account_service
from app.web import redirect, render

router = APIRouter(route_class=SessionRoute)


def _client_ip(request: Request) -> str | None:
    return request.client.host if request.client else None


@router.get("/login")
def login_page(request: Request, auth: Auth, next: str | None = None) -> Response:
    if auth.user is not None:
        return redirect(request, safe_next(next))
    return render(request, "auth/login.html", {"next": safe_next(next), "login": ""})


@router.post("/login")
def login(
    request: Request,
    session: SessionDep,
    auth: Auth,
    login: Annotated[str, Form(max_length=254)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    context = {"next": safe_next(next), "login": login}
    if not login.strip() or not password:
        context["error"] = gettext("Enter your username (or email) and password.")
        return render(request, "auth/login.html", context, block="login_form", status_code=422)
    try:
        user = account_service.authenticate(
            session, login=login, password=password, ip=_client_ip(request)
        )
    except TooManyAttempts as exc:
        context["error"] = gettext(exc.message, **exc.params)
        return render(request, "auth/login.html", context, block="login_form", status_code=429)
    except Invalid as exc:
        session.commit()  # keep the failed attempt: it counts toward the lockout
        context["error"] = gettext(exc.message)
        return render(request, "auth/login.html", context, block="login_form", status_code=401)
    token = account_service.start_session(
        session, user=user, ip=_client_ip(request), user_agent=request.headers.get("user-agent")
    )
    session.commit()
    target = "/account/password" if user.must_change_password else safe_next(next)
    response = redirect(request, target)
    response.set_cookie(
        SESSION_COOKIE,
        sign(token, purpose="session"),
        max_age=settings.session_absolute_hours * 3600,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/",
    )
    if user.locale:
        response.set_cookie(LOCALE_COOKIE, user.locale, samesite="lax", path="/", max_age=31536000)
    return response


@router.post("/logout")
def logout(request: Request, session: SessionDep, user: CurrentUser) -> Response:
    token = unsign(request.cookies.get(SESSION_COOKIE), purpose="session")
    if isinstance(token, str):
        account_service.end_session(session, token=token)
        session.commit()
    response = redirect(request, "/login")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.post("/language")
def switch_language(
    request: Request,
    session: SessionDep,
    auth: Auth,
    locale: Annotated[str, Form()],
    next: Annotated[str, Form()] = "/",
) -> Response:
    if locale not in LOCALES:
        raise Invalid("Unknown language.", field="locale")
    if auth.user is not None:
        account_service.set_locale(session, user=auth.user, locale=locale)
        session.commit()
    response = redirect(request, safe_next(next))
    response.set_cookie(LOCALE_COOKIE, locale, samesite="lax", path="/", max_age=31536000)
    return response
