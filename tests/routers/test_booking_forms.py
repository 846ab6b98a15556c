"""Out-of-range input to the booking forms: ids past the database's integer, impossible
dates and times, numbers beyond any bound. Each gets 422 with the message beside its
field and writes nothing; a bad date in a link falls back to this week. (The studio
settings and blackout forms: tests/routers/test_studios.py.)"""

import pytest
from sqlmodel import select

from app.models.studios import Booking, BookingSeries, WaitlistEntry
from tests.factories import make_admin, make_student, make_teacher
from tests.factories_studios import local, make_booking, make_studio, next_weekday

HUGE_ID = "2147483648"  # one past PostgreSQL's integer
HUGE = "100000000000000000000000"  # 10^23
DAY = next_weekday(2)


def _errors_beside(response, *names):
    assert response.status_code == 422, response.text[:300]
    for name in names:
        assert f'id="{name}-error"' in response.text, name


def _booking(**changes):
    values = {"date": DAY.isoformat(), "time": "10:00", "minutes": "60", "purpose": "personal"}
    return {**values, **changes}


@pytest.mark.parametrize("action", ["book", "waitlist"])
@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"team_id": HUGE_ID}, "team_id"),
        ({"team_id": "9223372036854775808"}, "team_id"),
        ({"date": "9999-12-31"}, "date"),
        ({"date": "0000-00-00"}, "date"),
        ({"minutes": HUGE}, "minutes"),
        ({"time": "24:00"}, "time"),
        ({"title": "直播\u202e练习"}, "title"),
    ],
)
def test_a_booking_out_of_range_is_refused_beside_its_field(
    client, session, action, changes, field
):
    studio, student = make_studio(session), make_student(session)
    session.commit()
    client.login(student.username)
    response = client.post_form(f"/studios/{studio.id}/{action}", _booking(**changes))
    _errors_beside(response, field)
    assert session.exec(select(Booking)).first() is None
    assert session.exec(select(WaitlistEntry)).first() is None


def test_a_series_out_of_range_is_refused_beside_its_fields(client, session):
    teacher = make_teacher(session)
    make_studio(session)
    session.commit()
    client.login(teacher.username)
    form = {
        "studio_id": HUGE_ID,
        "weekdays": ["0", "9"],
        "time": "10:00",
        "minutes": "90",
        "first_date": "0000-00-00",
        "last_date": "9999-12-31",
        "purpose": "course",
        "team_id": HUGE_ID,
        "action": "commit",
        "occurrence": ["2026-09-07T02:00:00+00:00"],
    }
    response = client.post_form("/bookings/recurring", form)
    _errors_beside(response, "studio_id", "weekdays", "first_date", "last_date", "team_id")
    unknown = client.post_form(
        "/bookings/recurring",
        {
            **form,
            "studio_id": "999999",
            "weekdays": ["0"],
            "first_date": DAY.isoformat(),
            "last_date": DAY.isoformat(),
            "team_id": "",
        },
    )
    _errors_beside(unknown, "studio_id")  # a real id of no studio
    assert session.exec(select(BookingSeries)).first() is None
    assert session.exec(select(Booking)).first() is None


def test_a_cancel_reason_with_control_characters_is_refused(client, session):
    admin, studio, owner = make_admin(session), make_studio(session), make_student(session)
    booking = make_booking(session, studio=studio, user=owner, starts_at=local(DAY, "10:00"))
    session.commit()
    client.login(admin.username)
    response = client.post_form(f"/bookings/{booking.id}/cancel", {"reason": "设备\x00故障"})
    _errors_beside(response, "reason")
    session.refresh(booking)
    assert booking.status == "approved"


def test_a_bad_date_in_a_link_shows_this_week(client, session):
    studio, admin = make_studio(session), make_admin(session)
    session.commit()
    client.login(admin.username)
    for query in ("week=9999-12-31", "week=0000-00-00", "week=2026-02-30"):
        assert client.get(f"/studios/{studio.id}?{query}").status_code == 200
    assert client.get(f"/studios/{studio.id}/book?date=0000-00-00").status_code == 200
    assert client.get("/studios/board?day=9999-12-31").status_code == 200
    assert client.get("/studios/report?start=0000-00-00").status_code == 200
