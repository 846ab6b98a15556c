"""Booking pages: the week calendar, booking in place, refusals, ownership, my bookings."""

from datetime import timedelta

from sqlmodel import select

from app.models.base import utcnow
from app.models.studios import Booking, BookingRefusal, WaitlistEntry
from app.services.bookings import door_codes
from tests.factories import make_admin, make_student, make_teacher
from tests.factories_studios import local, make_booking, make_studio, next_weekday

DAY = next_weekday(2)  # a Wednesday within the advance window
HX = {"HX-Request": "true"}


def book_form(time="10:00", minutes="60", day=DAY, purpose="personal"):
    return {"date": day.isoformat(), "time": time, "minutes": minutes, "purpose": purpose}


def test_the_week_calendar_shows_free_slots_and_bookings(client, session):
    studio, owner, other = make_studio(session), make_student(session), make_student(session)
    make_booking(session, studio=studio, user=owner, starts_at=local(DAY, "10:00"), minutes=90)
    session.commit()
    client.login(other.username)
    page = client.get(f"/studios/{studio.id}?week={DAY.isoformat()}")
    assert page.status_code == 200
    assert 'rowspan="3"' in page.text  # 90 minutes over three 30-minute rows
    assert f"/studios/{studio.id}/book?date={DAY.isoformat()}&amp;time=11:30" in page.text
    assert owner.full_name not in page.text  # students see that it is taken, not by whom
    listing = client.get(f"/studios/{studio.id}?week={DAY.isoformat()}&view=list")
    assert "10:00–11:30" in listing.text and "<table" not in listing.text.split('id="calendar"')[1]


def test_htmx_gets_only_the_calendar_block_for_the_next_week(client, session):
    studio, student = make_studio(session), make_student(session)
    session.commit()
    client.login(student.username)
    response = client.get(f"/studios/{studio.id}?week={DAY.isoformat()}", headers=HX)
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div id="calendar"')
    assert "<html" not in response.text


def test_a_student_books_a_free_slot_in_place(client, session):
    studio, student = make_studio(session), make_student(session)
    session.commit()
    client.login(student.username)
    panel = client.get(f"/studios/{studio.id}/book?date={DAY}&time=10:00", headers=HX)
    assert 'name="time"' in panel.text and 'value="10:00"' in panel.text
    response = client.post_form(f"/studios/{studio.id}/book", book_form(), headers=HX)
    assert response.status_code == 200
    assert 'class="notice"' in response.text and 'rowspan="2"' in response.text
    booking = session.exec(select(Booking)).one()
    assert (booking.user_id, booking.status) == (student.id, "approved")


def test_a_refusal_names_its_rule_and_the_next_free_slot(client, other_client, session):
    studio, first, second = make_studio(session), make_student(session), make_student(session)
    session.commit()
    client.login(first.username)
    assert client.post_form(f"/studios/{studio.id}/book", book_form()).status_code == 303
    other_client.login(second.username)
    other_client.cookies.set("chanjiao_locale", "en")
    response = other_client.post_form(f"/studios/{studio.id}/book", book_form())
    assert response.status_code == 409
    assert "Refused by the rule" in response.text or "违反规则" in response.text
    assert f"date={DAY.isoformat()}&amp;time=11:00" in response.text  # the next free time
    assert 'formaction="/studios/' in response.text  # the waitlist button
    refusals = session.exec(select(BookingRefusal)).all()
    assert [(r.rule, r.user_id) for r in refusals] == [("taken", second.id)]
    assert len(session.exec(select(Booking)).all()) == 1


def test_an_htmx_refusal_answers_with_the_booking_form_only(client, other_client, session):
    """In a booking rush most presses are refused: each gets the small form block with the
    refusal, swapped over the form, not a re-render of the whole week."""
    studio, first, second = make_studio(session), make_student(session), make_student(session)
    session.commit()
    client.login(first.username)
    assert client.post_form(f"/studios/{studio.id}/book", book_form()).status_code == 303
    other_client.login(second.username)
    week = other_client.get(f"/studios/{studio.id}/book?date={DAY}&time=10:00", headers=HX)
    response = other_client.post_form(f"/studios/{studio.id}/book", book_form(), headers=HX)
    assert response.status_code == 409
    assert response.headers["HX-Retarget"] == "#book-panel"
    assert response.headers["HX-Reswap"] == "outerHTML"
    assert response.text.lstrip().startswith('<section id="book-panel"')
    assert 'id="calendar"' not in response.text and "rowspan" not in response.text
    assert 'class="form-error refusal"' in response.text
    assert f"date={DAY.isoformat()}&amp;time=11:00" in response.text  # the next free time
    assert 'formaction="/studios/' in response.text  # the waitlist button
    assert 'value="10:00"' in response.text  # what they asked for stays in the form
    assert len(response.text) * 3 < len(week.text)
    refusals = session.exec(select(BookingRefusal)).all()
    assert [(r.rule, r.user_id) for r in refusals] == [("taken", second.id)]


def test_a_refused_press_writes_only_its_refusal_record(
    client, other_client, session, statement_counter
):
    """A press certain to be refused is decided on a read snapshot: on SQLite the one
    write lock is then held only for the refusal's record, not for the whole attempt."""
    studio, first, second = make_studio(session), make_student(session), make_student(session)
    session.commit()
    client.login(first.username)
    assert client.post_form(f"/studios/{studio.id}/book", book_form()).status_code == 303
    other_client.login(second.username)
    with statement_counter() as statements:
        response = other_client.post_form(f"/studios/{studio.id}/book", book_form(), headers=HX)
    assert response.status_code == 409
    writes = [s.split()[0:3] for s in statements if s.split()[0] in ("INSERT", "UPDATE")]
    booking_writes = [w for w in writes if "booking" in " ".join(w).split("(")[0]]
    assert booking_writes == [["INSERT", "INTO", "booking_refusal"]], writes


def test_bad_booking_input_is_422_beside_the_field(client, session):
    studio, student = make_studio(session), make_student(session)
    session.commit()
    client.login(student.username)
    response = client.post_form(
        f"/studios/{studio.id}/book", {"date": "tomorrow", "time": "25:00", "minutes": "x"}
    )
    assert response.status_code == 422
    for name in ("date", "time", "minutes", "purpose"):
        assert f'id="{name}-error"' in response.text
    off_grid = client.post_form(f"/studios/{studio.id}/book", book_form(time="10:10"))
    assert off_grid.status_code == 422
    assert session.exec(select(Booking)).first() is None


def test_a_student_cannot_cancel_or_check_in_someone_elses_booking(client, session):
    studio, owner, other = make_studio(session), make_student(session), make_student(session)
    booking = make_booking(session, studio=studio, user=owner, starts_at=local(DAY, "10:00"))
    session.commit()
    client.login(other.username)
    assert client.get(f"/bookings/{booking.id}").status_code == 403
    assert client.post_form(f"/bookings/{booking.id}/cancel").status_code == 403
    assert client.post_form(f"/bookings/{booking.id}/checkin").status_code == 403
    assert client.post_form(f"/bookings/{booking.id}/approve").status_code == 403
    session.refresh(booking)
    assert booking.status == "approved"
    client.login(owner.username)
    assert client.post_form(f"/bookings/{booking.id}/cancel").status_code == 303
    session.refresh(booking)
    assert booking.status == "cancelled"


def test_the_waitlist_is_offered_the_slot_when_the_booker_cancels(client, other_client, session):
    studio, first, second = make_studio(session), make_student(session), make_student(session)
    session.commit()
    client.login(first.username)
    client.post_form(f"/studios/{studio.id}/book", book_form())
    other_client.login(second.username)
    joined = other_client.post_form(f"/studios/{studio.id}/waitlist", book_form())
    assert joined.status_code == 303
    assert "On the waitlist" in other_client.get("/bookings").text or "候补" in (
        other_client.get("/bookings").text
    )
    booking = session.exec(select(Booking)).one()
    client.post_form(f"/bookings/{booking.id}/cancel")
    session.expire_all()
    entry = session.exec(select(WaitlistEntry)).one()
    assert entry.status == "offered"
    mine = other_client.get("/bookings")
    assert f"/bookings/waitlist/{entry.id}/accept" in mine.text


def test_approvals_by_the_named_teacher(client, other_client, session):
    approver, student = make_teacher(session), make_student(session)
    studio = make_studio(session, requires_approval=True, approver_id=approver.id)
    session.commit()
    client.login(student.username)
    client.post_form(f"/studios/{studio.id}/book", book_form())
    booking = session.exec(select(Booking)).one()
    assert booking.status == "pending"
    other_client.login(approver.username)
    queue = other_client.get("/bookings/approvals")
    assert student.full_name in queue.text
    no_reason = other_client.post_form(f"/bookings/{booking.id}/reject", {"reason": ""})
    assert no_reason.status_code == 422 and 'id="reason-error"' in no_reason.text
    assert other_client.post_form(f"/bookings/{booking.id}/approve").status_code == 303
    session.refresh(booking)
    assert booking.status == "approved"
    assert student.full_name not in other_client.get("/bookings/approvals").text


def test_an_admin_cancels_with_a_reason(client, session):
    admin, studio, owner = make_admin(session), make_studio(session), make_student(session)
    booking = make_booking(session, studio=studio, user=owner, starts_at=local(DAY, "10:00"))
    session.commit()
    client.login(admin.username)
    assert client.post_form(f"/bookings/{booking.id}/cancel").status_code == 422
    response = client.post_form(f"/bookings/{booking.id}/cancel", {"reason": "设备故障"})
    assert response.status_code == 303
    session.refresh(booking)
    assert (booking.status, booking.cancel_reason) == ("cancelled", "设备故障")


def test_week_calendar_and_my_bookings_issue_a_bounded_number_of_statements(
    client, session, statement_counter
):
    studio, student = make_studio(session), make_student(session)
    others = [make_student(session) for _ in range(5)]
    monday = next_weekday(0, weeks=1)
    for day_offset in range(5):
        for hour in range(8, 20, 2):
            user = others[hour % 5] if hour % 4 else student
            start = local(monday + timedelta(days=day_offset), f"{hour:02d}:00")
            make_booking(session, studio=studio, user=user, starts_at=start)
    session.commit()
    client.login(student.username)
    with statement_counter() as statements:
        assert client.get(f"/studios/{studio.id}?week={monday}").status_code == 200
    assert len(statements) <= 11, statements  # with the kept week's data token
    with statement_counter() as statements:  # the week kept: only the viewer's own reads
        assert client.get(f"/studios/{studio.id}?week={monday}").status_code == 200
    assert len(statements) <= 8, statements
    with statement_counter() as statements:
        assert client.get("/bookings").status_code == 200
    assert len(statements) <= 10, statements


def test_qr_check_in_opens_the_scanners_own_booking_only(client, other_client, session):
    studio, owner, other = make_studio(session), make_student(session), make_student(session)
    now = utcnow().replace(second=0, microsecond=0)
    booking = make_booking(session, studio=studio, user=owner, starts_at=now + timedelta(minutes=5))
    session.commit()
    other_client.login(other.username)
    page = other_client.get(f"/studios/{studio.id}/checkin")
    assert "/checkin" in page.text and "Check in now" not in page.text
    assert other_client.post_form(f"/studios/{studio.id}/checkin").status_code == 409
    client.login(owner.username)
    # without the door's code (the address typed or shared): no check-in, a hint to scan
    bare = client.get(f"/studios/{studio.id}/checkin")
    assert 'id="scan-at-door"' in bare.text and "Check in now" not in bare.text
    assert client.post_form(f"/studios/{studio.id}/checkin").status_code == 403
    assert client.post_form(f"/bookings/{booking.id}/checkin").status_code == 403
    code = door_codes.current_code(studio.id)
    scanned = client.get(f"/studios/{studio.id}/checkin?code={code}")
    assert f'name="code" value="{code}"' in scanned.text
    response = client.post_form(f"/studios/{studio.id}/checkin", {"code": code})
    assert response.status_code == 303
    session.refresh(booking)
    assert (booking.status, booking.checked_in_by_id) == ("checked_in", owner.id)


def test_the_door_qr_carries_a_code_that_changes_and_staff_check_in_without_one(client, session):
    admin, owner = make_admin(session), make_student(session)
    studio = make_studio(session)
    now = utcnow().replace(second=0, microsecond=0)
    booking = make_booking(session, studio=studio, user=owner, starts_at=now + timedelta(minutes=5))
    session.commit()
    client.login(admin.username)
    page = client.get(f"/studios/{studio.id}/qr")
    assert f"checkin?code={door_codes.current_code(studio.id)}" in page.text
    assert int(page.headers["Refresh"]) <= door_codes.WINDOW_SECONDS + 1
    assert page.headers["Cache-Control"] == "no-store"
    assert client.post_form(f"/bookings/{booking.id}/checkin").status_code == 303  # staff
    session.refresh(booking)
    assert (booking.status, booking.checked_in_by_id) == ("checked_in", admin.id)
