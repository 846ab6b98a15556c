"""Login, logout, and the language switch (public pages)."""

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.config import settings
from app.db import SessionDep, SessionRoute
from app.deps import Auth, CurrentUser, FormOf, safe_next
from app.errors import FormErrors, Invalid
from app.i18n import LOCALES
from app.i18n import lazy_gettext as _l
from app.schemas.accounts import LanguageForm, LoginForm
from app.security import LOCALE_COOKIE, SESSION_COOKIE, client_address, sign, unsign
from app.services import accounts as account_service
from app.web import redirect, render

router = APIRouter(route_class=SessionRoute)


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
    form: FormOf(LoginForm),
) -> Response:
    login, next = form.values.login[:254], form.values.next
    context = {"next": safe_next(next), "login": login}
    try:
        typed = form.valid()
    except FormErrors:
        typed = None
    if typed is None or not typed.login or not typed.password:
        context["error"] = _l("Enter your username (or email) and password.")
        return render(request, "auth/login.html", context, block="login_form", status_code=422)
    ip = client_address(request)
    try:
        user = account_service.authenticate(
            session, login=typed.login, password=typed.password, ip=ip
        )
    except account_service.LoginRefused as exc:
        context["error"] = _l(exc.message, **exc.params)  # in the page's language
        headers = {"Retry-After": str(exc.retry_after)}
        return render(
            request,
            "auth/login.html",
            context,
            block="login_form",
            status_code=429,
            headers=headers,
        )
    except Invalid as exc:
        session.commit()  # keep the failed attempt: it counts toward the lockout
        context["error"] = _l(exc.message)
        return render(request, "auth/login.html", context, block="login_form", status_code=401)
    token = account_service.start_session(
        session, user=user, ip=ip, user_agent=request.headers.get("user-agent")
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
    form: FormOf(LanguageForm),
) -> Response:
    locale, next = form.values.locale, form.values.next
    if locale not in LOCALES:
        raise Invalid("Unknown language.", field="locale")
    if auth.user is not None:
        account_service.set_locale(session, user=auth.user, locale=locale)
        session.commit()
    response = redirect(request, safe_next(next))
    response.set_cookie(LOCALE_COOKIE, locale, samesite="lax", path="/", max_age=31536000)
    return response
