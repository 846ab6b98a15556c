"""Live calendar feeds: SEQUENCE rises with every change, cancellations reach subscribed
calendars, a team has its own revocable feed, and a webcal link subscribes with a tap."""

from datetime import timedelta

from icalendar import Calendar
from sqlmodel import select

from app.models.studios import Booking, CalendarFeed
from app.models.teams import LiveSession
from app.services.bookings.rules import apply_due_statuses
from tests.factories import make_mentor, make_student, make_teacher
from tests.factories_studios import local, make_booking, make_studio, next_weekday
from tests.factories_teams import ensure_posts, make_live_session, make_project, make_team

DAY = next_weekday(3)


def _events(client, token) -> dict[str, object]:
    client.cookies.clear()  # calendar apps have no session
    response = client.get(f"/calendar/feed/{token}.ics")
    assert response.status_code == 200
    return {str(e["uid"]): e for e in Calendar.from_ical(response.content).walk("VEVENT")}


def test_a_booking_keeps_its_uid_and_raises_its_sequence_when_it_changes(client, session):
    studio, student = make_studio(session), make_student(session)
    booking = make_booking(session, studio=studio, user=student, starts_at=local(DAY, "10:00"))
    session.commit()
    client.login(student.username)
    client.post_form("/calendar/regenerate")
    token = session.exec(select(CalendarFeed)).one().token
    uid = f"booking-{booking.id}@chanjiao"
    assert int(_events(client, token)[uid]["sequence"]) == 0
    client.login(student.username)
    assert client.post_form(f"/bookings/{booking.id}/cancel").status_code == 303
    event = _events(client, token)[uid]
    assert str(event["status"]) == "CANCELLED" and int(event["sequence"]) == 1
    assert _events(client, token)[uid]["sequence"] == event["sequence"]  # reading changes none


def test_a_change_nobody_sees_in_a_calendar_leaves_the_sequence(session):
    studio, student = make_studio(session), make_student(session)
    booking = make_booking(session, studio=studio, user=student, starts_at=local(DAY, "10:00"))
    session.commit()
    booking.decision_reason = "ok"
    session.add(booking)
    session.commit()
    assert booking.sequence == 0
    booking.starts_at += timedelta(minutes=30)
    session.add(booking)
    session.commit()
    assert booking.sequence == 1


def test_statuses_written_in_bulk_by_the_clock_raise_the_sequence_too(session):
    studio, student = make_studio(session), make_student(session)
    missed = make_booking(session, studio=studio, user=student, starts_at=local(DAY, "10:00"))
    session.commit()
    assert apply_due_statuses(session, now=missed.ends_at + timedelta(hours=1)) == 1
    session.commit()
    session.expire_all()
    again = session.get(Booking, missed.id)
    assert again.status == "no_show" and again.sequence == 1


def _team_with_session(session, member):
    ensure_posts(session)
    team = make_team(session, members=[(member, "anchor")])
    project = make_project(session, team)
    live = make_live_session(session, team, project, on=DAY, completed=False)
    return team, live


def test_a_member_makes_the_team_feed_and_it_carries_sessions_and_team_bookings(client, session):
    member, outsider = make_student(session, locale="en"), make_student(session)
    team, live = _team_with_session(session, member)
    studio = make_studio(session)
    for_team = make_booking(
        session, studio=studio, user=member, starts_at=local(DAY, "09:00"), team_id=team.id
    )
    make_booking(session, studio=studio, user=member, starts_at=local(DAY, "15:00"))  # own
    session.commit()
    client.login(member.username)
    page = client.get(f"/calendar/teams/{team.id}")
    assert page.status_code == 200 and "webcal://" not in page.text
    assert client.post_form(f"/calendar/teams/{team.id}/regenerate").status_code == 303
    token = session.exec(select(CalendarFeed).where(CalendarFeed.team_id == team.id)).one().token
    page = client.get(f"/calendar/teams/{team.id}")
    assert f'href="webcal://testserver/calendar/feed/{token}.ics"' in page.text
    events = _events(client, token)
    assert set(events) == {f"live-session-{live.id}@chanjiao", f"booking-{for_team.id}@chanjiao"}
    # a re-planned session shows with a higher sequence
    client.login(member.username)
    live_row = session.get(LiveSession, live.id)
    live_row.planned_start += timedelta(hours=1)
    session.add(live_row)
    session.commit()
    assert int(_events(client, token)[f"live-session-{live.id}@chanjiao"]["sequence"]) == 1
    client.login(outsider.username)
    assert client.get(f"/calendar/teams/{team.id}").status_code == 404
    assert client.post_form(f"/calendar/teams/{team.id}/regenerate").status_code == 404


def test_renewing_the_team_feed_stops_the_old_address(client, session):
    member, teacher = make_student(session), make_teacher(session)
    team, _live = _team_with_session(session, member)
    session.commit()
    client.login(teacher.username)  # staff may renew it too
    client.post_form(f"/calendar/teams/{team.id}/regenerate")
    old = session.exec(select(CalendarFeed).where(CalendarFeed.team_id == team.id)).one().token
    client.post_form(f"/calendar/teams/{team.id}/regenerate")
    session.expire_all()
    new = session.exec(select(CalendarFeed).where(CalendarFeed.team_id == team.id)).one().token
    assert new != old
    client.cookies.clear()
    assert client.get(f"/calendar/feed/{old}.ics").status_code == 404
    assert client.get(f"/calendar/feed/{new}.ics").status_code == 200


def test_mentors_have_no_team_feed_page(client, session):
    member, mentor = make_student(session), make_mentor(session)
    team, _live = _team_with_session(session, member)
    session.commit()
    client.login(mentor.username)
    assert client.get(f"/calendar/teams/{team.id}").status_code == 403


def test_the_team_page_links_its_calendar_for_members_only(client, session):
    member, teacher = make_student(session), make_teacher(session)
    team, _live = _team_with_session(session, member)
    session.commit()
    client.login(member.username)
    assert f'href="/calendar/teams/{team.id}"' in client.get(f"/teams/{team.id}").text
    client.login(teacher.username)
    assert f'href="/calendar/teams/{team.id}"' in client.get(f"/teams/{team.id}").text
