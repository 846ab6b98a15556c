"""Fixtures for sweeps over every route: one database, one app and one set of users per
module and backend, instead of per test (a sweep has hundreds of cases that write
nothing, or nothing that the next case could trip over)."""

import itertools
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from app import db
from app import migrate as migrations
from app.models import Role
from app.services import dashboard as dashboard_service
from seeds.loader import seed_catalogue
from tests.conftest import BACKENDS, WebClient, _build_database, reset_database
from tests.factories import make_admin, make_mentor, make_student, make_teacher

_demo_databases = itertools.count()


@pytest.fixture(scope="module", params=BACKENDS)
def demo_database(request):
    """A database of its own with the demo data, built once per backend for the module
    (tests that read the demo data; a test that changes it must undo what it changes)."""
    name = f"demo_{next(_demo_databases)}"
    if request.param == "sqlite":
        url = f"sqlite:///{Path(tempfile.mkdtemp(prefix='chanjiao-demo-')) / 'demo.db'}"
    else:
        url = request.getfixturevalue("pg_server").create_database(name)
    migrations.upgrade(url)
    db.configure_engine(url)
    from seeds import loader

    with db.open_session(write=True) as session:
        report = loader.seed_catalogue(session)
        loader.seed_demo(session, scale=1)
        loader.seed_domains(session, report, demo=True, scale=1)
        session.commit()
    return url


@pytest.fixture(scope="module", params=BACKENDS)
def module_database(request: pytest.FixtureRequest) -> Iterator[str]:
    """The backend's migrated test database, emptied once for the whole module."""
    url = _build_database(request.param, request)
    reset_database(db.configure_engine(url))
    dashboard_service.forget_institution_figures()
    yield url
    reset_database(db.configure_engine(url))  # the next module starts from empty tables


@pytest.fixture(scope="module")
def module_people(module_database: str) -> dict[Role, object]:
    """An administrator, a teacher, a student and a mentor, made once per module."""
    db.configure_engine(module_database)
    with db.open_session(write=True) as session:
        people = {
            Role.admin: make_admin(session),
            Role.teacher: make_teacher(session),
            Role.student: make_student(session),
            Role.mentor: make_mentor(session),
        }
        session.commit()
    return people


@pytest.fixture(scope="module")
def module_client(module_database: str) -> Iterator[WebClient]:
    """One browser on one app for the whole module."""
    from app.main import create_app

    db.configure_engine(module_database)
    with WebClient(create_app(), raise_server_exceptions=False) as client:
        yield client


@pytest.fixture
def sweep_client(module_client: WebClient, module_database: str) -> WebClient:
    """The module's browser, logged out, pointed at the module's database again (tests of
    other modules point the app elsewhere)."""
    db.configure_engine(module_database)
    module_client.cookies.clear()
    module_client.csrf = None
    return module_client


# --- the demo logins, for tests over the demo data (demo_database above) ---

LOGINS = {
    Role.admin: "admin",
    Role.teacher: "teacher1",
    Role.student: "student1",
    Role.mentor: "mentor1",
}

# --- the skills catalogue (test_catalogue*.py) ---


@pytest.fixture
def catalogue(session):
    seed_catalogue(session)
    session.commit()


@pytest.fixture
def admin_client(client, session, catalogue):
    admin = make_admin(session)
    session.commit()
    return client.login(admin.username)
