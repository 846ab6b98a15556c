"""The evaluation pages keep their computation per worker until its data changes: a
second visit does not split the sessions' income again, and any change (through the ORM,
a bulk statement or another connection, i.e. another worker) shows at once."""

import re

from sqlalchemy import update
from sqlmodel import select

from app.models import Cohort, User
from app.models.teams import LiveSession
from app.services.evaluation import views
from tests.factories import make_admin, make_cohort, make_teacher
from tests.factories_evaluation import PERIOD, make_world

Q = f"start={PERIOD.start}&end={PERIOD.end}"
SHARES = "live_session.session_date AS session_date, live_session.income_fen"  # what it splits


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


def test_the_overview_renders_its_kept_comparison_and_cohort_picks_fresh_after_a_change(
    client, session, statement_counter
):
    """The chart, table and export checkboxes render once per kept result; a renamed or a
    new cohort shows in all of them at once."""
    world = make_world(session)
    admin = make_admin(session)
    session.commit()
    client.login_as(admin)
    page = _kept_page(client, f"/evaluation?{Q}", statement_counter)
    assert page.count("网络营销与直播电商 2024级") >= 3  # chart, table and export form
    cohort = session.get(Cohort, world["cohort_b"].id)
    cohort.major = "直播电商服务"
    session.add(cohort)
    make_cohort(session, major="跨境电商")
    session.commit()
    page = client.get(f"/evaluation?{Q}").text
    label = f"直播电商服务 2024级 {cohort.class_number}班"
    assert page.count(label) == 3, "the chart, the table and the export form"
    assert 'name="cohort_ids"' in page and "跨境电商" in page[page.index('id="export-form"') :]


def test_teachers_are_offered_only_the_cohorts_they_head(client, other_client, session):
    world = make_world(session)
    other_head = make_teacher(session)
    own = make_cohort(session, head_teacher_id=other_head.id, major="其他专业")
    session.commit()
    client.login_as(session.get(User, world["cohort_a"].head_teacher_id))
    other_client.login_as(other_head)
    for _ in range(2):  # the second time from what each worker kept
        first = client.get(f"/evaluation?{Q}").text
        second = other_client.get(f"/evaluation?{Q}").text
        assert f'value="{world["cohort_a"].id}"' in first and f'value="{own.id}"' not in first
        assert f'value="{own.id}"' in second and f'value="{world["cohort_a"].id}"' not in second


def test_the_cohort_pages_kept_charts_and_top_lists_show_a_change_at_once(
    client, session, statement_counter
):
    world = make_world(session)
    admin = make_admin(session)
    session.commit()
    client.login_as(admin)
    cohort_page = f"/evaluation/cohorts/{world['cohort_b'].id}?{Q}"
    page = _kept_page(client, cohort_page, statement_counter)
    tops = page[page.index("eval-top") :]
    assert "123.45" in tops and 'id="distributions"' in page
    live = _team_session(session, world["t2"])
    live.income_fen = 22345
    session.add(live)
    session.commit()
    page = client.get(cohort_page).text
    tops = page[page.index("eval-top") :]
    assert "223.45" in tops and "123.45" not in tops


def test_the_comparison_shows_its_first_cohorts_and_loads_the_rest_on_demand(client, session):
    many = views.COMPARED_FIRST + 3
    for n in range(many):
        make_cohort(session, intake_year=2023, class_number=n + 1)
    admin = make_admin(session)
    session.commit()
    client.login_as(admin)
    page = client.get(f"/evaluation?{Q}").text
    assert page.count('href="/evaluation/cohorts/') == views.COMPARED_FIRST
    more = re.search(r'hx-get="([^"]+)"[^>]*hx-target="#comparison"', page).group(1)
    more = more.replace("&amp;", "&")
    assert f"start={PERIOD.start}" in more and "all_cohorts=1" in more  # keeps the period
    part = client.get(more, headers={"HX-Request": "true"})
    assert part.status_code == 200 and "<html" not in part.text and "export-form" not in part.text
    assert part.text.count('href="/evaluation/cohorts/') == many
    assert 'id="comparison-more"' not in part.text
    full = client.get(more).text  # without script: the whole page with every cohort
    assert "<html" in full and full.count('href="/evaluation/cohorts/') == many


def test_a_new_scheme_version_from_another_connection_shows_at_once(
    client, session, statement_counter
):
    from app.models.evaluation import EvaluationScheme
    from app.services.evaluation import scheme as scheme_service

    world = make_world(session)
    admin = make_admin(session)
    session.commit()
    client.login_as(admin)
    overview = f"/evaluation?{Q}"
    cohort_page = f"/evaluation/cohorts/{world['cohort_a'].id}?{Q}"
    for url in (overview, cohort_page):
        assert "v1" in _kept_page(client, url, statement_counter)
    params = scheme_service.default_params()
    session.add(EvaluationScheme(version=2, params=params, note="new"))
    session.commit()  # the test's own connection: another worker, as far as the app knows
    for url in (overview, cohort_page):
        page = client.get(url).text
        assert "v2" in page and "v1<" not in page
