"""Test harness: every database test runs on SQLite and on a real PostgreSQL server.

Each backend's database is built once per run by the Alembic migrations; every test then
starts from empty tables (SQLite: DELETE, PostgreSQL: TRUNCATE).
"""

import inspect
import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event, text
from sqlmodel import Session, SQLModel, select

os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production")
# Cheap Argon2 parameters: the suite logs in thousands of times (Django does the same).
os.environ.setdefault("ARGON2_TIME_COST", "1")
os.environ.setdefault("ARGON2_MEMORY_KIB", "1024")
# No background delivery loop: tests send queued notifications themselves (deliver_due).
os.environ.setdefault("NOTIFY_WORKER_SECONDS", "0")

from app import db  # noqa: E402
from app import migrate as migrations  # noqa: E402
from app.models import UserSession  # noqa: E402
from app.security import token_digest  # noqa: E402
from app.services import dashboard as dashboard_service
from app.services import revisions
from tests.pg import PostgresServer, find_pg_bin  # noqa: E402

REQUIRE_ALL = os.environ.get("CI") == "true" or os.environ.get("CHANJIAO_REQUIRE_ALL") == "1"
BACKENDS = ["sqlite", "postgresql"]
if os.environ.get("CHANJIAO_BACKENDS"):
    BACKENDS = os.environ["CHANJIAO_BACKENDS"].split(",")


@pytest.fixture(autouse=True)
def english_messages() -> Iterator[None]:
    """Each test starts in English: a test that switches locale must not change another's."""
    from app.i18n import activate

    activate("en")
    yield
    activate("en")


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PostgresServer]:
    bin_dir = find_pg_bin()
    if bin_dir is None:
        message = "PostgreSQL binaries (initdb, pg_ctl) not found: install postgresql"
        if REQUIRE_ALL:
            pytest.fail(message + " — the PostgreSQL leg is required in CI")
        pytest.skip(message)
    server = PostgresServer(bin_dir)
    server.start()
    yield server
    server.stop()


_migrated: dict[str, str] = {}


def _build_database(backend: str, request: pytest.FixtureRequest) -> str:
    if backend in _migrated:
        return _migrated[backend]
    if backend == "sqlite":
        directory = Path(tempfile.mkdtemp(prefix="chanjiao-test-"))
        url = f"sqlite:///{directory / 'test.db'}"
    else:
        server = request.getfixturevalue("pg_server")
        url = server.create_database("chanjiao_test")
    migrations.upgrade(url)
    _migrated[backend] = url
    return url


def reset_database(engine) -> None:
    """Empty every table (children first), keeping the migrated schema."""
    revisions.forget_all()  # the next test's rows may reuse these ids
    tables = [t for t in reversed(SQLModel.metadata.sorted_tables)]
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                connection.execute(table.delete())


# Tests that need the app (or code that opens connections of its own: mark those
# ``@pytest.mark.commits``) commit what it must see, so their database is emptied before the
# next test; the other tests that take ``session`` run in one transaction rolled back at
# the end, which leaves the tables as they found them.
APP_FIXTURES = frozenset({"client", "other_client", "app", "pg_server"})
_dirty: dict[str, bool] = {}


def rolls_back(request: pytest.FixtureRequest) -> bool:
    """Whether a test's session is one transaction, rolled back at the end."""
    if request.node.get_closest_marker("commits"):
        return False
    closure = set(request.fixturenames)
    direct = set(inspect.signature(request.node.function).parameters)
    return "session" in closure and not closure & APP_FIXTURES and "database_url" not in direct


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest) -> Iterator[str]:
    url = _build_database(request.param, request)
    engine = db.configure_engine(url)
    if _dirty.get(url, True):
        reset_database(engine)
        dashboard_service.forget_institution_figures()  # counted from the previous test's rows
    _dirty[url] = not rolls_back(request)
    yield url


@pytest.fixture
def session(database_url: str, request: pytest.FixtureRequest) -> Iterator[Session]:
    """A session on the test database.

    Most service tests get one connection inside a transaction that is rolled back at the
    end; their commits are savepoints. Tests that run the app (``client``) or take
    ``database_url`` themselves commit for real: on SQLite each statement is then its own
    transaction, so the test never holds a lock or a stale snapshot while the app (another
    connection) reads and writes; PostgreSQL reads committed data anyway.
    """
    if rolls_back(request):
        connection = db.engine.connect()
        outer = connection.begin()
        with Session(
            bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
        ) as s:
            yield s
        outer.rollback()
        connection.close()
        return
    engine = db.engine.execution_options(sqlite_autocommit=True)
    with Session(engine, expire_on_commit=False) as s:
        yield s


@pytest.fixture
def app(database_url: str):
    from app.main import create_app

    return create_app()


class WebClient(TestClient):
    """A TestClient that logs in and sends the CSRF token like the pages do."""

    csrf: str | None = None

    def refresh_csrf(self, path: str = "/login") -> str:
        page = self.get(path)
        match = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert match, f"no CSRF token on {path}"
        self.csrf = match.group(1)
        return self.csrf

    def login(self, username: str, password: str = "test-password") -> "WebClient":
        self.cookies.clear()
        self.refresh_csrf("/login")
        response = self.post(
            "/login",
            data={"login": username, "password": password, "csrf_token": self.csrf},
            follow_redirects=False,
        )
        assert response.status_code == 303, response.text[:500]
        self.refresh_csrf("/account/password")
        return self

    def login_as(self, user) -> "WebClient":
        """Log in without the password round trip (for sweeps over many routes)."""
        from app.security import SESSION_COOKIE, sign
        from app.services.accounts import auth as auth_service

        with db.open_session(write=True) as s:
            token = auth_service.start_session(s, user=user)
            self.csrf = s.exec(
                select(UserSession.csrf_token).where(UserSession.token_hash == token_digest(token))
            ).one()
            s.commit()
        self.cookies.clear()
        self.cookies.set(SESSION_COOKIE, sign(token, purpose="session"))
        return self

    def post_form(self, url: str, data: dict | None = None, **kwargs):
        payload = dict(data or {})
        payload.setdefault("csrf_token", self.csrf or self.refresh_csrf())
        kwargs.setdefault("follow_redirects", False)
        return self.post(url, data=payload, **kwargs)


@pytest.fixture
def client(app) -> Iterator[WebClient]:
    with WebClient(app, raise_server_exceptions=False) as c:
        yield c


@pytest.fixture
def other_client(app) -> Iterator[WebClient]:
    """A second browser, for 'bob must not see alice's things' checks."""
    with WebClient(app, raise_server_exceptions=False) as c:
        yield c


@contextmanager
def count_statements(engine=None) -> Iterator[list[str]]:
    """Collect the SQL statements issued (by any session) while the block runs."""
    engine = engine or db.engine
    statements: list[str] = []

    def _record(conn, cursor, statement, parameters, context, executemany):
        control = ("BEGIN", "COMMIT", "ROLLBACK", "PRAGMA", "SAVEPOINT", "RELEASE")
        if not statement.lstrip().upper().startswith(control):
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", _record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", _record)


@pytest.fixture
def statement_counter():
    return count_statements
