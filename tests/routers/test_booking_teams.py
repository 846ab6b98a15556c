"""Booking for a team through the pages, and linking a live session to a studio booking
(including id guessing through POST)."""

import pytest
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from app.models.studios import Booking, WaitlistEntry
from app.models.teams import LiveSession
from tests.factories import make_student, make_teacher
from tests.factories_studios import local, make_booking, make_studio, next_weekday
from tests.factories_teams import make_project, make_team

DAY = next_weekday(2)
HX = {"HX-Request": "true"}


def book_form(team_id="", purpose="live_session", time="10:00"):
    return {
        "date": DAY.isoformat(),
        "time": time,
        "minutes": "60",
        "purpose": purpose,
        "team_id": str(team_id),
    }


def test_a_student_cannot_book_for_a_team_they_are_not_in(client, session):
    studio, student, outsider = make_studio(session), make_student(session), make_student(session)
    mine = make_team(session, name="我的团队", members=[(student, "anchor")])
    theirs = make_team(session, name="别人的团队", members=[(outsider, "anchor")])
    session.commit()
    client.login(student.username)
    panel = client.get(f"/studios/{studio.id}/book?date={DAY}&time=10:00", headers=HX)
    assert 'name="team_id"' in panel.text
    assert "我的团队" in panel.text and "别人的团队" not in panel.text
    url = f"/studios/{studio.id}/book"
    refused = client.post_form(url, book_form(theirs.id), headers=HX)
    assert refused.status_code == 422
    assert (
        'id="team_id-error"' in refused.text and "团队预约规则" in refused.text
    )  # the rule, named
    missing = client.post_form(url, book_form(""), headers=HX)
    assert missing.status_code == 422 and 'id="team_id-error"' in missing.text
    garbage = client.post_form(url, book_form("1x"), headers=HX)
    assert garbage.status_code == 422
    assert session.exec(select(Booking)).all() == []
    # no JavaScript: the full page with the message beside the field
    plain = client.post_form(url, book_form(theirs.id))
    assert plain.status_code == 422 and "<html" in plain.text and "team_id-error" in plain.text
    assert client.post_form(url, book_form(mine.id), headers=HX).status_code == 200
    booking = session.exec(select(Booking)).one()
    assert booking.team_id == mine.id
    # the team shows on my bookings and on the booking
    assert "我的团队" in client.get("/bookings").text
    assert "我的团队" in client.get(f"/bookings/{booking.id}").text


def test_a_teams_live_session_queues_and_is_offered_the_slot_for_the_team(
    client, other_client, session
):
    studio, student, other = make_studio(session), make_student(session), make_student(session)
    outsider = make_student(session)
    team = make_team(session, members=[(student, "anchor")])
    taken = make_booking(session, studio=studio, user=other, starts_at=local(DAY, "10:00"))
    session.commit()
    # only a member may queue for the team
    client.login(outsider.username)
    response = client.post_form(f"/studios/{studio.id}/waitlist", book_form(team.id), headers=HX)
    assert response.status_code == 422 and 'id="team_id-error"' in response.text
    client.login(student.username)
    assert client.post_form(f"/studios/{studio.id}/waitlist", book_form(team.id)).status_code == 303
    entry = session.exec(select(WaitlistEntry)).one()
    assert (entry.team_id, entry.user_id) == (team.id, student.id)

    other_client.login(other.username)
    assert other_client.post_form(f"/bookings/{taken.id}/cancel").status_code == 303
    session.expire_all()
    entry = session.get(WaitlistEntry, entry.id)
    assert entry.status == "offered"
    assert client.post_form(f"/bookings/waitlist/{entry.id}/accept").status_code == 303
    session.expire_all()
    entry = session.get(WaitlistEntry, entry.id)
    booking = session.get(Booking, entry.booking_id)
    assert (entry.status, booking.status) == ("accepted", "approved")
    assert (booking.team_id, booking.purpose, booking.user_id) == (
        team.id,
        "live_session",
        student.id,
    )
    assert team.name in client.get(f"/bookings/{booking.id}").text


def test_a_teacher_books_a_series_for_a_team(client, session):
    studio, teacher = make_studio(session), make_teacher(session)
    team = make_team(session, name="系列团队")
    session.commit()
    client.login(teacher.username)
    assert "系列团队" in client.get("/bookings/recurring").text
    form = {
        "studio_id": str(studio.id),
        "purpose": "live_session",
        "weekdays": [str(DAY.weekday())],
        "time": "10:00",
        "minutes": "60",
        "first_date": DAY.isoformat(),
        "last_date": DAY.isoformat(),
    }
    response = client.post_form("/bookings/recurring", {**form, "action": "preview"}, headers=HX)
    assert response.status_code == 422 and 'id="team_id-error"' in response.text
    form["team_id"] = str(team.id)
    preview = client.post_form("/bookings/recurring", {**form, "action": "preview"}, headers=HX)
    assert preview.status_code == 200
    occurrence = local(DAY, "10:00").isoformat()
    done = client.post_form(
        "/bookings/recurring", {**form, "action": "commit", "occurrence": occurrence}
    )
    assert done.status_code == 303
    assert session.exec(select(Booking)).one().team_id == team.id


def _plan(booking_id):
    return {
        "theme": "周末直播",
        "planned_start": "2026-12-05T19:00",
        "planned_minutes": "60",
        "booking_id": str(booking_id),
    }


def test_a_live_session_links_only_its_own_teams_booking(client, session):
    studio, student, outsider = make_studio(session), make_student(session), make_student(session)
    team = make_team(session, members=[(student, "anchor")])
    other_team = make_team(session, members=[(outsider, "anchor")])
    make_project(session, team)
    own = make_booking(
        session,
        studio=studio,
        user=student,
        starts_at=local(DAY, "10:00"),
        purpose="live_session",
        team_id=team.id,
    )
    foreign = make_booking(
        session,
        studio=studio,
        user=outsider,
        starts_at=local(DAY, "14:00"),
        purpose="live_session",
        team_id=other_team.id,
    )
    session.commit()
    client.login(student.username)
    form_page = client.get(f"/teams/{team.id}/sessions/new")
    choices = form_page.text.split('name="booking_id"')[1].split("</select>")[0]
    assert f'<option value="{own.id}"' in choices
    assert f'<option value="{foreign.id}"' not in choices
    # guessing another team's booking id through POST is refused beside the field
    response = client.post_form(f"/teams/{team.id}/sessions/new", _plan(foreign.id), headers=HX)
    assert response.status_code == 422 and 'id="booking_id-error"' in response.text
    assert session.exec(select(LiveSession)).all() == []
    response = client.post_form(f"/teams/{team.id}/sessions/new", _plan(own.id))
    assert response.status_code == 303
    live = session.exec(select(LiveSession)).one()
    session.refresh(own)
    assert own.live_session_id == live.id
    # the session shows its booking, the booking shows its session
    page = client.get(f"/teams/{team.id}/sessions/{live.id}")
    assert f'href="/bookings/{own.id}"' in page.text and studio.name in page.text
    booking_page = client.get(f"/bookings/{own.id}")
    assert f"/teams/{team.id}/sessions/{live.id}" in booking_page.text
    # editing the plan: the foreign booking is still refused, and nothing changes
    url = f"/teams/{team.id}/sessions/{live.id}/plan"
    assert client.post_form(url, _plan(foreign.id), headers=HX).status_code == 422
    session.refresh(own)
    session.refresh(foreign)
    assert (own.live_session_id, foreign.live_session_id) == (live.id, None)
    # the other team's member cannot edit this session at all
    client.login(outsider.username)
    assert client.post_form(url, _plan(foreign.id)).status_code == 404


def test_a_team_member_sees_the_teams_booking(client, session):
    studio, booker, member = make_studio(session), make_student(session), make_student(session)
    outsider = make_student(session)
    team = make_team(session, members=[(booker, "anchor"), (member, "traffic")])
    booking = make_booking(
        session,
        studio=studio,
        user=booker,
        starts_at=local(DAY, "10:00"),
        purpose="live_session",
        team_id=team.id,
    )
    session.commit()
    client.login(member.username)
    assert client.get(f"/bookings/{booking.id}").status_code == 200
    client.login(outsider.username)
    assert client.get(f"/bookings/{booking.id}").status_code == 403


def test_a_plan_moves_its_link_and_the_database_keeps_one_booking_per_session(client, session):
    studio, student = make_studio(session), make_student(session)
    team = make_team(session, members=[(student, "anchor")])
    make_project(session, team)
    first, second = (
        make_booking(
            session,
            studio=studio,
            user=student,
            starts_at=local(DAY, at),
            purpose="live_session",
            team_id=team.id,
        )
        for at in ("09:00", "15:00")
    )
    session.commit()
    client.login(student.username)
    assert client.post_form(f"/teams/{team.id}/sessions/new", _plan(second.id)).status_code == 303
    live = session.exec(select(LiveSession)).one()
    # the later booking (higher id) moves to the earlier one: unlinked first, then linked
    url = f"/teams/{team.id}/sessions/{live.id}/plan"
    assert client.post_form(url, _plan(first.id)).status_code == 303
    session.expire_all()
    assert (
        session.get(Booking, first.id).live_session_id,
        session.get(Booking, second.id).live_session_id,
    ) == (live.id, None)

    with pytest.raises(IntegrityError):  # two bookings hosting one session: never stored
        session.exec(update(Booking).where(Booking.id == second.id).values(live_session_id=live.id))
        session.flush()
    session.rollback()
