"""The dashboards' cost on the hot path: shared figures, session activity, the menu.

The administrators' dashboard shows college-wide figures that are the same for every
administrator; a worker reuses them for DASHBOARD_CACHE_SECONDS, drops them when it commits
a change itself, and says when they were counted. A personal dashboard's slow-changing part
is kept until its data token changes (tests/routers/test_dashboard_kept.py): a change
committed anywhere shows at once.
"""

from datetime import timedelta

import pytest
from sqlalchemy import insert, update
from sqlmodel import select

from app import db
from app.config import settings
from app.models import Cohort, UserSession
from app.services import dashboard as dashboard_service
from tests.factories import make_admin, make_cohort, make_student, make_teacher


def _students_card(page: str) -> str:
    """The number on the 'Students' card of the admin dashboard."""
    head, _, _ = page.partition('<span class="stat-label">学生</span>')
    return head.rsplit('<span class="stat">', 1)[1].split("<", 1)[0]


def _insert_cohort_elsewhere(**values) -> None:
    """A row written by another worker: a Core insert, which this worker's ORM hooks miss."""
    with db.write_engine.begin() as connection:
        connection.execute(insert(Cohort).values(**values))


@pytest.fixture
def clock(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(dashboard_service, "_clock", lambda: now[0])
    monkeypatch.setattr(settings, "dashboard_cache_seconds", 30)
    dashboard_service.forget_institution_figures()
    return now


def test_admin_figures_are_counted_once_per_period_and_say_when(
    client, session, statement_counter, clock
):
    admin = make_admin(session)
    cohort = make_cohort(session)
    make_student(session, cohort=cohort)
    session.commit()
    client.login(admin.username)

    first = client.get("/").text
    assert _students_card(first) == "1"
    assert "数据统计于" in first
    with statement_counter() as statements:
        again = client.get("/")
    assert again.status_code == 200 and _students_card(again.text) == "1"
    assert all("user_session" in sql for sql in statements), statements  # only the login check


def test_a_change_committed_by_this_worker_shows_at_once(client, session, clock):
    admin = make_admin(session)
    cohort = make_cohort(session)
    make_student(session, cohort=cohort)
    session.commit()
    client.login(admin.username)
    assert _students_card(client.get("/").text) == "1"

    make_student(session, cohort=cohort)
    session.commit()
    assert _students_card(client.get("/").text) == "2"


def test_changes_by_other_workers_show_after_the_cache_period(client, session, clock):
    admin = make_admin(session)
    session.commit()
    client.login(admin.username)
    assert "2031级" not in client.get("/").text

    _insert_cohort_elsewhere(major="直播电商服务", intake_year=2031, class_number=1)
    assert "2031级" not in client.get("/").text  # still the figures counted a moment ago
    clock[0] += 31
    assert "2031级" in client.get("/").text


def test_with_no_cache_period_every_visit_counts(client, session, clock, monkeypatch):
    monkeypatch.setattr(settings, "dashboard_cache_seconds", 0)
    admin = make_admin(session)
    session.commit()
    client.login(admin.username)
    client.get("/")
    _insert_cohort_elsewhere(major="直播电商服务", intake_year=2032, class_number=1)
    page = client.get("/").text
    assert "2032级" in page and "数据统计于" not in page


def test_personal_dashboards_show_a_change_from_another_worker_at_once(client, session, clock):
    teacher = make_teacher(session)
    session.commit()
    client.login(teacher.username)
    assert "2033级" not in client.get("/").text
    make_cohort(session, intake_year=2033, head_teacher_id=teacher.id)
    session.commit()  # the test's own connection: another worker, as far as the app knows
    assert "2033级" in client.get("/").text


def test_english_and_chinese_admins_each_get_their_language(client, other_client, session, clock):
    zh_admin = make_admin(session)
    en_admin = make_admin(session, locale="en")
    session.commit()
    client.login(zh_admin.username)
    other_client.login(en_admin.username)
    assert "学生" in client.get("/").text
    english = other_client.get("/").text
    assert "Students" in english and "学生" not in english
    assert "Figures counted at" in english


def test_activity_keeps_a_session_alive_with_one_write_per_burst(
    client, session, statement_counter
):
    user = make_student(session)
    session.commit()
    client.login(user.username)
    ninety_minutes_ago = session.exec(select(UserSession.last_seen_at)).one() - timedelta(
        minutes=90
    )
    session.exec(update(UserSession).values(last_seen_at=ninety_minutes_ago))
    session.commit()

    with statement_counter() as statements:
        for _ in range(5):
            assert client.get("/").status_code == 200
    assert len(_session_writes(statements)) == 1
    session.expire_all()
    assert session.exec(select(UserSession.last_seen_at)).one() > ninety_minutes_ago + timedelta(
        minutes=89
    )

    # Requests that read the session before that write landed (concurrent ones) see an old
    # time too; the worker has recorded this minute's activity and writes nothing more.
    session.exec(update(UserSession).values(last_seen_at=ninety_minutes_ago))
    session.commit()
    with statement_counter() as statements:
        assert client.get("/").status_code == 200
    assert _session_writes(statements) == []


def _session_writes(statements: list[str]) -> list[str]:
    return [sql for sql in statements if sql.lstrip().upper().startswith("UPDATE USER_SESSION")]


def test_the_menu_marks_the_section_of_each_page(client, session):
    teacher = make_teacher(session)
    session.commit()
    client.login(teacher.username)
    home = client.get("/").text
    assert 'href="/" aria-current="page"' in home
    teams = client.get("/teams").text
    assert 'href="/teams" aria-current="page"' in teams
    assert 'href="/" aria-current="page"' not in teams
    assert '<details class="navgroup current">' in teams  # its drop-down is highlighted


def test_personal_dashboards_issue_a_fixed_number_of_statements(client, session, statement_counter):
    from tests.factories_teams import make_log, make_paired_world

    world = make_paired_world(session)
    session.commit()
    counts = {}
    for who in ("student_a", "teacher", "mentor_a"):
        client.login(world[who].username)
        client.get("/")
        with statement_counter() as statements:
            assert client.get("/").status_code == 200
        counts[who] = len(statements)

    for _ in range(6):
        make_log(session, world["pairing_a"], actions=("复盘话术", "优化选品"))
    session.commit()
    for who in ("student_a", "teacher", "mentor_a"):
        client.login(world[who].username)
        client.get("/")
        with statement_counter() as statements:
            page = client.get("/").text
        assert len(statements) == counts[who], who
        assert page.count("优化选品") == 6, who  # each open action item of the team
    assert counts["student_a"] <= 10  # with the missed check-ins this term (the term, the strikes)
