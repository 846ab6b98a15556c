"""ICS feeds by secret token, recurring bookings and the utilisation report with exports."""

import csv
import io
import re
from datetime import timedelta

from icalendar import Calendar
from openpyxl import load_workbook
from sqlmodel import select

from app.models.studios import Booking, BookingSeries, CalendarFeed
from tests.factories import make_admin, make_student, make_teacher
from tests.factories_studios import local, make_booking, make_studio, next_weekday

DAY = next_weekday(2)
OCCURRENCE = re.compile(r'name="occurrence" value="([^"]+)"')


def test_a_user_makes_a_feed_and_calendar_apps_read_it_without_logging_in(client, session):
    studio, student = make_studio(session), make_student(session)
    booking = make_booking(session, studio=studio, user=student, starts_at=local(DAY, "10:00"))
    make_booking(session, studio=studio, user=make_student(session), starts_at=local(DAY, "14:00"))
    session.commit()
    client.login(student.username)
    assert "feed" not in client.get("/calendar").text.split("<main")[1].split("</main>")[0] or (
        ".ics" not in client.get("/calendar").text
    )
    assert client.post_form("/calendar/regenerate").status_code == 303
    token = session.exec(select(CalendarFeed)).one().token
    assert f"/calendar/feed/{token}.ics" in client.get("/calendar").text
    client.cookies.clear()  # a calendar app has no session
    response = client.get(f"/calendar/feed/{token}.ics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 1  # only the user's own booking
    event = events[0]
    assert event.decoded("dtstart") == booking.starts_at
    # written in the college's zone, with its VTIMEZONE: 10:00 shows as 10:00 anywhere
    assert event.decoded("dtstart").strftime("%H:%M") == "10:00"
    assert b"DTSTART;TZID=Asia/Shanghai:" in event.to_ical()
    assert [str(tz["tzid"]) for tz in calendar.walk("VTIMEZONE")] == ["Asia/Shanghai"]
    assert event.decoded("dtend") == booking.ends_at
    assert str(event["uid"]) == f"booking-{booking.id}@chanjiao"
    assert str(calendar["version"]) == "2.0" and "prodid" in calendar


def test_regenerating_the_feed_stops_the_old_address(client, session):
    student = make_student(session)
    session.commit()
    client.login(student.username)
    client.post_form("/calendar/regenerate")
    old = session.exec(select(CalendarFeed)).one().token
    client.post_form("/calendar/regenerate")
    session.expire_all()
    new = session.exec(select(CalendarFeed)).one().token
    assert new != old
    assert client.get(f"/calendar/feed/{old}.ics").status_code == 404
    assert client.get(f"/calendar/feed/{new}.ics").status_code == 200
    assert client.get("/calendar/feed/guess.ics").status_code == 404


def test_renewing_ones_own_feed_is_a_confirmed_post_with_csrf(client, session):
    student = make_student(session)
    session.commit()
    client.login(student.username)
    client.post_form("/calendar/regenerate")
    page = client.get("/calendar").text
    assert re.search(r'action="/calendar/regenerate" data-confirm="[^"]+" hx-confirm=', page)
    no_csrf = client.post("/calendar/regenerate", follow_redirects=False)
    assert no_csrf.status_code == 403


def test_a_studio_feed_lists_its_active_bookings_without_names(client, session):
    admin, studio, student = make_admin(session), make_studio(session), make_student(session)
    make_booking(session, studio=studio, user=student, starts_at=local(DAY, "10:00"))
    make_booking(
        session, studio=studio, user=student, starts_at=local(DAY, "12:00"), status="cancelled"
    )
    session.commit()
    client.login(admin.username)
    assert client.post_form(f"/studios/{studio.id}/feed").status_code == 303
    token = session.exec(select(CalendarFeed)).one().token
    client.cookies.clear()
    calendar = Calendar.from_ical(client.get(f"/calendar/feed/{token}.ics").content)
    events = sorted(calendar.walk("VEVENT"), key=lambda e: e.decoded("dtstart"))
    # the cancelled one stays, marked so, for calendars that had it to drop it
    assert [str(e["status"]) for e in events] == ["CONFIRMED", "CANCELLED"]
    assert student.full_name not in calendar.to_ical().decode()


FEED_LINK = re.compile(r'href="/calendar/feed/([^"]+)\.ics"')


def _studio_feed_seen_by(client, user, studio) -> Calendar:
    client.login(user.username)
    token = FEED_LINK.search(client.get(f"/studios/{studio.id}").text).group(1)
    client.cookies.clear()  # the calendar app that subscribes has no session
    response = client.get(f"/calendar/feed/{token}.ics")
    assert response.status_code == 200
    return Calendar.from_ical(response.content)


def test_students_see_only_busy_and_free_in_the_studio_feed(client, session):
    admin, teacher, studio = make_admin(session), make_teacher(session), make_studio(session)
    student, other = make_student(session), make_student(session, full_name="赵其他")
    make_booking(
        session,
        studio=studio,
        user=other,
        starts_at=local(DAY, "10:00"),
        purpose="competition",
        title="新品首发彩排",
    )
    make_booking(session, studio=studio, user=student, starts_at=local(DAY, "14:00"), title="练习")
    session.commit()
    client.login(admin.username)
    assert client.post_form(f"/studios/{studio.id}/feed").status_code == 303

    calendar = _studio_feed_seen_by(client, student, studio)
    text = calendar.to_ical().decode()
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 2  # every busy time is there
    assert "新品首发彩排" not in text and "赵其他" not in text
    assert "竞赛训练" not in text and "Competition training" not in text
    assert {str(event["summary"]) for event in events} <= {"已被预约", "Booked"}
    assert all("description" not in event for event in events)

    staff_view = _studio_feed_seen_by(client, teacher, studio)
    assert "新品首发彩排" in staff_view.to_ical().decode()
    assert "赵其他" not in staff_view.to_ical().decode()


def test_renewing_a_studio_feed_stops_both_its_addresses_at_once(client, session):
    admin, student, studio = make_admin(session), make_student(session), make_studio(session)
    session.commit()
    client.login(admin.username)
    client.post_form(f"/studios/{studio.id}/feed")
    form = client.get(f"/studios/{studio.id}/edit").text
    assert re.search(r'action="/studios/\d+/feed"[^>]*data-confirm=', form)
    staff_token = FEED_LINK.search(client.get(f"/studios/{studio.id}").text).group(1)
    client.login(student.username)
    busy_token = FEED_LINK.search(client.get(f"/studios/{studio.id}").text).group(1)
    assert busy_token != staff_token
    client.login(admin.username)
    assert client.post_form(f"/studios/{studio.id}/feed").status_code == 303
    for old in (staff_token, busy_token):
        assert client.get(f"/calendar/feed/{old}.ics").status_code == 404
    new = FEED_LINK.search(client.get(f"/studios/{studio.id}").text).group(1)
    assert client.get(f"/calendar/feed/{new}.ics").status_code == 200


def recurring_form(studio, **overrides):
    first = next_weekday(0)
    data = {
        "studio_id": str(studio.id),
        "weekdays": ["0", "2"],
        "time": "14:00",
        "minutes": "90",
        "first_date": first.isoformat(),
        "last_date": (first + timedelta(days=20)).isoformat(),
        "title": "直播运营实务",
        "purpose": "course",
    }
    data.update(overrides)
    return data


def test_a_recurring_preview_shows_conflicts_and_commits_the_free_ones(client, session):
    teacher, student, studio = make_teacher(session), make_student(session), make_studio(session)
    clash_day = next_weekday(0) + timedelta(days=7)
    make_booking(session, studio=studio, user=student, starts_at=local(clash_day, "14:30"))
    session.commit()
    client.login(teacher.username)
    form = recurring_form(studio)
    preview = client.post_form("/bookings/recurring", {**form, "action": "preview"})
    assert preview.status_code == 200
    assert preview.text.count('class="occ-free"') == 5
    assert preview.text.count('class="occ-conflict row-error"') == 1
    assert session.exec(select(Booking).where(Booking.user_id == teacher.id)).first() is None
    keys = OCCURRENCE.findall(preview.text)
    assert len(keys) == 5
    response = client.post_form(
        "/bookings/recurring", {**form, "action": "commit", "occurrence": keys}
    )
    assert response.status_code == 303
    booked = session.exec(select(Booking).where(Booking.user_id == teacher.id)).all()
    assert len(booked) == 5 and len({b.series_id for b in booked}) == 1
    assert all(b.purpose == "course" for b in booked)


def test_a_recurring_commit_is_all_or_nothing(client, session):
    teacher, student, studio = make_teacher(session), make_student(session), make_studio(session)
    session.commit()
    client.login(teacher.username)
    form = recurring_form(studio)
    preview = client.post_form("/bookings/recurring", {**form, "action": "preview"})
    keys = OCCURRENCE.findall(preview.text)
    # someone takes one of the free occurrences between the preview and the commit
    make_booking(
        session,
        studio=studio,
        user=student,
        starts_at=local(next_weekday(0) + timedelta(days=2), "14:00"),
    )
    session.commit()
    response = client.post_form(
        "/bookings/recurring", {**form, "action": "commit", "occurrence": keys}
    )
    assert response.status_code == 409
    assert session.exec(select(Booking).where(Booking.user_id == teacher.id)).first() is None
    assert session.exec(select(BookingSeries)).first() is None


def test_students_cannot_make_recurring_bookings(client, session):
    student, studio = make_student(session), make_studio(session)
    session.commit()
    client.login(student.username)
    response = client.post_form("/bookings/recurring", recurring_form(studio))
    assert response.status_code == 403


def test_the_utilisation_report_with_chart_csv_and_xlsx(client, session):
    admin, studio = make_admin(session), make_studio(session, name="=HYPERLINK(1)")
    student = make_student(session)
    past = next_weekday(0) - timedelta(days=14)
    make_booking(
        session,
        studio=studio,
        user=student,
        starts_at=local(past, "10:00"),
        minutes=120,
        status="completed",
    )
    make_booking(
        session, studio=studio, user=student, starts_at=local(past, "14:00"), status="approved"
    )
    session.commit()
    client.login(admin.username)
    query = f"start={past.isoformat()}&weeks=2"
    page = client.get(f"/studios/report?{query}")
    assert page.status_code == 200
    assert "bar-chart" in page.text and 'class="bar bar-used"' in page.text
    csv_response = client.get(f"/studios/report.csv?{query}")
    assert csv_response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(csv_response.content.decode("utf-8-sig"))))
    assert len(rows) == 3
    first = rows[1]
    assert first[0] == "'=HYPERLINK(1)"  # neutralised
    assert first[1] == past.isoformat()
    assert float(first[2]) == 98.0  # 14 open hours a day, 7 days
    assert (float(first[3]), float(first[4]), float(first[5])) == (3.0, 2.0, 0.5)
    xlsx = client.get(f"/studios/report.xlsx?{query}")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    cell = sheet.cell(row=2, column=1)
    assert (cell.value, cell.data_type, cell.quotePrefix) == ("=HYPERLINK(1)", "s", True)
    teacher = make_teacher(session)
    session.commit()
    client.login(teacher.username)
    assert client.get("/studios/report.csv").status_code == 403


def test_a_students_feed_carries_the_live_sessions_of_their_teams(client, session):
    from app.services import clock
    from app.services.bookings import feeds
    from tests.factories_teams import make_live_session, make_project, make_team

    student, other = make_student(session), make_student(session)
    team = make_team(session, name="星火直播队", members=[(student, "anchor")])
    elsewhere = make_team(session, members=[(other, "anchor")])
    soon = clock.today() + timedelta(days=3)
    planned = make_live_session(
        session, team, make_project(session, team), on=soon, completed=False
    )
    make_live_session(session, elsewhere, make_project(session, elsewhere), on=soon)
    feed = feeds.regenerate_feed(session, user_id=student.id)
    session.commit()
    calendar = Calendar.from_ical(feeds.feed_ics(session, token=feed.token))
    events = {str(e["uid"]): e for e in calendar.walk("VEVENT")}
    assert set(events) == {f"live-session-{planned.id}@chanjiao"}  # not the other team's
    event = events[f"live-session-{planned.id}@chanjiao"]
    assert event.decoded("dtstart") == planned.planned_start
    assert "星火直播队" in str(event["summary"]) and str(event["status"]) == "CONFIRMED"
