"""The evaluation pages keep their computation per worker until its data changes: a
second visit does not split the sessions' income again, and any change (through the ORM,
a bulk statement or another connection, i.e. another worker) shows at once."""

from sqlalchemy import update
from sqlmodel import select

from app.models import User
from app.models.teams import LiveSession
from app.services.evaluation import views
from tests.factories import make_admin
from tests.factories_evaluation import PERIOD, make_world

Q = f"start={PERIOD.start}&end={PERIOD.end}"
SHARES = "row_number"  # the window function that splits each session's income


def _team_session(session, team) -> LiveSession:
    return session.exec(select(LiveSession).where(LiveSession.team_id == team.id)).one()


def _kept_page(client, url: str, statement_counter) -> str:
    """The page, visited until it is served from the kept computation (the second time)."""
    with statement_counter() as first:
        assert client.get(url).status_code == 200
    with statement_counter() as second:
        page = client.get(url)
    assert any(SHARES in s for s in first)
    assert not any(SHARES in s for s in second), "the second visit computed again"
    return page.text


def test_a_second_visit_reuses_the_computation(client, session, statement_counter):
    make_world(session)
    admin = make_admin(session)
    session.commit()
    client.login_as(admin)
    _kept_page(client, f"/evaluation?{Q}", statement_counter)


def test_an_income_change_from_another_connection_shows_at_once(client, session, statement_counter):
    world = make_world(session)
    admin = make_admin(session)
    session.commit()
    client.login_as(admin)
    assert "123.45" in _kept_page(client, f"/evaluation?{Q}", statement_counter)
    live = _team_session(session, world["t2"])
    live.income_fen = 22345
    session.add(live)
    session.commit()  # the test's own connection: another worker, as far as the app knows
    page = client.get(f"/evaluation?{Q}").text
    assert "223.45" in page and "123.45" not in page


def test_a_bulk_update_shows_at_once(client, session, statement_counter):
    world = make_world(session)
    admin = make_admin(session)
    session.commit()
    client.login_as(admin)
    assert "123.45" in _kept_page(client, f"/evaluation?{Q}", statement_counter)
    session.exec(
        update(LiveSession).where(LiveSession.team_id == world["t2"].id).values(income_fen=50000)
    )
    session.commit()
    assert "500.00" in client.get(f"/evaluation?{Q}").text


def test_a_renamed_student_shows_at_once_on_the_cohort_page(client, session, statement_counter):
    world = make_world(session)
    admin = make_admin(session)
    session.commit()
    client.login_as(admin)
    cohort_page = f"/evaluation/cohorts/{world['cohort_b'].id}?{Q}"
    assert "赵四" in _kept_page(client, cohort_page, statement_counter)
    student = session.get(User, world["s4"].id)
    student.full_name = "钱五"
    session.add(student)
    session.commit()
    page = client.get(cohort_page).text
    assert "钱五" in page and "赵四" not in page


def test_a_transaction_sees_its_own_change_and_a_rollback_restores_the_figure(session):
    world = make_world(session)
    admin = make_admin(session)
    session.commit()

    def cohort_b_income() -> int:
        result = views.overview(session, user=admin, period=PERIOD)["result"]
        return next(c for c in result.cohorts if c.cohort_id == world["cohort_b"].id).income_fen

    assert cohort_b_income() == 12345
    live = _team_session(session, world["t2"])
    live.income_fen = 99999
    session.add(live)
    session.flush()
    assert cohort_b_income() == 99999  # its own change, not the kept result
    session.rollback()
    assert cohort_b_income() == 12345  # the rolled-back figure was not kept
