"""A personal dashboard keeps its slow-changing part (cohort, teams, guidance, certificates,
courses, judging, evaluation) per worker under the "personal_dashboards" data token: a
second visit reads the token and the live studio bookings only, and any committed change
(through the ORM from this or another connection, i.e. another worker) shows at once."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import update
from sqlmodel import select

from app.models import MentorExpertise
from app.models.base import utcnow
from app.models.curriculum import Course
from app.models.teams import ActionItem
from app.models.terms import Term
from app.services import clock
from app.services import dashboard as dashboard_service
from app.services.dashboard_kept import READ_TABLES
from tests.factories import make_cohort, make_mentor, make_student, make_teacher
from tests.factories_contests import (
    make_assignment,
    make_award,
    make_criterion,
    make_edition,
    make_entry,
    make_round,
)
from tests.factories_curriculum import make_certificate, make_course, make_post
from tests.factories_studios import make_booking, make_studio
from tests.factories_teams import make_log, make_pairing, make_project, make_team


def _world(session, n: int = 1, *, tag: str = "看板队") -> dict:
    """A teacher heading ``n`` cohorts and owning ``n`` courses, paired with a mentor on
    ``n`` teams of one student, each with a guidance log and its action item, ``n``
    certificates and entries to judge; a mentor expert in ``n`` posts."""
    teacher, mentor, student = make_teacher(session), make_mentor(session), make_student(session)
    edition = make_edition(session)
    round_ = make_round(session, edition=edition)
    make_criterion(session, round_=round_)
    for i in range(n):
        make_cohort(session, head_teacher_id=teacher.id)
        make_course(session, owners=[teacher])
        team = make_team(session, members=[(student, "anchor")], name=f"{tag}{i}")
        project = make_project(session, team)
        pairing = make_pairing(session, team, teacher=teacher, mentor=mentor, project_id=project.id)
        make_log(session, pairing, held_on=clock.today())
        make_award(session, holder=student, certificate=make_certificate(session))
        entry = make_entry(session, round_=round_, team=team)
        make_assignment(session, entry=entry, judge=teacher)
        make_assignment(session, entry=entry, judge=mentor)
        session.add(MentorExpertise(mentor_id=mentor.id, post_id=make_post(session).id))
    session.commit()
    return {"teacher": teacher, "mentor": mentor, "student": student}


ROLES = ("student", "teacher", "mentor")
_TABLES = re.compile(r'(?:FROM|JOIN)\s+"?(\w+)', re.IGNORECASE)


@pytest.mark.parametrize("role", ROLES)
def test_every_table_the_kept_part_reads_renews_its_token(session, statement_counter, role):
    user = _world(session)[role]
    with statement_counter() as statements:
        dashboard_service._personal_part(session, user)
    read = {t for sql in statements for t in _TABLES.findall(sql)} - {"SELECT"}
    # Accounts (course owners) renew it through the tracked user fields.
    assert read and read - {"user_account"} <= READ_TABLES, read - READ_TABLES


def _visit_twice(client, statement_counter) -> tuple[list[str], list[str], str]:
    with statement_counter() as first:
        assert client.get("/").status_code == 200
    with statement_counter() as second:
        page = client.get("/")
    assert page.status_code == 200
    return first, second, page.text


@pytest.mark.parametrize("role", ROLES)
def test_a_second_visit_reads_the_token_and_the_bookings_only(
    client, session, statement_counter, role
):
    user = _world(session)[role]
    client.login(user.username)
    first, second, _page = _visit_twice(client, statement_counter)
    assert any("team" in sql for sql in first)
    kept = [s for s in second if "user_session" not in s and "data_revision" not in s]
    # the live studio panel: bookings, waitlist, strikes this term
    assert all("booking" in sql or "FROM term" in sql for sql in kept), kept
    assert len(second) < len(first)


@pytest.mark.parametrize("role", ROLES)
def test_same_statements_for_ten_times_the_data(
    client, other_client, session, statement_counter, role
):
    small, large = _world(session, 1, tag="小")[role], _world(session, 10, tag="大")[role]
    client.login(small.username)
    other_client.login(large.username)
    with statement_counter() as few:
        client.get("/")
    with statement_counter() as many:
        page = other_client.get("/").text
    assert "大9" in page
    assert len(many) == len(few)


def test_a_student_sees_a_new_team_and_certificate_and_a_closed_action_at_once(
    client, session, statement_counter
):
    world = _world(session)
    student = world["student"]
    client.login(student.username)
    _first, _second, page = _visit_twice(client, statement_counter)
    assert "整理选品清单" in page and "新加入的队" not in page
    make_team(session, members=[(student, "operation")], name="新加入的队")
    certificate = make_certificate(session, name_zh="新证书甲")
    make_award(session, holder=student, certificate=certificate)
    session.commit()  # another worker, as far as the app knows
    page = client.get("/").text
    assert "新加入的队" in page and "新证书甲" in page
    for item in session.exec(select(ActionItem)).all():
        item.done_at = utcnow()
        session.add(item)
    session.commit()
    assert "整理选品清单" not in client.get("/").text


def test_a_teacher_sees_a_new_course_and_cohort_at_once(client, session, statement_counter):
    teacher = _world(session)["teacher"]
    client.login(teacher.username)
    _visit_twice(client, statement_counter)
    make_course(session, owners=[teacher], title_zh="刚建的课程")
    make_cohort(session, head_teacher_id=teacher.id, intake_year=2034)
    session.commit()
    page = client.get("/").text
    assert "刚建的课程" in page and "2034级" in page


def test_a_mentor_sees_a_new_expertise_at_once(client, session, statement_counter):
    mentor = _world(session)["mentor"]
    client.login(mentor.username)
    _visit_twice(client, statement_counter)
    session.add(
        MentorExpertise(mentor_id=mentor.id, post_id=make_post(session, name_zh="新岗位乙").id)
    )
    session.commit()
    assert "新岗位乙" in client.get("/").text


def test_a_new_day_counts_again(client, session, statement_counter, monkeypatch):
    student = _world(session)["student"]
    client.login(student.username)
    _visit_twice(client, statement_counter)
    tomorrow = clock.today() + timedelta(days=1)
    monkeypatch.setattr(clock, "today", lambda: tomorrow)
    with statement_counter() as statements:
        client.get("/")
    assert any("team_member" in sql for sql in statements)


def test_each_person_sees_only_their_own_kept_part(client, other_client, session):
    first, second = make_student(session), make_student(session)
    make_team(session, members=[(first, "anchor")], name="甲的队")
    session.commit()
    client.login(first.username)
    other_client.login(second.username)
    assert "甲的队" in client.get("/").text
    assert "甲的队" not in other_client.get("/").text


def test_a_bulk_update_shows_at_once(client, session, statement_counter):
    teacher = _world(session)["teacher"]
    client.login(teacher.username)
    _visit_twice(client, statement_counter)
    session.exec(update(Course).values(title_zh="批量改名的课程"))
    session.commit()
    assert "批量改名的课程" in client.get("/").text


def test_the_strikes_panel_counts_in_the_term_configured_since_the_last_visit(
    client, session, statement_counter
):
    """The term the strikes are counted in is kept with the day's part: a term configured
    (or changed) renews it at once."""
    today = clock.today()
    missed_on = today - timedelta(days=2)
    if missed_on < clock.fixed_term_bounds(today)[0]:
        pytest.skip("today is too close to the start of the default term")
    student = make_student(session, locale="en")
    start = clock.day_start(missed_on) + timedelta(hours=10)
    make_booking(
        session, studio=make_studio(session), user=student, starts_at=start, status="no_show"
    )
    session.commit()
    client.login(student.username)
    _first, second, page = _visit_twice(client, statement_counter)
    assert "You have missed 1 check-ins this term" in page
    assert not any("FROM term" in sql for sql in second)  # kept with the day's part
    session.add(Term(name="新学期", starts_on=today, ends_on=today + timedelta(days=100)))
    session.commit()
    assert "You have missed" not in client.get("/").text
