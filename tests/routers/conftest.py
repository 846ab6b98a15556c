"""Fixtures for sweeps over every route: one database, one app and one set of users per
module and backend, instead of per test (a sweep has hundreds of cases that write
nothing, or nothing that the next case could trip over)."""

from collections.abc import Iterator

import pytest

from app import db
from app.models import Role
from app.services import dashboard as dashboard_service
from seeds.loader import seed_catalogue
from tests.conftest import BACKENDS, WebClient, _build_database, reset_database
from tests.factories import make_admin, make_mentor, make_student, make_teacher


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
