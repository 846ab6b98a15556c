"""No-show strikes: what counts, when a suspension starts and ends, forgiveness, refusals.

Every test runs on a controlled clock (``now=``) in the middle of a term."""

from datetime import date, timedelta

import pytest

from app.config import settings
from app.errors import Conflict, Forbidden
from app.models.studios import BookingStatus
from app.schemas.bookings import BookingForm
from app.services import clock
from app.services.bookings import create, strikes, waitlist
from app.services.bookings.rules import BookingRefused
from tests.factories import make_admin, make_student, make_teacher
from tests.factories_studios import local, make_booking, make_studio

TERM_START, TERM_END = clock.fixed_term_bounds(date(2026, 11, 10))  # no term calendar kept
DAY = TERM_START + timedelta(days=40)  # well inside the term
AFTER = timedelta(minutes=settings.booking_checkin_after_minutes)
SUSPENSION = timedelta(days=settings.booking_suspension_days)


@pytest.fixture(autouse=True)
def _rules(monkeypatch):
    monkeypatch.setattr(settings, "booking_strike_limit", 3)
    monkeypatch.setattr(settings, "booking_suspension_days", 14)


def missed(session, studio, user, day, hhmm="10:00", status=BookingStatus.no_show):
    return make_booking(
        session, studio=studio, user=user, starts_at=local(day, hhmm), status=status
    )


def book_form(day, start="10:00", minutes=60):
    return BookingForm.parse(
        {"date": day.isoformat(), "time": start, "minutes": str(minutes), "purpose": "personal"}
    )


def test_two_missed_check_ins_warn_and_the_third_suspends_from_its_close(session):
    studio, student = make_studio(session), make_student(session)
    missed(session, studio, student, DAY)
    missed(session, studio, student, DAY + timedelta(days=1))
    third = missed(session, studio, student, DAY + timedelta(days=2))
    later = local(DAY + timedelta(days=3), "09:00")
    two = strikes.strike_summary(session, user=student, now=third.starts_at)
    assert (two.count, two.suspended) == (2, False)
    summary = strikes.strike_summary(session, user=student, now=later)
    assert summary.count == 3
    assert summary.suspended_since == third.starts_at + AFTER
    assert summary.suspended_until == third.starts_at + AFTER + SUSPENSION


def test_the_third_strike_counts_only_once_its_check_in_window_has_closed(session):
    studio, student = make_studio(session), make_student(session)
    missed(session, studio, student, DAY)
    missed(session, studio, student, DAY + timedelta(days=1))
    # Still approved: nobody has written no-show yet, time alone decides.
    third = missed(session, studio, student, DAY + timedelta(days=2), status="approved")
    closes = third.starts_at + AFTER
    at_close = strikes.strike_summary(session, user=student, now=closes)
    assert (at_close.count, at_close.suspended) == (2, False)  # check-in still possible
    just_after = strikes.strike_summary(session, user=student, now=closes + timedelta(seconds=1))
    assert (just_after.count, just_after.suspended) == (3, True)


def test_the_suspension_ends_exactly_d_days_after_the_strike(session):
    studio, student = make_studio(session), make_student(session)
    for n in range(3):
        last = missed(session, studio, student, DAY + timedelta(days=n))
    until = last.starts_at + AFTER + SUSPENSION
    before = strikes.strike_summary(session, user=student, now=until - timedelta(seconds=1))
    assert before.suspended
    at_end = strikes.strike_summary(session, user=student, now=until)
    assert (at_end.count, at_end.suspended) == (3, False)


def test_a_booking_at_the_end_of_the_suspension_goes_through(session):
    studio, student = make_studio(session, advance_days=30), make_student(session)
    for n in range(3):
        last = missed(session, studio, student, DAY + timedelta(days=n))
    until = last.starts_at + AFTER + SUSPENSION
    later = clock.local_date(until) + timedelta(days=1)
    with pytest.raises(BookingRefused):
        create.book_from_form(
            session,
            actor=student,
            studio_id=studio.id,
            form=book_form(later),
            now=until - timedelta(seconds=1),
        )
    booking = create.book_from_form(
        session, actor=student, studio_id=studio.id, form=book_form(later), now=until
    )
    assert booking.status == BookingStatus.approved


def test_a_further_missed_check_in_extends_the_suspension(session):
    studio, student = make_studio(session), make_student(session)
    for n in range(3):
        missed(session, studio, student, DAY + timedelta(days=n))
    fourth = missed(session, studio, student, DAY + timedelta(days=5))  # booked before
    summary = strikes.strike_summary(
        session, user=student, now=local(DAY + timedelta(days=6), "9:00")
    )
    assert summary.count == 4
    assert summary.suspended_until == fourth.starts_at + AFTER + SUSPENSION


def test_strikes_from_last_term_do_not_count(session):
    studio, student = make_studio(session), make_student(session)
    last_term = TERM_START - timedelta(days=3)
    missed(session, studio, student, last_term)
    missed(session, studio, student, last_term + timedelta(days=1))
    missed(session, studio, student, last_term + timedelta(days=2))
    missed(session, studio, student, TERM_START)
    first_day = local(TERM_START, "12:00")
    summary = strikes.strike_summary(session, user=student, now=first_day)
    assert (summary.count, summary.suspended) == (1, False)  # last term's suspension ends too
    before = strikes.strike_summary(session, user=student, now=first_day - timedelta(days=1))
    assert before.suspended


def test_cancelled_checked_in_and_staff_bookings_are_no_strikes(session):
    studio, student, teacher = make_studio(session), make_student(session), make_teacher(session)
    missed(session, studio, student, DAY, status=BookingStatus.cancelled)
    missed(session, studio, student, DAY + timedelta(days=1), status=BookingStatus.completed)
    for n in range(3):
        missed(session, studio, teacher, DAY + timedelta(days=n), "14:00")
    now = local(DAY + timedelta(days=4), "9:00")
    assert strikes.strike_summary(session, user=student, now=now).count == 0
    assert strikes.strike_summary(session, user=teacher, now=now).count == 0
    day = clock.local_date(now) + timedelta(days=1)
    booking = create.book_from_form(
        session, actor=teacher, studio_id=studio.id, form=book_form(day), now=now
    )
    assert booking.id is not None


def test_a_suspended_student_is_refused_with_the_reason_and_the_date(session):
    studio, student = make_studio(session), make_student(session)
    for n in range(3):
        last = missed(session, studio, student, DAY + timedelta(days=n))
    now = local(DAY + timedelta(days=3), "9:00")
    with pytest.raises(BookingRefused) as refused:
        create.book_from_form(
            session,
            actor=student,
            studio_id=studio.id,
            form=book_form(DAY + timedelta(days=4)),
            now=now,
        )
    refusal = refused.value
    assert (refusal.rule, refusal.status_code, refusal.waitable) == ("suspended", 403, False)
    until = clock.local_text(last.starts_at + AFTER + SUSPENSION)
    assert refusal.params == {"until": until, "count": 3, "limit": 3}


def test_a_suspended_student_cannot_join_a_waitlist(session):
    studio, student, other = make_studio(session), make_student(session), make_student(session)
    for n in range(3):
        missed(session, studio, student, DAY + timedelta(days=n))
    day = DAY + timedelta(days=4)
    make_booking(session, studio=studio, user=other, starts_at=local(day, "10:00"))
    now = local(DAY + timedelta(days=3), "9:00")
    with pytest.raises(BookingRefused) as refused:
        waitlist.join_waitlist(
            session, actor=student, studio_id=studio.id, form=book_form(day), now=now
        )
    assert refused.value.rule == "suspended"


def test_forgiving_a_strike_lifts_the_suspension_at_once(session):
    studio, student, teacher = make_studio(session), make_student(session), make_teacher(session)
    first = missed(session, studio, student, DAY)
    for n in (1, 2):
        missed(session, studio, student, DAY + timedelta(days=n))
    now = local(DAY + timedelta(days=3), "9:00")
    assert strikes.strike_summary(session, user=student, now=now).suspended
    strikes.forgive_strike(
        session, booking_id=first.id, actor=teacher, reason="生病，有假条", now=now
    )
    summary = strikes.strike_summary(session, user=student, now=now)
    assert (summary.count, summary.suspended) == (2, False)
    booking = create.book_from_form(
        session,
        actor=student,
        studio_id=studio.id,
        form=book_form(DAY + timedelta(days=4)),
        now=now,
    )
    assert booking.id is not None
    history = strikes.strike_history(session, user=student, now=now)
    forgiven = [s for s in history.strikes if not s.counts]
    assert [(s.booking.id, s.forgiveness.reason, s.forgiven_by) for s in forgiven] == [
        (first.id, "生病，有假条", teacher.full_name)
    ]


def test_only_staff_forgive_and_only_a_missed_check_in_once(session):
    studio, student, admin = make_studio(session), make_student(session), make_admin(session)
    strike = missed(session, studio, student, DAY)
    done = missed(session, studio, student, DAY + timedelta(days=1), status="completed")
    old = missed(session, studio, student, TERM_START - timedelta(days=2))
    now = local(DAY + timedelta(days=3), "9:00")
    with pytest.raises(Forbidden):
        strikes.forgive_strike(session, booking_id=strike.id, actor=student, reason="x", now=now)
    for booking in (done, old):
        with pytest.raises(Conflict):
            strikes.forgive_strike(session, booking_id=booking.id, actor=admin, reason="x", now=now)
    strikes.forgive_strike(session, booking_id=strike.id, actor=admin, reason="设备故障", now=now)
    with pytest.raises(Conflict):
        strikes.forgive_strike(session, booking_id=strike.id, actor=admin, reason="再次", now=now)


def test_a_limit_of_zero_never_suspends(session, monkeypatch):
    monkeypatch.setattr(settings, "booking_strike_limit", 0)
    studio, student = make_studio(session), make_student(session)
    for n in range(5):
        missed(session, studio, student, DAY + timedelta(days=n))
    summary = strikes.strike_summary(
        session, user=student, now=local(DAY + timedelta(days=6), "9:00")
    )
    assert (summary.count, summary.suspended) == (5, False)


def test_the_overview_lists_students_most_strikes_first_and_filters_by_name(session):
    studio = make_studio(session)
    few = make_student(session, full_name="李一次")
    many = make_student(session, full_name="王三次")
    make_student(session, full_name="赵从不")
    missed(session, studio, few, DAY)
    for n in range(3):
        missed(session, studio, many, DAY + timedelta(days=n), "15:00")
    now = local(DAY + timedelta(days=4), "9:00")
    page = strikes.strikes_overview(session, now=now)
    names = [h.student.full_name for h in page.items]
    assert names[:2] == ["王三次", "李一次"] and "赵从不" not in names
    assert page.items[0].summary.suspended and not page.items[1].summary.suspended
    assert len(page.items[0].strikes) == 3
    filtered = strikes.strikes_overview(session, q="一次", now=now)
    assert [h.student.full_name for h in filtered.items] == ["李一次"]


def test_the_overview_reads_a_fixed_handful_of_statements_whatever_the_students(
    session, statement_counter
):
    studio = make_studio(session)
    teacher = make_teacher(session)
    now = local(DAY + timedelta(days=4), "9:00")

    def statements_for_a_page():
        with statement_counter() as statements:
            strikes.strikes_overview(session, now=now)
        return len(statements)

    missed(session, studio, make_student(session), DAY)
    few = statements_for_a_page()
    for n in range(6):
        student = make_student(session)
        first = missed(session, studio, student, DAY + timedelta(days=n % 3), f"1{n}:00")
        strikes.forgive_strike(session, booking_id=first.id, actor=teacher, reason="请假", now=now)
        missed(session, studio, student, DAY + timedelta(days=3), f"1{n}:00")
    assert statements_for_a_page() == few <= 4  # the term, the page, its count, the strikes
