"""Term calendar pages (administrators edit, everyone reads) and term series pages (a
teacher books by teaching week, sees the skipped holiday, cancels and moves occurrences)."""

from datetime import timedelta

from sqlmodel import select

from app.models.studios import ACTIVE_STATUSES, Booking
from app.models.terms import SeriesException, Term, TermPeriod
from app.services import clock
from tests.factories import make_admin, make_student, make_teacher
from tests.factories_studios import make_studio


def _term(session):
    """A term from next Monday, 18 weeks, with a holiday on the Thursday of week 2."""
    start = clock.monday_of(clock.today()) + timedelta(days=7)
    term = Term(name="测试学期", starts_on=start, ends_on=start + timedelta(weeks=18, days=-1))
    session.add(term)
    session.flush()
    holiday = start + timedelta(days=10)
    session.add(
        TermPeriod(term_id=term.id, kind="holiday", name="校庆", starts_on=holiday, ends_on=holiday)
    )
    session.commit()
    return term, holiday


def _series(term, studio, **changes):
    values = {
        "term_id": str(term.id),
        "studio_id": str(studio.id),
        "purpose": "course",
        "title": "直播话术",
        "weeks": "1-3",
        "weekdays": ["3"],
        "time": "10:00",
        "minutes": "90",
    }
    return {**values, **changes}


def test_an_admin_creates_a_term_and_adds_a_holiday(client, session):
    admin = make_admin(session)
    session.commit()
    client.login(admin.username)
    form = {"name": "2027 春季学期", "starts_on": "2027-03-01", "ends_on": "2027-07-04"}
    response = client.post_form("/terms/new", form)
    assert response.status_code == 303
    term = session.exec(select(Term)).one()
    period = {
        "kind": "holiday",
        "name": "劳动节",
        "starts_on": "2027-05-01",
        "ends_on": "2027-05-05",
    }
    assert client.post_form(f"/terms/{term.id}/periods", period).status_code == 303
    page = client.get(f"/terms/{term.id}")
    assert "劳动节" in page.text
    assert page.text.count('<th scope="row">') == 18  # teaching weeks 1 to 18


def test_bad_term_input_is_shown_beside_the_fields(client, session):
    admin = make_admin(session)
    term, _ = _term(session)
    client.login(admin.username)
    response = client.post_form("/terms/new", {"name": "", "starts_on": "2027-03-01"})
    assert response.status_code == 422
    assert 'id="name-error"' in response.text and 'id="ends_on-error"' in response.text
    ends = (term.starts_on + timedelta(weeks=20)).isoformat()
    overlapping = {"name": "重叠", "starts_on": term.starts_on.isoformat(), "ends_on": ends}
    response = client.post_form("/terms/new", overlapping)
    assert response.status_code == 422 and 'id="starts_on-error"' in response.text
    outside = {"kind": "exam", "starts_on": "2000-01-01", "ends_on": "2000-01-02"}
    response = client.post_form(f"/terms/{term.id}/periods", outside)
    assert response.status_code == 422 and 'id="starts_on-error"' in response.text
    assert session.exec(select(Term)).all() == [term]


def test_a_student_and_a_teacher_may_read_the_calendar_but_not_edit_it(client, session):
    student, teacher = make_student(session), make_teacher(session)
    term, holiday = _term(session)
    for user in (student, teacher):
        client.login(user.username)
        page = client.get("/terms/calendar")
        assert page.status_code == 200 and "校庆" in page.text
        assert client.get("/terms").status_code == 403
        assert client.get(f"/terms/{term.id}/edit").status_code == 403
        data = {"kind": "holiday", "name": "x", "starts_on": holiday.isoformat()}
        data["ends_on"] = holiday.isoformat()
        assert client.post_form(f"/terms/{term.id}/periods", data).status_code == 403
    assert len(session.exec(select(TermPeriod)).all()) == 1


def test_an_admin_removes_a_holiday(client, session):
    admin = make_admin(session)
    term, _ = _term(session)
    period = session.exec(select(TermPeriod)).one()
    client.login(admin.username)
    response = client.post_form(f"/terms/{term.id}/periods/{period.id}/delete")
    assert response.status_code == 303
    session.expire_all()
    assert session.exec(select(TermPeriod)).all() == []


def test_a_teacher_books_a_term_series_that_skips_the_holiday(client, session):
    teacher, studio = make_teacher(session), make_studio(session)
    term, holiday = _term(session)
    client.login(teacher.username)
    preview = client.post_form(
        "/bookings/term-series", _series(term, studio) | {"action": "preview"}
    )
    assert preview.status_code == 200
    assert "校庆" in preview.text and holiday.isoformat() in preview.text
    keys = [o for o in _occurrence_keys(preview.text)]
    assert len(keys) == 2
    form = _series(term, studio) | {"action": "commit", "occurrence": keys}
    response = client.post_form("/bookings/term-series", form)
    assert response.status_code == 303
    bookings = session.exec(select(Booking)).all()
    days = sorted(clock.local_date(b.starts_at) for b in bookings)
    assert days == [holiday - timedelta(days=7), holiday + timedelta(days=7)]
    detail = client.get(response.headers["location"])
    assert detail.status_code == 200 and "校庆" in detail.text


def _occurrence_keys(html: str) -> list[str]:
    import re

    return re.findall(r'name="occurrence" value="([^"]+)"', html)


def _booked_series(client, session):
    teacher, studio = make_teacher(session), make_studio(session)
    term, holiday = _term(session)
    client.login(teacher.username)
    preview = client.post_form("/bookings/term-series", _series(term, studio, weeks="1-4"))
    form = _series(term, studio, weeks="1-4") | {
        "action": "commit",
        "occurrence": _occurrence_keys(preview.text),
    }
    location = client.post_form("/bookings/term-series", form).headers["location"]
    bookings = session.exec(select(Booking).order_by(Booking.starts_at)).all()
    return teacher, location, bookings


def test_a_teacher_cancels_and_moves_occurrences_and_an_edit_keeps_them(client, session):
    _teacher, location, bookings = _booked_series(client, session)
    first, second, third = bookings
    assert client.post_form(f"{location}/occurrences/{first.id}/cancel").status_code == 303
    new_day = clock.local_date(second.starts_at) + timedelta(days=1)
    move = {"date": new_day.isoformat(), "time": "16:00"}
    assert client.post_form(f"{location}/occurrences/{second.id}/move", move).status_code == 303
    edit = {"title": "新标题", "weeks": "1-4", "weekdays": ["3"], "time": "13:00", "minutes": "60"}
    assert client.post_form(f"{location}/edit", edit).status_code == 303
    session.expire_all()
    active = [b for b in session.exec(select(Booking)).all() if b.status in ACTIVE_STATUSES]
    times = sorted(clock.local_text(b.starts_at) for b in active)
    third_day = clock.local_date(third.starts_at)
    assert times == [f"{new_day} 16:00", f"{third_day} 13:00"]
    assert len(session.exec(select(SeriesException)).all()) == 2


def test_bad_series_input_is_shown_beside_the_fields(client, session):
    _teacher, location, bookings = _booked_series(client, session)
    response = client.post_form(f"{location}/edit", {"weeks": "9-1", "time": "25:00"})
    assert response.status_code == 422
    for name in ("weeks", "time", "weekdays", "minutes"):
        assert f'id="{name}-error"' in response.text, name
    bad_move = {"date": "0000-00-00", "time": "10:00"}
    response = client.post_form(f"{location}/occurrences/{bookings[0].id}/move", bad_move)
    assert response.status_code == 422


def test_another_teacher_and_a_student_may_not_touch_a_series(client, session):
    _teacher, location, bookings = _booked_series(client, session)
    other = make_teacher(session)
    student = make_student(session)
    session.commit()
    client.login(other.username)
    assert client.get(location).status_code == 403
    response = client.post_form(f"{location}/occurrences/{bookings[0].id}/cancel")
    assert response.status_code == 403
    client.login(student.username)
    assert client.get("/bookings/term-series").status_code == 403
    assert client.get(location).status_code == 403
    session.expire_all()
    assert all(b.status in ACTIVE_STATUSES for b in session.exec(select(Booking)).all())
