"""Waitlist offers with a timed hold, on a controlled clock: a freed time is held for the
first in line (nobody else may book it), accepting books it, declining or letting the
hold run out passes it on, and the last in line lapsing frees it for anyone."""

from datetime import timedelta

import pytest
from sqlmodel import select

from app.config import settings
from app.errors import Conflict, Forbidden
from app.models.notifications import Notification, NotificationKind
from app.models.studios import Booking, BookingStatus, WaitlistEntry, WaitlistStatus
from app.schemas.bookings import BookingForm
from app.services.bookings import create, lifecycle, offers, views, waitlist
from app.services.bookings.rules import BookingRefused
from tests.factories import make_student
from tests.factories_studios import local, make_booking, make_studio, next_weekday

MONDAY = next_weekday(0)
NOW = local(MONDAY, "07:00")
TEN = local(MONDAY, "10:00")


def form(start="10:00", minutes=60):
    return BookingForm.parse(
        {"date": MONDAY.isoformat(), "time": start, "minutes": str(minutes), "purpose": "personal"}
    )


def _queue(session, *, waiting=2, start="10:00", **studio):
    """A studio whose 10:00 hour is booked by an owner, with students queueing for it."""
    studio = make_studio(session, **studio)
    owner = make_student(session)
    booking = make_booking(session, studio=studio, user=owner, starts_at=local(MONDAY, start))
    queue = []
    for _ in range(waiting):
        student = make_student(session)
        waitlist.join_waitlist(
            session, actor=student, studio_id=studio.id, form=form(start), now=NOW
        )
        queue.append(student)
    return studio, owner, booking, queue


def _entry(session, user) -> WaitlistEntry:
    return session.exec(select(WaitlistEntry).where(WaitlistEntry.user_id == user.id)).one()


def _holds(session, studio):
    return session.exec(
        select(Booking).where(Booking.studio_id == studio.id, Booking.status == "offered")
    ).all()


def test_a_cancellation_holds_the_time_for_the_first_in_line_and_refuses_everyone_else(session):
    studio, owner, booking, (first, second) = _queue(session)
    lifecycle.cancel_booking(session, booking_id=booking.id, actor=owner, now=NOW)
    (hold,) = _holds(session, studio)
    assert (hold.user_id, hold.starts_at, hold.offer_expires_at) == (
        first.id,
        TEN,
        NOW + timedelta(minutes=30),
    )
    assert _entry(session, first).status == WaitlistStatus.offered
    assert _entry(session, second).status == WaitlistStatus.waiting
    stranger = make_student(session)
    with pytest.raises(BookingRefused, match="held for the next person") as refused:
        create.book_from_form(session, actor=stranger, studio_id=studio.id, form=form(), now=NOW)
    assert refused.value.rule == "taken" and refused.value.waitable
    mine = views.my_bookings(session, user=first, now=NOW)
    assert [(e.id, b.id) for e, b, _ in mine.offers] == [(_entry(session, first).id, hold.id)]
    assert all(v.booking.id != hold.id for v in mine.upcoming + mine.past.items)
    assert len(views.dashboard_bookings(session, user=first, now=NOW).offers) == 1


def test_accepting_books_the_time(session):
    studio, owner, booking, (first, _second) = _queue(session)
    lifecycle.cancel_booking(session, booking_id=booking.id, actor=owner, now=NOW)
    entry = _entry(session, first)
    later = NOW + timedelta(minutes=10)
    accepted = offers.accept_offer(session, entry_id=entry.id, actor=first, now=later)
    assert (accepted.status, accepted.user_id, accepted.starts_at) == ("approved", first.id, TEN)
    assert (entry.status, entry.booking_id, entry.resolved_at) == ("accepted", accepted.id, later)
    assert [v.booking.id for v in views.my_bookings(session, user=first, now=later).upcoming] == [
        accepted.id
    ]
    with pytest.raises(Conflict):
        offers.accept_offer(session, entry_id=entry.id, actor=first, now=later)


def test_accepting_where_the_studio_needs_approval_makes_a_request(session):
    studio, owner, booking, (first,) = _queue(session, waiting=1, requires_approval=True)
    lifecycle.cancel_booking(session, booking_id=booking.id, actor=owner, now=NOW)
    accepted = offers.accept_offer(
        session, entry_id=_entry(session, first).id, actor=first, now=NOW
    )
    assert accepted.status == BookingStatus.pending


def test_declining_passes_the_time_to_the_next_in_line(session):
    studio, owner, booking, (first, second) = _queue(session)
    lifecycle.cancel_booking(session, booking_id=booking.id, actor=owner, now=NOW)
    later = NOW + timedelta(minutes=5)
    offers.decline_offer(session, entry_id=_entry(session, first).id, actor=first, now=later)
    assert _entry(session, first).status == WaitlistStatus.declined
    (hold,) = _holds(session, studio)
    assert (hold.user_id, hold.offer_expires_at) == (second.id, later + timedelta(minutes=30))
    assert _entry(session, second).status == WaitlistStatus.offered


def test_an_ended_hold_passes_on_lazily_at_the_next_booking_attempt(session):
    studio, owner, booking, (first, second) = _queue(session)
    lifecycle.cancel_booking(session, booking_id=booking.id, actor=owner, now=NOW)
    late = NOW + timedelta(minutes=31)
    # pages already leave the ended hold out, before anything is written
    assert views.my_bookings(session, user=first, now=late).offers == []
    stranger = make_student(session)
    with pytest.raises(BookingRefused, match="held for the next person"):
        create.book_from_form(session, actor=stranger, studio_id=studio.id, form=form(), now=late)
    assert _entry(session, first).status == WaitlistStatus.lapsed
    (hold,) = _holds(session, studio)
    assert (hold.user_id, hold.offer_expires_at) == (second.id, late + timedelta(minutes=30))


def test_tick_lets_ended_holds_lapse_and_the_last_in_line_lapsing_frees_the_time(session):
    studio, owner, booking, (first,) = _queue(session, waiting=1)
    lifecycle.cancel_booking(session, booking_id=booking.id, actor=owner, now=NOW)
    late = NOW + timedelta(minutes=30)  # the hold ends at this very minute
    assert lifecycle.tick(session, now=late)["offers"] == 1
    assert _entry(session, first).status == WaitlistStatus.lapsed
    assert _holds(session, studio) == []
    stranger = make_student(session)
    again = create.book_from_form(
        session, actor=stranger, studio_id=studio.id, form=form(), now=late
    )
    assert (again.status, again.user_id) == ("approved", stranger.id)


def test_accepting_after_the_hold_ended_is_refused(session):
    studio, owner, booking, (first, second) = _queue(session)
    lifecycle.cancel_booking(session, booking_id=booking.id, actor=owner, now=NOW)
    entry = _entry(session, first)
    with pytest.raises(Conflict, match="went to the next in line"):
        offers.accept_offer(session, entry_id=entry.id, actor=first, now=NOW + timedelta(hours=1))
    assert entry.status == WaitlistStatus.lapsed
    assert [h.user_id for h in _holds(session, studio)] == [second.id]


def test_only_the_holder_accepts_or_declines(session):
    studio, owner, booking, (first, second) = _queue(session)
    lifecycle.cancel_booking(session, booking_id=booking.id, actor=owner, now=NOW)
    entry = _entry(session, first)
    with pytest.raises(Forbidden):
        offers.accept_offer(session, entry_id=entry.id, actor=second, now=NOW)
    with pytest.raises(Forbidden):
        offers.decline_offer(session, entry_id=entry.id, actor=second, now=NOW)
    assert entry.status == WaitlistStatus.offered


def test_someone_whose_rules_no_longer_allow_it_is_passed_over(session, monkeypatch):
    monkeypatch.setattr(settings, "booking_student_weekly_hours", 2)
    studio, owner, booking, (first, second) = _queue(session)
    make_booking(session, studio=studio, user=first, starts_at=local(MONDAY, "14:00"), minutes=120)
    lifecycle.cancel_booking(session, booking_id=booking.id, actor=owner, now=NOW)
    assert _entry(session, first).status == WaitlistStatus.waiting
    assert [h.user_id for h in _holds(session, studio)] == [second.id]


def test_accepting_checks_the_rules_again_and_keeps_the_offer_when_they_refuse(
    session, monkeypatch
):
    monkeypatch.setattr(settings, "booking_student_weekly_hours", 2)
    studio, owner, booking, (first,) = _queue(session, waiting=1)
    lifecycle.cancel_booking(session, booking_id=booking.id, actor=owner, now=NOW)
    # the held hour counts in their week; another hour booked meanwhile fills the quota
    other = make_studio(session)
    create.book_from_form(session, actor=first, studio_id=other.id, form=form("14:00", 60), now=NOW)
    make_booking(session, studio=other, user=first, starts_at=local(MONDAY, "16:00"))
    entry = _entry(session, first)
    with pytest.raises(BookingRefused) as refused:
        offers.accept_offer(session, entry_id=entry.id, actor=first, now=NOW)
    assert refused.value.rule == "quota"
    session.expire_all()
    assert _entry(session, first).status == WaitlistStatus.offered
    assert [h.user_id for h in _holds(session, studio)] == [first.id]


def test_a_hold_ends_when_check_in_opens_and_is_not_made_without_time_to_answer(session):
    before = settings.booking_checkin_before_minutes
    studio, owner, booking, (first,) = _queue(session, waiting=1, start="08:00")
    lifecycle.cancel_booking(
        session, booking_id=booking.id, actor=owner, now=NOW + timedelta(minutes=30)
    )
    (hold,) = _holds(session, studio)
    assert hold.offer_expires_at == local(MONDAY, "08:00") - timedelta(minutes=before)
    # a time starting too soon to answer is not held: it is simply free
    soon, owner2, booking2, (waiter,) = _queue(session, waiting=1, start="07:30", opens="06:00")
    lifecycle.cancel_booking(
        session, booking_id=booking2.id, actor=owner2, now=NOW + timedelta(minutes=17)
    )
    assert _holds(session, soon) == []
    assert _entry(session, waiter).status == WaitlistStatus.waiting


def test_the_holder_cannot_queue_again_for_the_time_held_for_them(session):
    studio, owner, booking, (first,) = _queue(session, waiting=1)
    lifecycle.cancel_booking(session, booking_id=booking.id, actor=owner, now=NOW)
    with pytest.raises(Conflict, match="already held for you"):
        waitlist.join_waitlist(session, actor=first, studio_id=studio.id, form=form(), now=NOW)


def test_the_first_in_line_is_told_of_the_offer_and_its_deadline(session):
    studio, owner, booking, (first, second) = _queue(session)
    lifecycle.cancel_booking(session, booking_id=booking.id, actor=owner, now=NOW)
    (hold,) = _holds(session, studio)
    told = session.exec(
        select(Notification).where(Notification.kind == NotificationKind.waitlist_offer)
    ).all()
    assert [n.recipient_id for n in told] == [first.id]
    assert told[0].params["expires_at"] == hold.offer_expires_at.isoformat()
    assert told[0].link == "/bookings"
