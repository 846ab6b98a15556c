"""Times are stored in UTC and shown in the college's zone: across both daylight-saving
changes of Europe/Berlin, a booking keeps its local wall-clock time in every view and feed."""

from datetime import UTC, date, datetime, timedelta

import pytest
from icalendar import Calendar

from app.config import settings
from app.errors import FormErrors
from app.i18n import gettext
from app.schemas.bookings import BookingForm, RecurringForm
from app.services import clock as st
from app.services.bookings import create, recurring, views
from app.services.bookings import feeds as calendar_service
from app.web import env
from tests.factories import make_teacher
from tests.factories_studios import make_studio

SPRING = date(2027, 3, 28)  # Sunday: 02:00 CET -> 03:00 CEST
AUTUMN = date(2027, 10, 31)  # Sunday: 03:00 CEST -> 02:00 CET


@pytest.fixture
def berlin(monkeypatch):
    settings.tz  # noqa: B018 (make sure the cached zone exists, so teardown restores it)
    monkeypatch.setattr(settings, "timezone", "Europe/Berlin")
    monkeypatch.delitem(settings.__dict__, "tz")
    assert str(settings.tz) == "Europe/Berlin"


def _book(session, teacher, studio, day: date, hhmm="10:00", now=None):
    form = BookingForm.parse(
        {"date": day.isoformat(), "time": hhmm, "minutes": "60", "purpose": "course"}
    )
    return create.book_from_form(
        session,
        actor=teacher,
        studio_id=studio.id,
        form=form,
        now=now or datetime(2027, 3, 1, tzinfo=UTC),
    )


@pytest.mark.parametrize(
    ("before", "after", "utc_before", "utc_after"),
    [
        (SPRING - timedelta(days=1), SPRING + timedelta(days=1), 9, 8),
        (AUTUMN - timedelta(days=1), AUTUMN + timedelta(days=1), 8, 9),
    ],
    ids=["spring-forward", "fall-back"],
)
def test_a_booking_keeps_its_wall_clock_time_across_the_change(
    session, berlin, before, after, utc_before, utc_after
):
    teacher, studio = make_teacher(session), make_studio(session)
    now = datetime(before.year, before.month, 1, tzinfo=UTC)
    first = _book(session, teacher, studio, before, now=now)
    second = _book(session, teacher, studio, after, now=now)
    assert first.starts_at.astimezone(UTC).hour == utc_before
    assert second.starts_at.astimezone(UTC).hour == utc_after
    for booking in (first, second):
        assert st.local_minute(booking.starts_at) == 10 * 60
        assert booking.ends_at - booking.starts_at == timedelta(hours=1)
        assert env.filters["localtime"](booking.starts_at, "%H:%M") == "10:00"
    calendar = views.week_calendar(
        session, studio_id=studio.id, monday=before, viewer=teacher, now=now
    )
    placed = {
        (cell.day, cell.time)
        for column in calendar.grid.columns
        for cell in column.cells
        if cell.kind == "booking"
    }
    assert (before, "10:00") in placed
    if st.monday_of(after) == st.monday_of(before):
        assert (after, "10:00") in placed


def test_the_ics_feed_keeps_the_local_time_across_the_change_with_its_vtimezone(session, berlin):
    teacher, studio = make_teacher(session), make_studio(session)
    now = datetime(2027, 3, 20, tzinfo=UTC)
    _book(session, teacher, studio, SPRING - timedelta(days=1), now=now)
    _book(session, teacher, studio, SPRING + timedelta(days=1), now=now)
    feed = calendar_service.regenerate_feed(session, user_id=teacher.id)
    calendar = Calendar.from_ical(calendar_service.feed_ics(session, token=feed.token, now=now))
    events = sorted(calendar.walk("VEVENT"), key=lambda e: e.decoded("dtstart"))
    starts = [e.decoded("dtstart") for e in events]
    assert [s.astimezone(UTC).hour for s in starts] == [9, 8]  # the instants differ...
    assert [s.astimezone(settings.tz).strftime("%H:%M") for s in starts] == ["10:00", "10:00"]
    for event in events:  # ...and both are written as 10:00 Berlin time, with its rules
        assert b"DTSTART;TZID=Europe/Berlin:" in event.to_ical()
        assert b"T100000" in event.to_ical()
    (zone,) = calendar.walk("VTIMEZONE")
    assert str(zone["tzid"]) == "Europe/Berlin"
    assert {str(part.name) for part in zone.subcomponents} == {"STANDARD", "DAYLIGHT"}
    assert gettext("Log in") == "Log in", "the feed's language leaked into its caller's"


def test_a_weekly_series_stays_at_10_00_local_across_the_spring_change(session, berlin):
    teacher, studio = make_teacher(session), make_studio(session)
    form = RecurringForm.parse(
        {
            "studio_id": str(studio.id),
            "weekdays": ["0"],
            "time": "10:00",
            "minutes": "90",
            "first_date": "2027-03-15",
            "last_date": "2027-04-05",
            "title": "直播运营实务",
            "purpose": "course",
        }
    )
    preview = recurring.preview_series(
        session, actor=teacher, form=form, now=datetime(2027, 3, 1, tzinfo=UTC)
    )
    assert [o.starts_at.astimezone(UTC).hour for o in preview.occurrences] == [9, 9, 8, 8]
    assert {st.local_minute(o.starts_at) for o in preview.occurrences} == {600}


def test_the_skipped_hour_has_no_slots_and_cannot_be_booked(session, berlin):
    slots = st.day_slots(SPRING, 0, 24 * 60, 30)
    labels = [slot.label for slot in slots]
    assert "02:00" not in labels and "02:30" not in labels
    assert len(slots) == 46
    teacher = make_teacher(session)
    studio = make_studio(session, opens="00:00", closes="23:30")
    with pytest.raises(FormErrors) as info:
        form = BookingForm.parse(
            {"date": SPRING.isoformat(), "time": "02:30", "minutes": "30", "purpose": "course"}
        )
        create.book_from_form(session, actor=teacher, studio_id=studio.id, form=form)
    assert "time" in info.value.errors
