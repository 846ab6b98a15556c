"""A booking rush's refusals decided on a read snapshot (create.foresee_refusal): only
refusals that nothing the write path does first could change; anything else (a clash
that is a no-show or a lapsed offer not written yet, a quota) goes through the lock."""

import pytest

from app.models.studios import BookingStatus
from app.schemas.bookings import BookingForm
from app.services.bookings import create
from tests.factories import make_student
from tests.factories_studios import local, make_booking, make_studio, next_weekday

MONDAY = next_weekday(0)


def form(start: str, minutes: int = 60) -> BookingForm:
    return BookingForm.parse(
        {"date": MONDAY.isoformat(), "time": start, "minutes": str(minutes), "purpose": "personal"}
    )


def test_a_time_held_by_a_live_booking_is_refused_with_the_next_free_time(session):
    studio, owner, late = make_studio(session), make_student(session), make_student(session)
    make_booking(session, studio=studio, user=owner, starts_at=local(MONDAY, "10:00"))
    refusal = create.foresee_refusal(
        session, actor=late, studio_id=studio.id, form=form("10:00"), now=local(MONDAY, "07:00")
    )
    assert refusal is not None and refusal.rule == "taken"
    assert refusal.next_free.starts_at == local(MONDAY, "11:00")


def test_a_no_show_in_the_way_is_left_to_the_write_path_which_books_it(session):
    studio, owner, late = make_studio(session), make_student(session), make_student(session)
    make_booking(session, studio=studio, user=owner, starts_at=local(MONDAY, "10:00"), minutes=180)
    now = local(MONDAY, "10:20")  # past the check-in window: a no-show, not written yet
    assert (
        create.foresee_refusal(
            session, actor=late, studio_id=studio.id, form=form("11:00"), now=now
        )
        is None
    )
    booking = create.book_from_form(
        session, actor=late, studio_id=studio.id, form=form("11:00"), now=now
    )
    assert booking.status == BookingStatus.approved


def test_a_lapsed_offer_in_the_way_is_left_to_the_write_path(session):
    studio, held, other = make_studio(session), make_student(session), make_student(session)
    make_booking(
        session,
        studio=studio,
        user=held,
        starts_at=local(MONDAY, "10:00"),
        status=BookingStatus.offered,
        offer_expires_at=local(MONDAY, "08:00"),
    )
    now = local(MONDAY, "08:30")
    assert (
        create.foresee_refusal(
            session, actor=other, studio_id=studio.id, form=form("10:00"), now=now
        )
        is None
    )
    still_held = create.foresee_refusal(
        session, actor=other, studio_id=studio.id, form=form("10:00"), now=local(MONDAY, "07:30")
    )
    assert still_held.rule == "taken"  # before the hold ends nobody else may take it


def test_a_free_time_or_a_quota_is_not_foreseen(session):
    studio, student = make_studio(session), make_student(session)
    assert (
        create.foresee_refusal(
            session,
            actor=student,
            studio_id=studio.id,
            form=form("10:00"),
            now=local(MONDAY, "07:00"),
        )
        is None
    )
    for start in ("08:00", "12:00", "15:00"):
        make_booking(
            session, studio=studio, user=student, starts_at=local(MONDAY, start), minutes=120
        )
    assert (
        create.foresee_refusal(
            session,
            actor=student,
            studio_id=studio.id,
            form=form("18:00"),
            now=local(MONDAY, "07:00"),
        )
        is None
    )  # the weekly quota: a no-show among them would free hours


@pytest.mark.commits
def test_the_next_free_time_offered_follows_a_booking_committed_meanwhile(session):
    """The suggestion is kept for the presses that follow (a rush asks for the same few
    times), until the studio's bookings change."""
    studio, owner, late = make_studio(session), make_student(session), make_student(session)
    other = make_student(session)
    make_booking(session, studio=studio, user=owner, starts_at=local(MONDAY, "10:00"))
    session.commit()
    now = local(MONDAY, "07:00")

    def suggested():
        refusal = create.foresee_refusal(
            session, actor=late, studio_id=studio.id, form=form("10:00"), now=now
        )
        session.commit()  # each press is its own request
        return refusal.next_free.starts_at

    assert suggested() == suggested() == local(MONDAY, "11:00")
    create.book_from_form(session, actor=other, studio_id=studio.id, form=form("11:00"), now=now)
    session.commit()
    assert suggested() == local(MONDAY, "12:00")
