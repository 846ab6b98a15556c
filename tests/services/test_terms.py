"""The term calendar and term series: teaching-week numbering, holidays and exam weeks
skipped (and listed), the weeks a teacher types, exceptions that survive an edit of the
series, and clock.term_bounds read from the calendar."""

from datetime import date, timedelta

import pytest
from sqlmodel import select

from app.errors import FormErrors
from app.models.studios import ACTIVE_STATUSES, Booking, BookingStatus
from app.models.terms import SeriesException, Term
from app.schemas.terms import (
    MoveForm,
    PeriodForm,
    SeriesEditForm,
    TermForm,
    TermSeriesForm,
    parse_weeks,
)
from app.services import clock
from app.services import terms as term_service
from tests.factories import make_teacher
from tests.factories_studios import local, make_studio

TERM_START, TERM_END = date(2026, 9, 7), date(2027, 1, 17)  # a Monday, a Sunday
NATIONAL_DAY = (date(2026, 10, 1), date(2026, 10, 7))  # Thursday to Wednesday
BEFORE_TERM = local(date(2026, 8, 31), "09:00")


def make_term(session, *, starts_on=TERM_START, ends_on=TERM_END, name="2026–2027 学年第一学期"):
    term = term_service.save_term(
        session, form=TermForm.parse({"name": name, "starts_on": starts_on, "ends_on": ends_on})
    )
    term_service.add_period(
        session,
        term_id=term.id,
        form=PeriodForm.parse(
            {
                "kind": "holiday",
                "name": "国庆节",
                "starts_on": NATIONAL_DAY[0],
                "ends_on": NATIONAL_DAY[1],
            }
        ),
    )
    term_service.add_period(
        session,
        term_id=term.id,
        form=PeriodForm.parse({"kind": "exam", "starts_on": "2027-01-04", "ends_on": "2027-01-17"}),
    )
    return term


def series_form(term, studio, **changes):
    values = {
        "term_id": term.id,
        "studio_id": studio.id,
        "purpose": "course",
        "title": "直播运营实务",
        "weeks": "3-6",
        "weekdays": ["3"],  # Thursdays
        "time": "10:00",
        "minutes": "90",
    }
    return TermSeriesForm.parse({**values, **changes})


def test_teaching_weeks_start_on_the_monday_of_the_first_day(session):
    term = make_term(session)
    assert term_service.week_count(term) == 19
    assert term_service.week_of(term, date(2026, 9, 7)) == 1
    assert term_service.week_of(term, date(2026, 9, 13)) == 1
    assert term_service.week_of(term, date(2026, 10, 1)) == 4
    assert term_service.week_of(term, date(2027, 1, 17)) == 19
    assert term_service.week_of(term, date(2027, 1, 18)) is None
    midweek = Term(name="x", starts_on=date(2027, 3, 3), ends_on=date(2027, 7, 4))  # a Wednesday
    assert term_service.week_of(midweek, date(2027, 3, 7)) == 1
    assert term_service.week_of(midweek, date(2027, 3, 8)) == 2


def test_the_calendar_marks_holidays_and_exam_weeks_by_week(session):
    term = make_term(session)
    weeks = term_service.term_calendar(session, term=term).weeks
    assert [p.name for p in weeks[3].periods] == ["国庆节"]  # week 4 holds 1 October
    assert [p.name for p in weeks[4].periods] == ["国庆节"]  # and week 5 its end
    assert [p.kind for p in weeks[17].periods] == ["exam"]
    assert weeks[0].monday == date(2026, 9, 7) and weeks[0].sunday == date(2026, 9, 13)


def test_the_preview_skips_the_holiday_and_says_why(session):
    term = make_term(session)
    teacher, studio = make_teacher(session), make_studio(session)
    preview = term_service.preview_term_series(
        session, actor=teacher, form=series_form(term, studio), now=BEFORE_TERM
    )
    assert [o.day for o in preview.occurrences] == [
        date(2026, 9, 24),
        date(2026, 10, 8),
        date(2026, 10, 15),
    ]
    assert all(o.free for o in preview.occurrences)
    assert [(s.day, s.week, s.params) for s in preview.skipped] == [
        (date(2026, 10, 1), 4, {"name": "国庆节"})
    ]


def test_exam_weeks_and_days_outside_the_term_are_skipped(session):
    term = make_term(session, starts_on=date(2026, 9, 9))  # a Wednesday: week 1 starts 7 Sep
    teacher, studio = make_teacher(session), make_studio(session)
    form = series_form(term, studio, weeks="1,18", weekdays=["0", "2"])
    preview = term_service.preview_term_series(session, actor=teacher, form=form, now=BEFORE_TERM)
    assert [o.day for o in preview.occurrences] == [date(2026, 9, 9)]
    reasons = {s.day: s.reason for s in preview.skipped}
    assert reasons == {
        date(2026, 9, 7): "Outside the term",
        date(2027, 1, 4): "Exam week",
        date(2027, 1, 6): "Exam week",
    }


def test_weeks_past_the_term_are_refused_beside_the_weeks(session):
    term = make_term(session)
    teacher, studio = make_teacher(session), make_studio(session)
    with pytest.raises(FormErrors) as caught:
        term_service.preview_term_series(
            session, actor=teacher, form=series_form(term, studio, weeks="1-25"), now=BEFORE_TERM
        )
    assert "weeks" in caught.value.errors


@pytest.mark.parametrize(
    ("text", "weeks"),
    [
        ("1-16", list(range(1, 17))),
        ("1-8,10,12", [1, 2, 3, 4, 5, 6, 7, 8, 10, 12]),
        ("3，5、7", [3, 5, 7]),
        ("2 - 4, 3", [2, 3, 4]),
        ("1至3", [1, 2, 3]),
    ],
)
def test_the_weeks_a_teacher_types_are_read(text, weeks):
    assert parse_weeks(text) == weeks


@pytest.mark.parametrize("text", ["", "8-3", "0", "1-31", "a-b", "1,,x", "1-2-3"])
def test_bad_weeks_are_refused_beside_the_field(text):
    values = {"term_id": "1", "studio_id": "1", "purpose": "course", "weekdays": ["0"]}
    values |= {"time": "10:00", "minutes": "90", "weeks": text}
    with pytest.raises(FormErrors) as caught:
        TermSeriesForm.parse(values)
    assert set(caught.value.errors) == {"weeks"}


def test_terms_may_not_overlap_and_periods_stay_inside(session):
    make_term(session)
    with pytest.raises(FormErrors) as caught:
        term_service.save_term(
            session,
            form=TermForm.parse(
                {"name": "春季", "starts_on": "2027-01-10", "ends_on": "2027-07-01"}
            ),
        )
    assert "starts_on" in caught.value.errors
    with pytest.raises(FormErrors) as caught:
        TermForm.parse({"name": "x", "starts_on": "2027-03-01", "ends_on": "2027-03-01"})
    assert "ends_on" in caught.value.errors
    term = session.exec(select(Term)).one()
    with pytest.raises(FormErrors) as caught:
        term_service.add_period(
            session,
            term_id=term.id,
            form=PeriodForm.parse(
                {
                    "kind": "holiday",
                    "name": "元旦",
                    "starts_on": "2027-01-01",
                    "ends_on": "2027-01-20",
                }
            ),
        )
    assert "ends_on" in caught.value.errors
    with pytest.raises(FormErrors) as caught:
        PeriodForm.parse({"kind": "holiday", "starts_on": "2026-10-01", "ends_on": "2026-10-02"})
    assert "name" in caught.value.errors


def _active_on(session, series_id, day):
    rows = session.exec(select(Booking).where(Booking.series_id == series_id)).all()
    return [b for b in rows if clock.local_date(b.starts_at) == day and b.status in ACTIVE_STATUSES]


def test_cancelled_and_moved_occurrences_survive_an_edit_of_the_series(session):
    term = make_term(session)
    teacher, studio = make_teacher(session), make_studio(session)
    form = series_form(term, studio, weeks="3-8")  # Thursdays 24 Sep … 29 Oct, not 1 Oct
    preview = term_service.preview_term_series(session, actor=teacher, form=form, now=BEFORE_TERM)
    series, bookings = term_service.commit_term_series(
        session,
        actor=teacher,
        form=form,
        expected=[o.key for o in preview.free],
        now=BEFORE_TERM,
    )
    assert len(bookings) == 5
    by_day = {clock.local_date(b.starts_at): b for b in bookings}
    term_service.cancel_occurrence(
        session,
        series_id=series.id,
        booking_id=by_day[date(2026, 10, 15)].id,
        actor=teacher,
        now=BEFORE_TERM,
    )
    moved = term_service.move_occurrence(
        session,
        series_id=series.id,
        booking_id=by_day[date(2026, 10, 22)].id,
        actor=teacher,
        form=MoveForm.parse({"date": "2026-10-23", "time": "15:00"}),
        now=BEFORE_TERM,
    )
    # The first occurrence has happened when the teacher changes the series.
    later = local(date(2026, 9, 25), "09:00")
    edit = SeriesEditForm.parse(
        {
            "title": "直播运营实务（新）",
            "weeks": "3-10",
            "weekdays": ["3"],
            "time": "14:00",
            "minutes": "90",
        }
    )
    term_service.edit_series(session, series_id=series.id, actor=teacher, form=edit, now=later)
    session.expire_all()

    past = by_day[date(2026, 9, 24)]
    session.refresh(past)
    assert clock.local_minute(past.starts_at) == 10 * 60 and past.title == "直播运营实务"
    assert _active_on(session, series.id, date(2026, 10, 15)) == []  # still cancelled
    session.refresh(moved)
    assert moved.status in ACTIVE_STATUSES and moved.series_id == series.id
    assert clock.local_text(moved.starts_at) == "2026-10-23 15:00"  # where it was moved
    assert _active_on(session, series.id, date(2026, 10, 22)) == []  # not booked again
    for day in (date(2026, 10, 8), date(2026, 10, 29), date(2026, 11, 5), date(2026, 11, 12)):
        (row,) = _active_on(session, series.id, day)
        assert clock.local_minute(row.starts_at) == 14 * 60 and row.title == "直播运营实务（新）"
    kinds = {e.occurs_on: e.kind for e in session.exec(select(SeriesException)).all()}
    assert kinds == {date(2026, 10, 15): "cancelled", date(2026, 10, 22): "moved"}


def test_an_edit_dropping_weeks_cancels_those_occurrences_and_keeps_the_rest(session):
    term = make_term(session)
    teacher, studio = make_teacher(session), make_studio(session)
    form = series_form(term, studio, weeks="3-8")
    preview = term_service.preview_term_series(session, actor=teacher, form=form, now=BEFORE_TERM)
    series, _ = term_service.commit_term_series(
        session, actor=teacher, form=form, expected=[o.key for o in preview.free], now=BEFORE_TERM
    )
    edit = SeriesEditForm.parse(
        {"title": "x", "weeks": "3-6", "weekdays": ["3"], "time": "10:00", "minutes": "90"}
    )
    term_service.edit_series(
        session, series_id=series.id, actor=teacher, form=edit, now=BEFORE_TERM
    )
    session.expire_all()
    kept = session.exec(select(Booking).where(Booking.series_id == series.id)).all()
    assert sorted(clock.local_date(b.starts_at) for b in kept) == [
        date(2026, 9, 24),
        date(2026, 10, 8),
        date(2026, 10, 15),
    ]
    dropped = session.exec(select(Booking).where(Booking.series_id.is_(None))).all()
    assert {b.status for b in dropped} == {BookingStatus.cancelled} and len(dropped) == 2


def test_an_edit_refused_anywhere_changes_nothing(session):
    from tests.factories_studios import make_booking

    term = make_term(session)
    teacher, studio = make_teacher(session), make_studio(session)
    form = series_form(term, studio, weeks="3-5")
    preview = term_service.preview_term_series(session, actor=teacher, form=form, now=BEFORE_TERM)
    series, _ = term_service.commit_term_series(
        session, actor=teacher, form=form, expected=[o.key for o in preview.free], now=BEFORE_TERM
    )
    other = make_teacher(session)
    make_booking(session, studio=studio, user=other, starts_at=local(date(2026, 10, 8), "14:00"))
    edit = SeriesEditForm.parse(
        {"title": "x", "weeks": "3-5", "weekdays": ["3"], "time": "14:00", "minutes": "90"}
    )
    with pytest.raises(term_service.SeriesEditRefused) as caught:
        term_service.edit_series(
            session, series_id=series.id, actor=teacher, form=edit, now=BEFORE_TERM
        )
    assert [o.day for o in caught.value.refused] == [date(2026, 10, 8)]


def test_term_bounds_use_the_calendar_with_a_session(session):
    assert clock.term_bounds(date(2026, 10, 1), session) == (date(2026, 9, 1), date(2027, 3, 1))
    make_term(session)
    assert clock.term_bounds(date(2026, 10, 1), session) == (TERM_START, TERM_END + timedelta(1))
    # a day outside every configured term keeps the fixed rule
    assert clock.term_bounds(date(2027, 5, 5), session) == (date(2027, 3, 1), date(2027, 9, 1))


@pytest.mark.commits
def test_term_bounds_without_a_session_read_the_calendar(session):
    assert clock.term_bounds(date(2026, 10, 1)) == (date(2026, 9, 1), date(2027, 3, 1))
    make_term(session)
    session.commit()
    assert clock.term_bounds(date(2026, 10, 1)) == (TERM_START, TERM_END + timedelta(days=1))
    assert clock.term_bounds(date(2026, 8, 20)) == (date(2026, 3, 1), date(2026, 9, 1))
