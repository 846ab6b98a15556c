"""The application factory."""

import gc
import logging
from contextlib import asynccontextmanager
from pathlib import Path

import anyio
from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import SQLAlchemyError
from starlette.exceptions import HTTPException as StarletteHTTPException

from app import db
from app.config import settings
from app.deps import LoginRequired, PasswordChangeRequired, csrf_protect, resolve_auth
from app.errors import DomainError, FormErrors
from app.i18n import activate, gettext
from app.routing import dispatch_by_first_segment
from app.security import SecurityHeadersMiddleware
from app.services import kept_results  # noqa: F401  (its writes renew the data tokens)
from app.web import is_htmx, redirect, render

log = logging.getLogger("chanjiao")
STATIC_DIR = Path(__file__).resolve().parent / "static"


def _wants_html(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return is_htmx(request) or "text/html" in accept or "*/*" in accept or not accept


async def _error_page(
    request: Request, status: int, message: str, headers: dict[str, str] | None = None
) -> Response:
    headers = dict(headers or {})
    if status != 503:  # with the database unavailable, the page shows who is asking only if
        try:  # that was known before it failed
            await resolve_auth(request)
        except Exception:  # the error page must render even when the database is down
            log.exception("could not load the session for an error page")
    if not _wants_html(request):
        return JSONResponse({"detail": message}, status_code=status, headers=headers)
    template = "errors/_error.html" if is_htmx(request) else "errors/error.html"
    if is_htmx(request):
        headers.update({"HX-Retarget": "#toasts", "HX-Reswap": "beforeend"})
    return render(
        request,
        template,
        {"status": status, "message": message},
        status_code=status,
        headers=headers,
    )


def _activate_request_locale(request: Request) -> None:
    activate(getattr(getattr(request.state, "auth", None), "locale", "zh_CN"))


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(LoginRequired)
    async def _login_required(request: Request, exc: LoginRequired):
        if not _wants_html(request):
            return JSONResponse({"detail": "login required"}, status_code=401)
        return redirect(request, request.state.login_redirect)

    @app.exception_handler(PasswordChangeRequired)
    async def _password_change(request: Request, exc: PasswordChangeRequired):
        return redirect(request, "/account/password")

    @app.exception_handler(DomainError)
    async def _domain_error(request: Request, exc: DomainError):
        state = getattr(request.state, "auth", None)
        activate(state.locale if state else "zh_CN")
        if isinstance(exc, FormErrors):
            message = gettext(exc.message)
        else:
            message = gettext(exc.message, **exc.params)
        return await _error_page(request, exc.status_code, message)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError):
        _activate_request_locale(request)
        if any(error.get("loc", ("",))[0] == "path" for error in exc.errors()):
            # an id out of range (or not a number) names no row: the page does not exist
            return await _error_page(request, 404, gettext("This page does not exist."))
        return await _error_page(request, 422, gettext("Some of the input was not valid."))

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException):
        _activate_request_locale(request)
        messages = {
            404: gettext("This page does not exist."),
            405: gettext("This action is not available here."),
        }
        return await _error_page(
            request, exc.status_code, messages.get(exc.status_code, str(exc.detail))
        )

    @app.exception_handler(SQLAlchemyError)
    async def _database_unavailable(request: Request, exc: SQLAlchemyError):
        """Unreachable, out of connections, or an SQLite write lock that did not come free:
        503 with Retry-After, so browsers, htmx and clients know to try again."""
        seconds = db.retry_after(exc)
        if seconds is None:
            raise exc  # a fault of the code: the 500 page below
        log.warning("database unavailable on %s %s: %s", request.method, request.url.path, exc)
        _activate_request_locale(request)
        message = gettext("The system is busy or briefly unavailable. Try again in a moment.")
        return await _error_page(request, 503, message, headers={"Retry-After": str(seconds)})

    @app.exception_handler(Exception)
    async def _server_error(request: Request, exc: Exception):
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        _activate_request_locale(request)
        return await _error_page(
            request, 500, gettext("Something went wrong on our side. It has been logged.")
        )


@asynccontextmanager
async def lifespan(app: FastAPI):
    limiter = anyio.to_thread.current_default_thread_limiter()
    limiter.total_tokens = settings.threadpool_size
    # The app's own objects (models, routes, templates) live as long as the worker. Moved out
    # of the collector's reach, a full collection no longer walks ~200k of them, which had
    # stalled a worker for 60-130 ms under load (the p99 of every page).
    gc.collect()
    gc.freeze()
    async with anyio.create_task_group() as tasks:
        if settings.notify_worker_seconds > 0:  # e-mails and robot messages, never in a request
            from app.services.notifications import worker as notification_worker

            tasks.start_soon(notification_worker.run_forever, settings.notify_worker_seconds)
        yield
        tasks.cancel_scope.cancel()


def create_app() -> FastAPI:
    from app.routers import ROUTERS

    app = FastAPI(
        lifespan=lifespan,
        title="Chanjiao",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        dependencies=[Depends(csrf_protect)],
    )
    app.add_middleware(SecurityHeadersMiddleware)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    for router in ROUTERS:
        app.include_router(router)
    dispatch_by_first_segment(app.router)
    install_error_handlers(app)
    return app
