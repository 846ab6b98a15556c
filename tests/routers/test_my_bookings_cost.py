"""The own bookings page reads a fixed handful of statements whatever the number of
bookings, waitlist entries and missed check-ins, and pages its past bookings as before: the
count comes with the page's rows, and a page past the last shows the last."""

from datetime import timedelta

import pytest

from app.models.base import utcnow
from app.models.studios import WaitlistEntry
from app.services.bookings import views
from tests.factories import make_admin, make_student
from tests.factories_studios import make_booking, make_studio
from tests.factories_teams import make_team


def _history(session, user, n: int) -> None:
    """``n`` past, ``n`` upcoming (a team's) bookings and ``n`` waitlist entries."""
    studio, now = make_studio(session), utcnow().replace(second=0, microsecond=0)
    team = make_team(session, members=[(user, "anchor")]) if user.role == "student" else None
    for i in range(n):
        make_booking(session, studio=studio, user=user, starts_at=now - timedelta(days=i + 1))
        make_booking(
            session,
            studio=studio,
            user=user,
            starts_at=now + timedelta(days=i + 1),
            purpose="team" if team else "personal",
            team_id=team.id if team else None,
        )
        start = now + timedelta(days=i + 1, hours=3)
        session.add(
            WaitlistEntry(
                studio_id=studio.id,
                user_id=user.id,
                purpose="personal",
                starts_at=start,
                ends_at=start + timedelta(hours=1),
            )
        )
    session.commit()


@pytest.mark.parametrize("make_user", [make_student, make_admin])
def test_same_statements_for_ten_times_the_bookings(
    client, other_client, session, statement_counter, make_user
):
    small, large = make_user(session), make_user(session)
    _history(session, small, 1)
    _history(session, large, 10)
    client.login(small.username)
    other_client.login(large.username)
    with statement_counter() as few:
        assert client.get("/bookings").status_code == 200
    with statement_counter() as many:
        page = other_client.get("/bookings")
    assert page.status_code == 200
    assert page.text.count("/leave") == 10  # every waitlist entry listed
    assert len(many) == len(few), many


def test_past_bookings_page_with_their_total(session):
    student = make_student(session)
    _history(session, student, 5)
    first = views.my_bookings(session, user=student, per_page=2)
    assert (first.past.total, first.past.number, len(first.past.items)) == (5, 1, 2)
    last = views.my_bookings(session, user=student, page=3, per_page=2)
    assert (last.past.total, last.past.number, len(last.past.items)) == (5, 3, 1)
    beyond = views.my_bookings(session, user=student, page=9, per_page=2)
    assert (beyond.past.total, beyond.past.number) == (5, 3)
    assert [v.booking.id for v in beyond.past.items] == [v.booking.id for v in last.past.items]


def test_no_past_bookings_is_one_empty_page(session):
    student = make_student(session)
    session.commit()
    for page in (1, 4):
        mine = views.my_bookings(session, user=student, page=page)
        assert (mine.past.total, mine.past.number, mine.past.items) == (0, 1, [])
