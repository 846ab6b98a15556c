"""Approve, reject, cancel, check in, no-show, completed; the waitlist."""

from datetime import timedelta

import pytest
from sqlmodel import select

from app.errors import Conflict, Forbidden, FormErrors
from app.models.studios import Booking, BookingStatus, WaitlistEntry
from app.schemas.bookings import BookingForm
from app.services.bookings import create, door_codes, lifecycle, waitlist
from app.services.bookings import rules as booking_service
from tests.factories import make_admin, make_student, make_teacher
from tests.factories_studios import local, make_booking, make_studio, next_weekday

MONDAY = next_weekday(0)
NOW = local(MONDAY, "07:00")
TEN = local(MONDAY, "10:00")


def form(start="10:00", minutes=60, day=MONDAY, purpose="personal"):
    return BookingForm.parse(
        {"date": day.isoformat(), "time": start, "minutes": str(minutes), "purpose": purpose}
    )


def test_the_approver_approves_and_another_teacher_cannot(session):
    approver, other = make_teacher(session), make_teacher(session)
    studio = make_studio(session, requires_approval=True, approver_id=approver.id)
    student = make_student(session)
    booking = make_booking(session, studio=studio, user=student, starts_at=TEN, status="pending")
    with pytest.raises(Forbidden):
        lifecycle.approve_booking(session, booking_id=booking.id, actor=other, now=NOW)
    lifecycle.approve_booking(session, booking_id=booking.id, actor=approver, now=NOW)
    assert booking.status == BookingStatus.approved
    with pytest.raises(Conflict):
        lifecycle.approve_booking(session, booking_id=booking.id, actor=approver, now=NOW)


def test_a_rejection_needs_a_reason_and_frees_the_slot(session):
    studio = make_studio(session, requires_approval=True)
    admin, student = make_admin(session), make_student(session)
    booking = make_booking(session, studio=studio, user=student, starts_at=TEN, status="pending")
    with pytest.raises(FormErrors):
        lifecycle.reject_booking(session, booking_id=booking.id, actor=admin, reason=" ", now=NOW)
    lifecycle.reject_booking(
        session, booking_id=booking.id, actor=admin, reason="实训课占用", now=NOW
    )
    assert (booking.status, booking.decision_reason) == ("rejected", "实训课占用")
    other = make_student(session)
    again = create.book_from_form(session, actor=other, studio_id=studio.id, form=form())
    assert again.status == BookingStatus.pending


def test_the_booker_cancels_until_the_start_and_nobody_else_may(session):
    studio = make_studio(session)
    owner, stranger = make_student(session), make_student(session)
    booking = make_booking(session, studio=studio, user=owner, starts_at=TEN)
    with pytest.raises(Forbidden):
        lifecycle.cancel_booking(session, booking_id=booking.id, actor=stranger, now=NOW)
    with pytest.raises(Conflict):
        lifecycle.cancel_booking(
            session, booking_id=booking.id, actor=owner, now=TEN + timedelta(minutes=1)
        )
    lifecycle.cancel_booking(session, booking_id=booking.id, actor=owner, now=NOW)
    assert booking.status == BookingStatus.cancelled


def test_an_admin_cancels_any_time_with_a_reason(session):
    studio = make_studio(session)
    admin, owner = make_admin(session), make_student(session)
    booking = make_booking(session, studio=studio, user=owner, starts_at=TEN)
    late = TEN + timedelta(minutes=5)
    with pytest.raises(FormErrors):
        lifecycle.cancel_booking(session, booking_id=booking.id, actor=admin, now=late)
    lifecycle.cancel_booking(
        session, booking_id=booking.id, actor=admin, reason="设备故障", now=late
    )
    assert (booking.status, booking.cancelled_by_id) == ("cancelled", admin.id)


@pytest.mark.parametrize(
    ("offset", "ok"), [(-11, False), (-10, True), (0, True), (15, True), (16, False)]
)
def test_check_in_is_open_from_10_minutes_before_to_15_after(session, offset, ok):
    studio, owner = make_studio(session), make_student(session)
    booking = make_booking(session, studio=studio, user=owner, starts_at=TEN)
    at = TEN + timedelta(minutes=offset)
    code = door_codes.current_code(studio.id, at)  # scanned at the door
    if ok:
        lifecycle.check_in(session, booking_id=booking.id, actor=owner, door_code=code, now=at)
        assert booking.status == BookingStatus.checked_in
    else:
        with pytest.raises(Conflict):
            lifecycle.check_in(session, booking_id=booking.id, actor=owner, door_code=code, now=at)


def test_the_booker_checks_in_only_with_the_doors_current_code(session):
    studio, owner = make_studio(session), make_student(session)
    other_studio = make_studio(session)
    booking = make_booking(session, studio=studio, user=owner, starts_at=TEN)
    stale = door_codes.current_code(studio.id, TEN - timedelta(minutes=11))  # two codes ago
    other = door_codes.current_code(other_studio.id, TEN)
    for code in (None, "", "guess", "二维码", "\x00", stale, other):
        with pytest.raises(Forbidden):
            lifecycle.check_in(session, booking_id=booking.id, actor=owner, door_code=code, now=TEN)
    assert booking.status == BookingStatus.approved
    # the code that turned over a moment ago still counts
    just_past = door_codes.current_code(studio.id, TEN - timedelta(minutes=5))
    assert door_codes.is_valid(studio.id, just_past, TEN)
    lifecycle.check_in(session, booking_id=booking.id, actor=owner, door_code=just_past, now=TEN)
    assert booking.status == BookingStatus.checked_in


def test_only_the_booker_or_the_approver_checks_in(session):
    approver = make_teacher(session)
    studio = make_studio(session, approver_id=approver.id, requires_approval=True)
    owner, stranger = make_student(session), make_student(session)
    booking = make_booking(session, studio=studio, user=owner, starts_at=TEN)
    with pytest.raises(Forbidden):
        lifecycle.check_in(session, booking_id=booking.id, actor=stranger, now=TEN)
    lifecycle.check_in(session, booking_id=booking.id, actor=approver, now=TEN)
    assert booking.checked_in_by_id == approver.id


def test_no_show_and_completed_are_read_lazily_and_written_by_tick(session):
    studio, owner = make_studio(session), make_student(session)
    missed = make_booking(session, studio=studio, user=owner, starts_at=TEN)
    used = make_booking(
        session, studio=studio, user=owner, starts_at=local(MONDAY, "12:00"), status="checked_in"
    )
    later = local(MONDAY, "14:00")
    assert booking_service.effective_status(missed, later) == BookingStatus.no_show
    assert booking_service.effective_status(used, later) == BookingStatus.completed
    assert missed.status == BookingStatus.approved  # reading wrote nothing
    assert booking_service.apply_due_statuses(session, now=later) == 2
    session.expire_all()
    assert session.get(Booking, missed.id).status == BookingStatus.no_show
    assert session.get(Booking, used.id).status == BookingStatus.completed
    assert booking_service.apply_due_statuses(session, now=later) == 0  # idempotent


def test_a_no_show_frees_the_rest_of_its_time(session):
    studio, owner, other = make_studio(session), make_student(session), make_student(session)
    make_booking(session, studio=studio, user=owner, starts_at=TEN, minutes=120)
    now = TEN + timedelta(minutes=20)
    booking = create.create_booking(
        session,
        actor=other,
        studio_id=studio.id,
        starts_at=local(MONDAY, "10:30"),
        ends_at=local(MONDAY, "11:30"),
        purpose="personal",
        now=now,
    )
    assert booking.status == BookingStatus.approved


def test_the_qr_check_in_finds_only_the_scanners_own_booking(session):
    studio, owner, stranger = make_studio(session), make_student(session), make_student(session)
    make_booking(session, studio=studio, user=owner, starts_at=TEN)
    mine = lifecycle.current_booking_for_checkin(
        session, studio_id=studio.id, user=owner, now=TEN - timedelta(minutes=5)
    )
    assert mine is not None and mine.can_check_in
    assert (
        lifecycle.current_booking_for_checkin(session, studio_id=studio.id, user=stranger, now=TEN)
        is None
    )


def test_the_waitlist_offers_a_freed_slot_to_the_first_in_line_whose_rules_allow(
    session, monkeypatch
):
    from app.config import settings

    monkeypatch.setattr(settings, "booking_student_weekly_hours", 2)
    studio = make_studio(session)
    owner, first, second = make_student(session), make_student(session), make_student(session)
    booking = create.book_from_form(session, actor=owner, studio_id=studio.id, form=form())
    with pytest.raises(Conflict):  # a free time is booked, not queued for
        waitlist.join_waitlist(
            session, actor=first, studio_id=studio.id, form=form("12:00"), now=NOW
        )
    waitlist.join_waitlist(session, actor=first, studio_id=studio.id, form=form(), now=NOW)
    waitlist.join_waitlist(session, actor=second, studio_id=studio.id, form=form(), now=NOW)
    with pytest.raises(Conflict):
        waitlist.join_waitlist(session, actor=second, studio_id=studio.id, form=form(), now=NOW)
    # the first in line has used up their quota meanwhile: the second is offered the slot
    make_booking(session, studio=studio, user=first, starts_at=local(MONDAY, "14:00"), minutes=120)
    lifecycle.cancel_booking(session, booking_id=booking.id, actor=owner, now=NOW)
    entries = session.exec(select(WaitlistEntry).order_by(WaitlistEntry.id)).all()
    assert [e.status for e in entries] == ["waiting", "offered"]
    offered = session.get(Booking, entries[1].booking_id)
    assert (offered.user_id, offered.starts_at, offered.status) == (second.id, TEN, "offered")


def test_only_the_owner_leaves_a_waitlist(session):
    studio, owner, other = make_studio(session), make_student(session), make_student(session)
    make_booking(session, studio=studio, user=owner, starts_at=TEN)
    entry = waitlist.join_waitlist(session, actor=other, studio_id=studio.id, form=form(), now=NOW)
    with pytest.raises(Forbidden):
        waitlist.leave_waitlist(session, entry_id=entry.id, actor=owner)
    waitlist.leave_waitlist(session, entry_id=entry.id, actor=other)
    assert entry.status == "left"
