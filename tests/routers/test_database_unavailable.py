"""When the database cannot answer (unreachable, or SQLite's write lock held past the busy
timeout), pages answer 503 with Retry-After, not 500; /healthz reports a held write lock."""

import sqlite3
from datetime import timedelta

import pytest
from fastapi import APIRouter
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from app import db
from app.config import settings
from app.deps import AnyUser
from app.main import create_app
from app.services import clock
from tests.factories import make_student
from tests.factories_studios import make_studio
from tests.pg import free_port

HX = {"HX-Request": "true"}
MESSAGE = "系统繁忙或暂时无法使用，请稍后再试。"


@pytest.fixture
def app(database_url):
    """The real app plus a route that fails on a broken statement (a fault of the code)."""
    app = create_app()
    probes = APIRouter(route_class=db.SessionRoute)

    @probes.get("/probe/integrity", dependencies=[AnyUser])
    def integrity():
        raise IntegrityError("INSERT ...", {}, Exception("UNIQUE constraint failed: x.y"))

    app.include_router(probes)
    return app


@pytest.fixture
def unreachable(database_url):
    """Point the app at a database that cannot be reached (for SQLite: cannot be opened)."""
    if database_url.startswith("sqlite"):
        url = "sqlite:////nonexistent-dir/never/chanjiao.db"
    else:
        url = f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/none"  # a closed port

    def switch():
        db.configure_engine(url)

    yield switch
    db.configure_engine(database_url)


def test_pages_are_503_with_retry_after_when_the_database_is_unreachable(
    client, session, unreachable
):
    student = make_student(session)
    session.commit()
    client.login(student.username)
    unreachable()
    page = client.get("/bookings")
    assert page.status_code == 503
    assert page.headers["Retry-After"] == "30"
    assert MESSAGE in page.text and "暂时无法使用" in page.text and "<html" in page.text
    toast = client.get("/bookings", headers=HX)
    assert toast.status_code == 503 and toast.headers["Retry-After"] == "30"
    assert toast.headers["HX-Retarget"] == "#toasts" and MESSAGE in toast.text
    assert "<html" not in toast.text
    api = client.get("/bookings", headers={"Accept": "application/json"})
    assert api.status_code == 503 and api.json() == {"detail": MESSAGE}
    assert client.get("/healthz").status_code == 503


def test_a_fault_of_the_code_in_sql_is_still_a_500(client, session):
    student = make_student(session)
    session.commit()
    client.login(student.username)
    response = client.get("/probe/integrity")
    assert response.status_code == 500 and "Retry-After" not in response.headers


@pytest.fixture
def held_write_lock(database_url, monkeypatch):
    """Another process holds SQLite's write lock; the app's busy timeout is 100 ms."""
    if not database_url.startswith("sqlite"):
        pytest.skip("PostgreSQL has no database-wide write lock")
    monkeypatch.setattr(settings, "sqlite_busy_timeout_ms", 100)
    db.engine.dispose()  # new connections take the short busy timeout
    other = sqlite3.connect(make_url(database_url).database, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    yield
    other.execute("ROLLBACK")
    other.close()
    monkeypatch.undo()
    db.engine.dispose()


@pytest.fixture
def studio(client, session):
    """A studio, and a student logged in to book it."""
    studio, student = make_studio(session), make_student(session)
    session.commit()
    client.login(student.username)
    return studio


def test_a_write_waiting_out_the_sqlite_lock_is_503(client, studio, held_write_lock):
    day = clock.today() + timedelta(days=2)
    form = {"date": day.isoformat(), "time": "10:00", "minutes": "60", "purpose": "personal"}
    response = client.post_form(f"/studios/{studio.id}/waitlist", form, headers=HX)
    assert response.status_code == 503, response.text[-1500:]
    assert response.headers["Retry-After"] == "5"
    assert MESSAGE in response.text and "database is locked" not in response.text
    assert client.get("/bookings").status_code == 200  # readers do not wait for the writer


def test_healthz_reports_a_held_write_lock(client, held_write_lock):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "sqlite: write lock held"}
    assert response.headers["Retry-After"] == "5"


@pytest.mark.parametrize(
    ("error", "seconds"),
    [
        (PoolTimeout("QueuePool limit of size 10 overflow 20 reached"), 5),
        (OperationalError("BEGIN", {}, sqlite3.OperationalError("database is locked")), 5),
        (OperationalError("SELECT", {}, sqlite3.OperationalError("no such table: x")), None),
        (IntegrityError("INSERT", {}, sqlite3.IntegrityError("UNIQUE constraint failed")), None),
    ],
)
def test_only_a_database_that_cannot_answer_now_is_worth_a_retry(error, seconds):
    assert db.retry_after(error) == seconds
