"""Engine, metadata naming convention and the per-request session."""

from collections.abc import AsyncIterator, Callable
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, SQLModel, create_engine
from starlette.concurrency import run_in_threadpool

from app.config import VAR_DIR, settings

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
            return  # each statement is its own transaction (test sessions only)
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
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


engine: Engine = build_engine(settings.database_url)
# Same pool; on SQLite its transactions start with BEGIN IMMEDIATE (ignored elsewhere).
write_engine: Engine = engine.execution_options(sqlite_immediate=True)


_engines: dict[str, Engine] = {settings.database_url: engine}


def configure_engine(url: str) -> Engine:
    """Point the app at another database (tests switch between SQLite and PostgreSQL)."""
    global engine, write_engine
    if url not in _engines:
        _engines[url] = build_engine(url)
    settings.database_url = url
    engine = _engines[url]
    write_engine = engine.execution_options(sqlite_immediate=True)
    return engine


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
    """The request's session. Creating one does no I/O; closing it hands the connection back
    (a rollback), so only that goes through ``call_db``. A sync handler then costs one
    thread hop, not three."""
    session = open_session(write=request.method not in SAFE_METHODS)
    try:
        yield session
    finally:
        await call_db(session.close)


SessionDep = Annotated[Session, Depends(get_session)]
