"""The booking rules, each refusal naming its rule, and the database's own overlap guard."""

from datetime import timedelta

import pytest
from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from app.config import settings
from app.models.studios import Booking, BookingRefusal, BookingStatus
from app.services.bookings import create
from app.services.bookings import rules as booking_service
from tests.factories import make_admin, make_student, make_teacher
from tests.factories_studios import local, make_blackout, make_booking, make_studio, next_weekday

MONDAY = next_weekday(0)
NOW = local(MONDAY, "07:00")


def book(session, user, studio, start, minutes=60, purpose="personal", now=NOW):
    return create.create_booking(
        session,
        actor=user,
        studio_id=studio.id,
        starts_at=start,
        ends_at=start + timedelta(minutes=minutes),
        purpose=purpose,
        now=now,
    )


def refusal(session, user, studio, start, minutes=60, **kw) -> booking_service.BookingRefused:
    with pytest.raises(booking_service.BookingRefused) as info:
        book(session, user, studio, start, minutes, **kw)
    return info.value


def test_it_books_a_free_slot_as_approved(session):
    studio, student = make_studio(session), make_student(session)
    booking = book(session, student, studio, local(MONDAY, "10:00"))
    assert booking.id is not None
    assert booking.status == BookingStatus.approved
    assert booking.blocked_until == booking.ends_at


def test_it_refuses_an_overlapping_booking_and_names_the_next_free_slot(session):
    studio = make_studio(session)
    first, second = make_student(session), make_student(session)
    book(session, first, studio, local(MONDAY, "10:00"), 90)
    refused = refusal(session, second, studio, local(MONDAY, "10:30"), 60)
    assert refused.rule == "taken"
    assert refused.status_code == 409
    assert refused.next_free is not None
    assert refused.next_free.starts_at == local(MONDAY, "11:30")


def test_the_buffer_keeps_the_room_free_after_a_booking(session):
    studio = make_studio(session, buffer_minutes=30)
    first, second = make_student(session), make_student(session)
    book(session, first, studio, local(MONDAY, "10:00"))
    assert refusal(session, second, studio, local(MONDAY, "11:00")).rule == "buffer"
    assert book(session, second, studio, local(MONDAY, "11:30")).id
    # and before: a booking ending at 09:30 would leave no buffer before 10:00
    assert refusal(session, second, studio, local(MONDAY, "09:00"), 60).rule == "buffer"
    # an overlap is still a double booking, whatever the buffer
    assert refusal(session, second, studio, local(MONDAY, "10:30"), 60).rule == "taken"


@pytest.mark.parametrize(
    ("start", "minutes", "rule"),
    [
        ("07:30", 60, "closed"),  # opens at 08:00
        ("21:30", 60, "closed"),  # closes at 22:00
        ("10:15", 60, "closed"),  # off the 30-minute grid
        ("10:00", 45, "length"),  # not a multiple of the slot
        ("10:00", 300, "length"),  # longer than the maximum
    ],
)
def test_it_refuses_times_outside_hours_grid_or_length(session, start, minutes, rule):
    studio, student = make_studio(session), make_student(session)
    refused = refusal(session, student, studio, local(MONDAY, start), minutes)
    assert refused.rule == rule
    assert refused.status_code == 422


def test_it_refuses_a_closed_day_and_suggests_the_next_open_one(session):
    studio = make_studio(session, weekdays=[1, 2, 3, 4])  # closed on Mondays
    refused = refusal(session, make_student(session), studio, local(MONDAY, "10:00"))
    assert refused.rule == "closed"
    assert refused.next_free.starts_at == local(MONDAY + timedelta(days=1), "08:00")


def test_it_refuses_the_past_and_beyond_the_advance_window(session):
    studio, student = make_studio(session, advance_days=7), make_student(session)
    assert (
        refusal(session, student, studio, local(MONDAY, "10:00"), now=local(MONDAY, "10:01")).rule
        == "past"
    )
    far = MONDAY + timedelta(days=8)
    assert refusal(session, student, studio, local(far, "10:00")).rule == "advance"
    # teachers plan further ahead
    assert book(session, make_teacher(session), studio, local(far, "10:00")).id


def test_it_refuses_a_blackout_with_its_reason(session):
    studio, student = make_studio(session), make_student(session)
    make_blackout(
        session,
        studio=studio,
        starts_at=local(MONDAY, "08:00"),
        ends_at=local(MONDAY, "12:00"),
        reason="期末考试",
    )
    refused = refusal(session, student, studio, local(MONDAY, "11:00"))
    assert refused.rule == "blackout"
    assert refused.params["reason"] == "期末考试"
    assert refused.next_free.starts_at == local(MONDAY, "12:00")


def test_students_have_a_weekly_quota_and_teachers_do_not(session, monkeypatch):
    monkeypatch.setattr(settings, "booking_student_weekly_hours", 3)
    studio, student, teacher = make_studio(session), make_student(session), make_teacher(session)
    book(session, student, studio, local(MONDAY, "08:00"), 120)
    refused = refusal(session, student, studio, local(MONDAY + timedelta(days=1), "08:00"), 120)
    assert refused.rule == "quota"
    book(session, student, studio, local(MONDAY + timedelta(days=1), "08:00"), 60)  # exactly 3 h
    next_week = MONDAY + timedelta(days=7)
    assert book(session, student, studio, local(next_week, "08:00"), 120).id
    for day in range(3):
        book(session, teacher, studio, local(MONDAY + timedelta(days=day), "12:00"), 240)


def test_course_practice_is_for_teachers(session):
    studio = make_studio(session)
    refused = refusal(
        session, make_student(session), studio, local(MONDAY, "10:00"), purpose="course"
    )
    assert refused.rule == "purpose"
    assert book(session, make_teacher(session), studio, local(MONDAY, "10:00"), purpose="course").id


def test_an_approval_studio_makes_student_bookings_pending(session):
    teacher = make_teacher(session)
    studio = make_studio(session, requires_approval=True, approver_id=teacher.id)
    pending = book(session, make_student(session), studio, local(MONDAY, "10:00"))
    assert pending.status == BookingStatus.pending
    # a pending booking already holds the room
    assert refusal(session, make_student(session), studio, local(MONDAY, "10:00")).rule == "taken"
    # the approver's and administrators' own bookings need no approval
    assert book(session, teacher, studio, local(MONDAY, "12:00")).status == BookingStatus.approved
    assert book(session, make_admin(session), studio, local(MONDAY, "14:00")).status == "approved"


def test_refusals_that_show_demand_are_recorded(session):
    studio = make_studio(session)
    first, second = make_student(session), make_student(session)
    book(session, first, studio, local(MONDAY, "10:00"))
    refused = refusal(session, second, studio, local(MONDAY, "10:00"))
    create.record_refusal(session, refusal=refused, user=second)
    closed = refusal(session, second, studio, local(MONDAY, "06:00"))
    create.record_refusal(session, refusal=closed, user=second)  # not demand
    rows = session.exec(select(BookingRefusal)).all()
    assert [(r.rule, r.user_id) for r in rows] == [("taken", second.id)]


def test_the_database_refuses_overlaps_that_skip_the_service(session):
    studio = make_studio(session)
    student = make_student(session)
    make_booking(session, studio=studio, user=student, starts_at=local(MONDAY, "10:00"))
    session.commit()
    with pytest.raises(IntegrityError):
        make_booking(session, studio=studio, user=student, starts_at=local(MONDAY, "10:30"))
    session.rollback()
    # inactive statuses do not hold the room, and reactivating one is refused too
    cancelled = make_booking(
        session, studio=studio, user=student, starts_at=local(MONDAY, "10:30"), status="cancelled"
    )
    session.commit()
    cancelled.status = BookingStatus.approved
    session.add(cancelled)
    with pytest.raises(IntegrityError):
        session.commit()
    session.rollback()
    approved = select(func.count()).where(Booking.status == "approved")
    assert session.exec(approved).one() == 1


def test_the_insert_guard_turns_a_database_refusal_into_a_taken_rule(session):
    studio, student = make_studio(session), make_student(session)
    make_booking(session, studio=studio, user=student, starts_at=local(MONDAY, "10:00"))
    start = local(MONDAY, "10:00")
    sneaky = Booking(
        studio_id=studio.id,
        user_id=student.id,
        purpose="personal",
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        blocked_until=start + timedelta(hours=1),
        status="approved",
    )
    with pytest.raises(booking_service.BookingRefused) as info:
        create.insert_booking(session, sneaky, studio)
    assert info.value.rule == "taken"
    # the savepoint kept the session usable
    assert session.exec(select(func.count()).select_from(Booking)).one() == 1
