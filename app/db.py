"""Engine, metadata naming convention and the per-request session."""

import functools
import inspect
import logging
from collections.abc import AsyncIterator, Callable
from contextvars import ContextVar
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request
from fastapi.routing import APIRoute
from sqlalchemy import MetaData, event
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, SQLModel, create_engine
from starlette.concurrency import run_in_threadpool

from app.config import VAR_DIR, settings

log = logging.getLogger("chanjiao")

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
SQLModel.metadata = MetaData(naming_convention=NAMING_CONVENTION)


def _configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    """WAL, foreign keys, a busy timeout, and BEGIN IMMEDIATE for write transactions.

    pysqlite's own transaction handling is switched off so that we issue BEGIN ourselves.
    A connection marked ``sqlite_immediate`` (see ``write_engine``) starts with BEGIN
    IMMEDIATE: the write lock is taken up front, so two writers queue on the busy timeout
    instead of one failing with "database is locked" when it upgrades a read lock.
    Readers use a plain deferred BEGIN and never wait for writers (WAL).
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        options = connection.get_execution_options()
        if options.get("sqlite_autocommit"):
            return  # each statement is its own transaction (single reads, test sessions)
        connection.exec_driver_sql(
            "BEGIN IMMEDIATE" if options.get("sqlite_immediate") else "BEGIN"
        )


def build_engine(url: str) -> Engine:
    """Create an engine for SQLite or PostgreSQL (psycopg 3) with the right settings."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            VAR_DIR.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": 15}, pool_pre_ping=False
        )
        _configure_sqlite(engine, settings.sqlite_busy_timeout_ms)
        return engine
    if parsed.drivername == "postgresql":
        url = parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    return create_engine(
        url,
        pool_pre_ping=True,
        pool_size=10,
        max_overflow=20,
        # An unreachable server answers no page until the connection attempt gives up.
        connect_args={"connect_timeout": 5},
    )


def _single_reads(engine: Engine) -> Engine:
    """The same pool for reads of one statement each (the login lookup on every request):
    without BEGIN and ROLLBACK around them. A single statement sees one consistent
    snapshot on its own, so the transaction only cost a statement (SQLite) or two round
    trips (PostgreSQL)."""
    if engine.dialect.name == "sqlite":
        return engine.execution_options(sqlite_autocommit=True)
    return engine.execution_options(isolation_level="AUTOCOMMIT")


engine: Engine = build_engine(settings.database_url)
# Same pool; on SQLite its transactions start with BEGIN IMMEDIATE (ignored elsewhere).
write_engine: Engine = engine.execution_options(sqlite_immediate=True)
single_read_engine: Engine = _single_reads(engine)


_engines: dict[str, Engine] = {settings.database_url: engine}


def configure_engine(url: str) -> Engine:
    """Point the app at another database (tests switch between SQLite and PostgreSQL)."""
    global engine, write_engine, single_read_engine
    if url not in _engines:
        _engines[url] = build_engine(url)
    settings.database_url = url
    engine = _engines[url]
    write_engine = engine.execution_options(sqlite_immediate=True)
    single_read_engine = _single_reads(engine)
    return engine


# The template being rendered, if any (set by app.web.render).
rendering_template: ContextVar[str] = ContextVar("rendering_template", default="")


class TemplateQueried(RuntimeError):
    """A template reached the database while rendering."""


@event.listens_for(Engine, "before_cursor_execute")
def _no_sql_while_rendering(conn, cursor, statement, parameters, context, executemany):
    """A page reads what it shows before it renders. An object a rollback expired, or a lazy
    relationship, would otherwise be loaded while the template runs, on a connection that
    the request then holds (in a transaction) until its session is closed: under load that
    emptied the pool. Outside production this is an error, so that tests find it."""
    template = rendering_template.get()
    if not template:
        return
    if settings.environment == "production":
        log.warning("%s read from the database while rendering: %s", template, statement[:200])
        return
    raise TemplateQueried(
        f"{template} read from the database while rendering: load what the page shows "
        f"before rendering it (after a rollback, read it again). SQL: {statement[:200]}"
    )


BUSY_RETRY_SECONDS = 5  # a lock or the pool: busy for a moment
DOWN_RETRY_SECONDS = 30  # the server is down or out of reach


def retry_after(exc: BaseException) -> int | None:
    """Seconds after which a request that failed with ``exc`` is worth sending again, or
    None when ``exc`` is a fault of the request or of the code, not of the database's state.

    The database cannot answer now when it is unreachable or shut down, when no pooled
    connection came free in time, or (SQLite) when the write lock stayed taken for the
    whole busy timeout ("database is locked")."""
    if isinstance(exc, sa_exc.TimeoutError):
        return BUSY_RETRY_SECONDS
    if not isinstance(exc, sa_exc.DBAPIError):
        return None
    if exc.connection_invalidated:
        return DOWN_RETRY_SECONDS
    if not isinstance(exc, sa_exc.OperationalError | sa_exc.InterfaceError):
        return None  # integrity, data, programming errors: the request or the code
    message = str(exc.orig).lower()
    if any(word in message for word in ("locked", "busy", "deadlock", "canceling statement")):
        return BUSY_RETRY_SECONDS
    sqlite = type(exc.orig).__module__.startswith("sqlite3")
    if sqlite and "unable to open" not in message and "disk i/o" not in message:
        return None  # SQLite calls a broken statement an OperationalError too
    return DOWN_RETRY_SECONDS


T = TypeVar("T")
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def open_session(*, write: bool = False) -> Session:
    """A session on the read engine, or on the write engine when it will write."""
    return Session(write_engine if write else engine, expire_on_commit=False)


def runs_in_process() -> bool:
    """SQLite answers from this process; PostgreSQL is a network round trip away."""
    return engine.dialect.name == "sqlite"


async def call_db(fn: Callable[..., T], *args: Any) -> T:
    """Run short database work from async code without blocking the event loop on I/O.

    An indexed SQLite read is a few dozen microseconds of CPU, less than a hop to a worker
    thread, so it runs inline; a network database's round trip goes to a worker thread.
    Never use this for writes: on SQLite they may wait on the busy timeout.
    """
    if runs_in_process():
        return fn(*args)
    return await run_in_threadpool(fn, *args)


async def get_session(request: Request) -> AsyncIterator[Session]:
    """The request's session. Creating one does no I/O. A sync handler's route
    (``SessionRoute``) closes it in the handler's own thread; closing it again here is then
    free. Only a session still holding its connection (an async handler's) is closed through
    ``call_db``."""
    session = open_session(write=request.method not in SAFE_METHODS)
    try:
        yield session
    finally:
        if session.in_transaction():
            await call_db(session.close)
        else:
            session.close()  # nothing to hand back: no I/O


SessionDep = Annotated[Session, Depends(get_session)]


def _closes_its_sessions(endpoint: Callable[..., Any]) -> Callable[..., Any]:
    if inspect.iscoroutinefunction(endpoint) or getattr(endpoint, "closes_sessions", False):
        return endpoint

    @functools.wraps(endpoint)
    def handler(*args: Any, **kwargs: Any) -> Any:
        try:
            return endpoint(*args, **kwargs)
        finally:
            for value in kwargs.values():
                if isinstance(value, Session):
                    value.close()

    handler.closes_sessions = True  # type: ignore[attr-defined]
    return handler


class SessionRoute(APIRoute):
    """A route whose sync handler closes the request's session in its own worker thread as
    soon as it returns (or raises).

    Handing a connection back is a rollback, a round trip on PostgreSQL. Left to
    ``get_session`` it would wait for another worker thread, behind every request already
    queued for one, with its connection out of the pool all that time: 90 requests at once
    took the whole pool, and the handlers that then waited for a connection held the very
    threads the closes were waiting for. Every router uses this route class."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        super().__init__(path, _closes_its_sessions(endpoint), **kwargs)
