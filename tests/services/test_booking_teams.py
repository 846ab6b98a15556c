"""Bookings for a team: the team rule, the per-team weekly quota, and linking a team's
live session to one of its live-session bookings (one booking per live session)."""

from datetime import date, timedelta

import pytest
from sqlmodel import select

from app.config import settings
from app.errors import FormErrors
from app.models.studios import Booking, BookingStatus
from app.models.teams import TeamMember
from app.schemas.bookings import BookingForm, RecurringForm
from app.schemas.live_sessions import PlanForm
from app.services import clock
from app.services.bookings import create, recurring
from app.services.bookings import rules as booking_service
from app.services.teams import live_sessions as live_service
from app.services.teams import projects as project_service
from tests.factories import make_admin, make_student, make_teacher
from tests.factories_studios import local, make_booking, make_studio, next_weekday
from tests.factories_teams import make_live_session, make_project, make_team

MONDAY = next_weekday(0)
NOW = local(MONDAY, "07:00")


def book(session, user, studio, start, minutes=60, purpose="live_session", team=None):
    return create.create_booking(
        session,
        actor=user,
        studio_id=studio.id,
        starts_at=start,
        ends_at=start + timedelta(minutes=minutes),
        purpose=purpose,
        now=NOW,
        team_id=team.id if team is not None else None,
    )


def team_error(session, *args, **kw) -> str:
    with pytest.raises(FormErrors) as info:
        book(session, *args, **kw)
    assert set(info.value.errors) == {"team_id"}
    return str(info.value.errors["team_id"])


def test_a_live_session_needs_a_team_of_the_student(session):
    studio, student, outsider = make_studio(session), make_student(session), make_student(session)
    team = make_team(session, members=[(student, "anchor")])
    other_team = make_team(session, members=[(outsider, "anchor")])
    assert "Booking for a team" in team_error(session, student, studio, local(MONDAY, "10:00"))
    message = team_error(session, student, studio, local(MONDAY, "10:00"), team=other_team)
    assert "current member" in message
    booking = book(session, student, studio, local(MONDAY, "10:00"), team=team)
    assert booking.team_id == team.id
    assert session.exec(select(Booking)).all() == [booking]  # nothing else was written


def test_a_former_member_may_not_book_for_the_team(session):
    studio, student = make_studio(session), make_student(session)
    team = make_team(session, members=[(student, "anchor")])
    member = session.exec(select(TeamMember).where(TeamMember.user_id == student.id)).one()
    member.left_on = date(2025, 12, 1)
    session.add(member)
    session.flush()
    assert "current member" in team_error(
        session, student, studio, local(MONDAY, "10:00"), team=team
    )
    assert booking_service.team_choices(session, user=student) == []


def test_staff_book_for_any_team_and_other_purposes_name_a_team_optionally(session):
    studio, student = make_studio(session), make_student(session)
    team = make_team(session, members=[(student, "anchor")])
    teacher, admin = make_teacher(session), make_admin(session)
    assert book(session, teacher, studio, local(MONDAY, "08:00"), team=team).team_id == team.id
    assert book(session, admin, studio, local(MONDAY, "09:00"), team=team).team_id == team.id
    training = book(session, student, studio, local(MONDAY, "10:00"), purpose="competition")
    assert training.team_id is None
    with_team = book(
        session, student, studio, local(MONDAY, "11:00"), purpose="competition", team=team
    )
    assert with_team.team_id == team.id
    assert [t.id for t in booking_service.team_choices(session, user=teacher)] == [team.id]


def test_an_unknown_team_is_a_field_error(session):
    studio, teacher = make_studio(session), make_teacher(session)
    with pytest.raises(FormErrors) as info:
        create.create_booking(
            session,
            actor=teacher,
            studio_id=studio.id,
            starts_at=local(MONDAY, "10:00"),
            ends_at=local(MONDAY, "11:00"),
            purpose="live_session",
            now=NOW,
            team_id=999999,
        )
    assert "team_id" in info.value.errors
    with pytest.raises(FormErrors) as info:
        BookingForm.parse(
            {
                "date": MONDAY.isoformat(),
                "time": "10:00",
                "minutes": "60",
                "purpose": "personal",
                "team_id": "abc",
            }
        )
    assert "team_id" in info.value.errors


def test_a_team_at_its_weekly_quota_is_refused_and_another_team_is_not(session, monkeypatch):
    monkeypatch.setattr(settings, "booking_team_weekly_hours", 3)
    monkeypatch.setattr(settings, "booking_student_weekly_hours", 100)
    studio = make_studio(session)
    first, second, third = make_student(session), make_student(session), make_student(session)
    team = make_team(session, members=[(first, "anchor"), (second, "traffic")])
    other = make_team(session, members=[(third, "anchor")])
    book(session, first, studio, local(MONDAY, "08:00"), 120, team=team)
    book(session, second, studio, local(MONDAY + timedelta(days=1), "08:00"), 60, team=team)
    with pytest.raises(booking_service.BookingRefused) as info:  # any member counts
        book(session, first, studio, local(MONDAY + timedelta(days=2), "08:00"), 60, team=team)
    assert info.value.rule == "team_quota"
    assert info.value.rule_name == "Weekly hour quota per team"
    assert info.value.params == {"quota": 3, "used": "3"}
    # staff bookings for the team count against it too
    with pytest.raises(booking_service.BookingRefused):
        book(session, make_teacher(session), studio, local(MONDAY, "12:00"), 30, team=team)
    # another team, the next week, and a booking without the team are not refused
    assert book(session, third, studio, local(MONDAY + timedelta(days=2), "08:00"), 180, team=other)
    next_week = MONDAY + timedelta(days=7)
    assert book(session, first, studio, local(next_week, "08:00"), 180, team=team).id
    assert book(session, first, studio, local(MONDAY, "14:00"), 60, purpose="personal").id


def test_cancelled_and_rejected_bookings_do_not_count_for_the_team(session, monkeypatch):
    monkeypatch.setattr(settings, "booking_team_weekly_hours", 2)
    studio, student = make_studio(session), make_student(session)
    team = make_team(session, members=[(student, "anchor")])
    for hhmm, status in (("08:00", BookingStatus.cancelled), ("11:00", BookingStatus.rejected)):
        make_booking(
            session,
            studio=studio,
            user=student,
            starts_at=local(MONDAY, hhmm),
            minutes=120,
            status=status,
            purpose="live_session",
            team_id=team.id,
        )
    assert book(session, student, studio, local(MONDAY, "14:00"), 120, team=team).id
    with pytest.raises(booking_service.BookingRefused) as info:
        book(session, student, studio, local(MONDAY, "17:00"), 30, team=team)
    assert info.value.rule == "team_quota"


# ---- linking a live session to a studio booking ----------------------------------------


def _plan(booking_id="", theme="带货直播") -> PlanForm:
    return PlanForm.parse(
        {
            "theme": theme,
            "planned_start": f"{clock.today() + timedelta(days=30)}T19:00",
            "planned_minutes": "60",
            "booking_id": str(booking_id),
        }
    )


def _world(session):
    studio, student = make_studio(session), make_student(session)
    team = make_team(session, members=[(student, "anchor")])
    make_project(session, team)
    booking = make_booking(
        session,
        studio=studio,
        user=student,
        starts_at=local(MONDAY, "10:00"),
        purpose="live_session",
        team_id=team.id,
    )
    return studio, student, team, booking


def test_a_member_links_a_live_session_to_a_team_booking(session):
    studio, student, team, booking = _world(session)
    live = live_service.plan_session(session, user=student, team_id=team.id, form=_plan(booking.id))
    session.refresh(booking)
    assert booking.live_session_id == live.id
    detail = live_service.session_detail(session, user=student, team_id=team.id, session_id=live.id)
    assert detail.booking[0].id == booking.id and detail.booking[1].id == studio.id
    assert live_service.plan_form(detail).booking_id == str(booking.id)
    # editing the plan without a booking unlinks it
    live_service.update_plan(
        session, user=student, team_id=team.id, session_id=live.id, form=_plan("")
    )
    session.refresh(booking)
    assert booking.live_session_id is None


def test_one_booking_per_live_session_moving_the_link(session):
    studio, student, team, first = _world(session)
    second = make_booking(
        session,
        studio=studio,
        user=student,
        starts_at=local(MONDAY, "14:00"),
        purpose="live_session",
        team_id=team.id,
    )
    live = live_service.plan_session(session, user=student, team_id=team.id, form=_plan(first.id))
    live_service.update_plan(
        session, user=student, team_id=team.id, session_id=live.id, form=_plan(second.id)
    )
    linked = session.exec(select(Booking).where(Booking.live_session_id == live.id)).all()
    assert [b.id for b in linked] == [second.id]
    # the booking now hosts this session: another session may not take it
    with pytest.raises(FormErrors) as info:
        live_service.plan_session(session, user=student, team_id=team.id, form=_plan(second.id))
    assert "another live session" in str(info.value.errors["booking_id"])
    choices = live_service.linkable_bookings(session, team_id=team.id)
    assert [b.id for b, _s in choices] == [first.id]


def test_a_booking_of_another_team_or_the_wrong_kind_cannot_be_linked(session):
    studio, student, team, _booking = _world(session)
    outsider = make_student(session)
    other_team = make_team(session, members=[(outsider, "anchor")])
    foreign = make_booking(
        session,
        studio=studio,
        user=outsider,
        starts_at=local(MONDAY, "12:00"),
        purpose="live_session",
        team_id=other_team.id,
    )
    personal = make_booking(
        session,
        studio=studio,
        user=student,
        starts_at=local(MONDAY, "14:00"),
        purpose="competition",
        team_id=team.id,
    )
    cancelled = make_booking(
        session,
        studio=studio,
        user=student,
        starts_at=local(MONDAY, "16:00"),
        purpose="live_session",
        team_id=team.id,
        status=BookingStatus.cancelled,
    )
    for bad in (foreign.id, personal.id, cancelled.id, 999999, "x"):
        with pytest.raises(FormErrors) as info:
            live_service.plan_session(session, user=student, team_id=team.id, form=_plan(bad))
        assert set(info.value.errors) == {"booking_id"}
    assert session.exec(select(Booking).where(Booking.live_session_id.is_not(None))).all() == []
    ids = [b.id for b, _s in live_service.linkable_bookings(session, team_id=team.id)]
    assert ids == [_booking.id]


def test_deleting_a_live_session_or_team_keeps_the_booking_without_the_link(session):
    _studio, _student, team, booking = _world(session)
    project = project_service.team_project(session, team_id=team.id)
    live = make_live_session(session, team, project, on=MONDAY)
    booking.live_session_id = live.id
    session.add(booking)
    session.commit()
    session.delete(live)
    session.commit()
    session.refresh(booking)
    assert (booking.live_session_id, booking.team_id) == (None, team.id)
    session.delete(team)
    session.commit()
    session.refresh(booking)
    assert booking.team_id is None


def test_a_series_preview_counts_its_own_occurrences_against_the_team_quota(session, monkeypatch):
    monkeypatch.setattr(settings, "booking_team_weekly_hours", 2)
    studio, teacher = make_studio(session), make_teacher(session)
    team = make_team(session)
    form = RecurringForm.parse(
        {
            "studio_id": str(studio.id),
            "weekdays": ["0", "1"],  # Monday and Tuesday, 90 minutes each: 3 h a week
            "time": "10:00",
            "minutes": "90",
            "first_date": MONDAY.isoformat(),
            "last_date": (MONDAY + timedelta(days=8)).isoformat(),
            "purpose": "live_session",
            "team_id": str(team.id),
        }
    )
    preview = recurring.preview_series(session, actor=teacher, form=form, now=NOW)
    assert [o.day.weekday() for o in preview.free] == [0, 0]  # each week's Monday
    assert [o.refusal.rule for o in preview.conflicts] == ["team_quota", "team_quota"]

    keys = [o.key for o in preview.free]
    _series, booked = recurring.commit_series(
        session, actor=teacher, form=form, expected=keys, now=NOW
    )
    assert [b.starts_at for b in booked] == [o.starts_at for o in preview.free]
