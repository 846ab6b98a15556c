"""Missed check-ins on the pages: the student's notice and refusal, the staff's strikes page
and forgiveness, and who may not reach it."""

import re
from datetime import timedelta

from sqlmodel import select

from app.models.base import utcnow
from app.models.strikes import StrikeForgiveness
from app.models.studios import Booking
from tests.factories import make_mentor, make_student, make_teacher
from tests.factories_studios import make_booking, make_studio, next_weekday

DAY = next_weekday(2)
HX = {"HX-Request": "true"}


def book_form(time="10:00", day=DAY):
    return {"date": day.isoformat(), "time": time, "minutes": "60", "purpose": "personal"}


def no_shows(session, studio, student, n):
    """``n`` missed check-ins of today, each closed minutes ago (so in the current term)."""
    now = utcnow()
    return [
        make_booking(
            session,
            studio=studio,
            user=student,
            starts_at=now - timedelta(minutes=20 + 25 * i),
            minutes=20,
            status="no_show",
        )
        for i in range(n)
    ]


def english(client, username):
    return client.login(username)


def test_a_suspended_student_sees_why_and_until_when_everywhere(client, session):
    studio, student = make_studio(session), make_student(session, locale="en")
    missed = no_shows(session, studio, student, 3)
    session.commit()
    english(client, student.username)
    mine = client.get("/bookings")
    assert "You cannot book studios or join a waitlist until" in mine.text
    assert "You missed 3 check-ins this term (the limit is 3)" in mine.text
    assert mine.text.count('id="strikes"') == 1  # one list of them
    strikes = mine.text.split('id="strikes"')[1]
    assert all(f"/bookings/{b.id}" in strikes for b in missed)
    assert "You cannot book studios" in client.get("/").text
    assert "You cannot book studios" in client.get(f"/studios/{studio.id}").text


def test_a_suspended_student_is_refused_beside_the_booking_form(client, session):
    studio, student = make_studio(session), make_student(session, locale="en")
    no_shows(session, studio, student, 3)
    session.commit()
    english(client, student.username)
    response = client.post_form(f"/studios/{studio.id}/book", book_form())
    assert response.status_code == 403
    assert "Booking suspended after missed check-ins" in response.text
    assert "you missed 3 check-ins this term (the limit is 3)" in response.text
    panel = client.post_form(f"/studios/{studio.id}/book", book_form(), headers=HX)
    assert panel.status_code == 403 and panel.headers["HX-Retarget"] == "#book-panel"
    assert "you missed 3 check-ins" in panel.text
    waitlist = client.post_form(f"/studios/{studio.id}/waitlist", book_form())
    assert waitlist.status_code == 403 and "you missed 3 check-ins" in waitlist.text
    assert session.exec(select(Booking).where(Booking.status == "approved")).all() == []


def test_a_student_with_fewer_strikes_is_warned_and_may_book(client, session):
    studio, student = make_studio(session), make_student(session, locale="en")
    no_shows(session, studio, student, 2)
    session.commit()
    english(client, student.username)
    assert "You have missed 2 check-ins this term. At 3" in client.get("/bookings").text
    assert client.post_form(f"/studios/{studio.id}/book", book_form()).status_code == 303


def test_staff_forgive_a_strike_with_a_reason_and_the_suspension_lifts(client, session):
    studio, student = make_studio(session), make_student(session, locale="en")
    teacher = make_teacher(session, locale="en")
    first, *_rest = no_shows(session, studio, student, 3)
    session.commit()
    english(client, teacher.username)
    page = client.get("/bookings/strikes")
    assert page.status_code == 200
    assert student.full_name in page.text and "Suspended until" in page.text
    url = f"/bookings/strikes/{first.id}/forgive"
    blank = client.post_form(url, {"reason": "  "})
    assert blank.status_code == 422 and f'id="reason-{first.id}-error"' in blank.text
    assert session.exec(select(StrikeForgiveness)).all() == []
    done = client.post_form(url, {"reason": "校医院就诊，有证明"})
    assert done.status_code == 303
    history = client.get("/bookings/strikes").text
    assert "校医院就诊，有证明" in history and teacher.full_name in history
    assert "May book" in history
    again = client.post_form(url, {"reason": "再次"})
    assert again.status_code == 409
    english(client, student.username)
    assert "校医院就诊，有证明" in client.get("/bookings").text
    assert client.post_form(f"/studios/{studio.id}/book", book_form()).status_code == 303


def test_the_strikes_page_filters_by_name_in_place(client, session):
    studio, teacher = make_studio(session), make_teacher(session, locale="en")
    one = make_student(session, locale="en", full_name="陈一一")
    two = make_student(session, locale="en", full_name="林二二")
    no_shows(session, studio, one, 1)
    no_shows(session, make_studio(session), two, 1)
    session.commit()
    english(client, teacher.username)
    block = client.get("/bookings/strikes?q=一一", headers=HX)
    assert block.text.lstrip().startswith('<div id="strike-results"')
    assert "陈一一" in block.text and "林二二" not in block.text
    assert "No student matching" in client.get("/bookings/strikes?q=nobody").text


def test_students_and_mentors_may_not_reach_the_strikes_page(client, session):
    studio, student, mentor = make_studio(session), make_student(session), make_mentor(session)
    strike = no_shows(session, studio, student, 1)[0]
    session.commit()
    for user in (student, mentor):
        client.login(user.username)
        assert client.get("/bookings/strikes").status_code == 403
        url = f"/bookings/strikes/{strike.id}/forgive"
        assert client.post_form(url, {"reason": "自己免除"}).status_code == 403
    assert session.exec(select(StrikeForgiveness)).all() == []


def test_the_menu_marks_only_the_strikes_entry_on_the_strikes_page(client, session):
    teacher = make_teacher(session)
    session.commit()
    client.login(teacher.username)
    page = client.get("/bookings/strikes").text
    current = re.findall(r'<a href="([^"]+)" aria-current="page"', page)
    assert current == ["/bookings/strikes"]
    assert re.findall(r'<a href="([^"]+)" aria-current="page"', client.get("/bookings").text) == [
        "/bookings"
    ]
