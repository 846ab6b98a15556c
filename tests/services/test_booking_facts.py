"""The booking rules judge an attempt on rows read in one statement (bookings.facts):
each rule still sees only its own rows (the booker's week, the team's, the studio's)."""

from datetime import timedelta

import pytest

from app.config import settings
from app.services.bookings import rules, strikes
from app.services.studios import studio_hours
from tests.factories import make_student
from tests.factories_studios import local, make_blackout, make_booking, make_studio, next_weekday
from tests.factories_teams import make_team

MONDAY = next_weekday(0)


def check(session, user, studio, start, *, team=None, now=None, **kw):
    now = now or local(MONDAY, "07:00")
    rules.check_rules(
        session,
        studio=studio,
        user=user,
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        purpose="personal",
        now=now,
        team_id=team.id if team else None,
        **kw,
    )


def test_every_rule_of_a_students_team_booking_is_judged_on_one_statement(
    session, statement_counter
):
    studio, student = make_studio(session), make_student(session)
    team = make_team(session, members=[(student, "anchor")])
    session.commit()
    since = strikes.term_start(session, local(MONDAY, "07:00"))
    hours = studio_hours(session, studio_id=studio.id)
    with statement_counter() as statements:
        check(
            session, student, studio, local(MONDAY, "11:00"), team=team, strikes_since=since,
            hours=hours,
        )  # fmt: skip
    assert len(statements) == 1, statements
    with statement_counter() as statements:  # without the term: it is read first
        check(session, student, studio, local(MONDAY, "11:00"), team=team, hours=hours)
    assert len(statements) == 2


def test_each_rule_counts_only_its_own_rows(session, monkeypatch):
    monkeypatch.setattr(settings, "booking_team_weekly_hours", 2)
    monkeypatch.setattr(settings, "booking_student_weekly_hours", 1)
    studio, other_studio = make_studio(session), make_studio(session)
    student, teammate, stranger = (
        make_student(session),
        make_student(session),
        make_student(session),
    )
    team = make_team(session, members=[(student, "anchor"), (teammate, "traffic")])
    # another studio's booking and blackout at the time: no clash, no blackout
    make_booking(session, studio=other_studio, user=stranger, starts_at=local(MONDAY, "10:00"))
    make_blackout(
        session,
        studio=other_studio,
        starts_at=local(MONDAY, "09:00"),
        ends_at=local(MONDAY, "12:00"),
    )
    # the teammate's hour counts for the team, not for the student
    make_booking(
        session,
        studio=other_studio,
        user=teammate,
        starts_at=local(MONDAY, "14:00"),
        team_id=team.id,
    )
    # the student's hour next week counts for nothing this week
    make_booking(
        session, studio=studio, user=student, starts_at=local(MONDAY + timedelta(7), "10:00")
    )
    session.commit()
    check(session, student, studio, local(MONDAY, "10:00"), team=team)  # allowed
    make_booking(session, studio=studio, user=student, starts_at=local(MONDAY, "16:00"))
    session.commit()
    with pytest.raises(rules.BookingRefused) as info:  # 1 h booked + 1 h > 1: the student's
        check(session, student, studio, local(MONDAY, "10:00"))
    assert info.value.rule == "quota"
    monkeypatch.setattr(settings, "booking_student_weekly_hours", 100)
    monkeypatch.setattr(settings, "booking_team_weekly_hours", 1)
    with pytest.raises(rules.BookingRefused) as info:
        check(session, teammate, studio, local(MONDAY, "10:00"), team=team)
    assert info.value.rule == "team_quota" and info.value.params["used"] == "1"
