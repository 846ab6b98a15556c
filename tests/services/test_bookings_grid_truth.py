"""The week grid tells the truth: a cell shown as free takes a booking of the studio's
shortest length, and a cell the rules refuse says which rule, the one the booking itself
would meet (room-reset buffer, opening hours, blackout, advance window, weekly quota)."""

from datetime import timedelta

import pytest

from app.config import settings
from app.i18n import activate
from app.services.bookings import create, views
from app.services.bookings.rules import BookingRefused
from app.web import env
from tests.factories import make_student, make_teacher
from tests.factories_studios import local, make_blackout, make_booking, make_studio, next_weekday

MONDAY = next_weekday(0)
NOW = local(MONDAY, "07:00")


def _try_booking(session, user, studio, start) -> str:
    """'' when a booking of the studio's shortest length from ``start`` goes through, else
    the rule that refuses it; nothing is kept."""
    savepoint = session.begin_nested()
    try:
        create.create_booking(
            session,
            actor=user,
            studio_id=studio.id,
            starts_at=start,
            ends_at=start + timedelta(minutes=studio.min_minutes),
            purpose="personal",
            now=NOW,
            suggest=False,
        )
    except BookingRefused as refusal:
        return refusal.rule
    finally:
        savepoint.rollback()
    return ""


def _cells(calendar, day):
    column = next(c for c in calendar.grid.columns if c.day == day)
    return [c for c in column.cells if c.kind in ("free", "refused")]


def _assert_truthful(session, user, studio, day):
    calendar = views.week_calendar(
        session, studio_id=studio.id, monday=MONDAY, viewer=user, now=NOW
    )
    cells = _cells(calendar, day)
    assert cells
    shown = {c.time: (c.refusal.rule if c.refusal else "") for c in cells}
    actual = {c.time: _try_booking(session, user, studio, c.starts_at) for c in cells}
    assert shown == actual
    return shown


def test_free_cells_take_the_shortest_booking_and_refused_ones_name_the_rule(session):
    studio = make_studio(session, opens="08:00", closes="20:00", min_minutes=60, buffer_minutes=30)
    owner, student = make_student(session), make_student(session)
    make_booking(session, studio=studio, user=owner, starts_at=local(MONDAY, "11:00"))
    make_blackout(
        session, studio=studio, starts_at=local(MONDAY, "15:00"), ends_at=local(MONDAY, "16:00")
    )
    shown = _assert_truthful(session, student, studio, MONDAY)
    assert shown["09:30"] == ""  # 09:30-10:30, then 30 minutes to reset before 11:00
    assert shown["10:00"] == "buffer"  # ends at 11:00: no time to reset the room
    assert shown["10:30"] == "taken"  # 10:30-11:30 overlaps the booking
    assert "12:00" not in shown  # shown as the booking's own reset time, until 12:30
    assert shown["12:30"] == ""
    assert shown["14:30"] == "blackout"  # 14:30-15:30 runs into the blackout
    assert shown["19:00"] == ""
    assert shown["19:30"] == "closed"  # 60 minutes do not fit before 20:00


def test_a_student_past_the_weekly_quota_sees_why_and_a_teacher_does_not(session):
    studio, elsewhere = make_studio(session, min_minutes=60), make_studio(session)
    student, teacher = make_student(session), make_teacher(session)
    used = settings.booking_student_weekly_hours - 0.5
    make_booking(
        session,
        studio=elsewhere,
        user=student,
        starts_at=local(MONDAY + timedelta(days=1), "09:00"),
        minutes=round(used * 60),
    )
    wednesday = MONDAY + timedelta(days=2)
    # (21:30: an hour does not fit before closing at 22:00, for anyone)
    assert set(_assert_truthful(session, student, studio, wednesday).values()) == {
        "quota",
        "closed",
    }
    assert set(_assert_truthful(session, teacher, studio, wednesday).values()) == {"", "closed"}


def test_days_beyond_the_advance_window_are_not_shown_as_free(session):
    studio, student = make_studio(session, advance_days=2), make_student(session)
    saturday = MONDAY + timedelta(days=5)
    assert set(_assert_truthful(session, student, studio, saturday).values()) == {"advance"}
    assert "" in _assert_truthful(session, student, studio, MONDAY + timedelta(days=1)).values()


@pytest.mark.parametrize("locale", ["en", "zh_CN"])
def test_the_grid_and_the_refusal_name_the_room_reset_time(session, locale):
    studio = make_studio(session, min_minutes=60, buffer_minutes=15)
    owner, student = make_student(session), make_student(session)
    make_booking(session, studio=studio, user=owner, starts_at=local(MONDAY, "11:00"))
    with pytest.raises(BookingRefused) as info:
        create.create_booking(
            session,
            actor=student,
            studio_id=studio.id,
            starts_at=local(MONDAY, "12:00"),
            ends_at=local(MONDAY, "13:00"),
            purpose="personal",
            now=NOW,
        )
    refusal = info.value
    assert (refusal.rule, refusal.params["n"]) == ("buffer", 15)
    assert refusal.next_free is not None and refusal.next_free.label == "12:30"
    activate(locale)
    message = env.from_string("{{ r.message|t(r.params) }}").render(r=refusal)
    assert "15" in message and ("reset" in message if locale == "en" else "整理场地" in message)
    calendar = views.week_calendar(
        session, studio_id=studio.id, monday=MONDAY, viewer=student, now=NOW
    )
    html = env.get_template("studios/_week_grid.html").render(
        cal=calendar, today=MONDAY, show_names=False, locale=locale
    )
    assert ("Room reset" if locale == "en" else "场地整理") in html
    activate("en")
