"""The request's session: closed in the handler's own thread, and templates never reach the
database (a page is read in full, after any rollback, before it renders)."""

import inspect
import logging
from datetime import timedelta

import pytest
from fastapi.routing import APIRoute
from sqlalchemy import text

from app import db
from app.config import settings
from app.services import clock
from tests.factories import make_student
from tests.factories_studios import local, make_booking, make_studio

HX = {"HX-Request": "true"}


def _routes(routes):
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        elif hasattr(route, "original_router"):  # an included router
            yield from _routes(route.original_router.routes)


def test_every_sync_route_closes_its_session_in_the_handlers_thread(app):
    routes = list(_routes(app.routes))
    assert len(routes) > 100
    sync = [r for r in routes if not inspect.iscoroutinefunction(inspect.unwrap(r.endpoint))]
    missing = [r.path for r in sync if not getattr(r.endpoint, "closes_sessions", False)]
    assert missing == [], "use APIRouter(route_class=SessionRoute) for " + ", ".join(missing)


@pytest.mark.parametrize(
    ("time", "status", "message"),
    [
        ("10:00", 409, "This time is free: book it instead of queueing."),
        ("21:00", 422, "The studio is not open for all of that time."),
        ("25:00", 422, "Enter a start time as HH:MM."),
        ("11:00", 409, "You are already on the waitlist for this time."),
    ],
)
def test_a_refused_waitlist_request_shows_the_week_read_again(
    client, session, time, status, message
):
    studio = make_studio(session, opens="08:00", closes="20:00")
    owner, student = make_student(session), make_student(session, locale="en")
    day = clock.today() + timedelta(days=2)
    make_booking(session, studio=studio, user=owner, starts_at=local(day, "11:00"))
    session.commit()
    client.login(student.username)
    form = {"date": day.isoformat(), "time": "11:00", "minutes": "30", "purpose": "personal"}
    url = f"/studios/{studio.id}/waitlist"
    assert client.post_form(url, form, headers=HX).status_code == 200  # queued for 11:00
    response = client.post_form(url, {**form, "time": time}, headers=HX)
    assert response.status_code == status, response.text[-2000:]
    assert message in response.text
    # The week it shows was read after the rollback: the booked hour and the queue are there.
    assert response.text.lstrip().startswith('<div id="calendar"')
    assert "You are on the waitlist for 1 times this week." in response.text


def test_a_template_that_reads_the_database_fails_outside_production(database_url, caplog):
    token = db.rendering_template.set("pages/example.html")
    try:
        refused = pytest.raises(db.TemplateQueried, match="pages/example.html")
        with db.engine.connect() as connection, refused:
            connection.execute(text("SELECT 1"))
        production, settings.environment = settings.environment, "production"
        try:
            with db.engine.connect() as connection, caplog.at_level(logging.WARNING):
                assert connection.execute(text("SELECT 1")).scalar() == 1
        finally:
            settings.environment = production
    finally:
        db.rendering_template.reset(token)
    assert "pages/example.html read from the database while rendering" in caplog.text


def test_a_kept_page_reads_only_the_login_check(client, session, catalogue, statement_counter):
    """The session lookup brings the kept results' data tokens along (one aggregated
    column): a kept page reads nothing else to know its kept result still holds."""
    from tests.factories import make_admin

    admin = make_admin(session)
    session.commit()
    client.login(admin.username)
    assert client.get("/catalogue").status_code == 200
    with statement_counter() as statements:
        assert client.get("/catalogue").status_code == 200
    assert len(statements) == 1 and "user_session" in statements[0]
