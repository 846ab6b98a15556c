"""A studio's week and the day board are kept per worker (services/bookings/kept.py): a
second visit reads no bookings, yet a booking by someone else (another worker, as far as
the app knows), a renamed booker or a new blackout shows at once; the viewer's own
bookings are drawn for them alone, and time passing alone redraws the grid."""

from datetime import timedelta

from app.models import User
from app.services.bookings import views
from tests.factories import make_admin, make_student
from tests.factories_studios import local, make_blackout, make_booking, make_studio, next_weekday

DAY = next_weekday(2)  # a Wednesday within the advance window


def _week(studio) -> str:
    return f"/studios/{studio.id}?week={DAY.isoformat()}"


def _kept_visit(client, url: str, statement_counter) -> str:
    """The page, visited until it is served from the kept week (the second time)."""
    client.get(url)
    with statement_counter() as statements:
        page = client.get(url)
    assert page.status_code == 200
    assert not any("FROM booking JOIN user_account" in s for s in statements), statements
    return page.text


def test_a_booking_by_someone_else_shows_at_once(client, session, statement_counter):
    studio, viewer, other = make_studio(session), make_student(session), make_student(session)
    session.commit()
    client.login(viewer.username)
    before = _kept_visit(client, _week(studio), statement_counter)
    assert "cal-booking" not in before
    make_booking(session, studio=studio, user=other, starts_at=local(DAY, "10:00"))
    session.commit()  # the test's own connection: another worker, as far as the app knows
    after = client.get(_week(studio)).text
    assert after.count("cal-booking") == 1 and "is-own" not in after
    assert f"/book?date={DAY.isoformat()}&amp;time=10:00" not in after


def test_own_bookings_are_drawn_for_their_holder_only(
    client, other_client, session, statement_counter
):
    studio, owner, other = make_studio(session), make_student(session), make_student(session)
    booking = make_booking(session, studio=studio, user=owner, starts_at=local(DAY, "10:00"))
    session.commit()
    client.login(owner.username)
    other_client.login(other.username)
    mine = _kept_visit(client, _week(studio), statement_counter)
    theirs = _kept_visit(other_client, _week(studio), statement_counter)
    link = f'href="/bookings/{booking.id}"'
    assert link in mine and "is-own" in mine and "你的预约" in mine  # drawn live, in Chinese
    assert link not in theirs and "is-own" not in theirs
    assert theirs.count("cal-booking") == 1 and owner.full_name not in theirs


def test_staff_see_a_renamed_booker_and_a_new_blackout_at_once(client, session, statement_counter):
    studio, admin, owner = make_studio(session), make_admin(session), make_student(session)
    make_booking(session, studio=studio, user=owner, starts_at=local(DAY, "10:00"))
    session.commit()
    client.login(admin.username)
    assert owner.full_name in _kept_visit(client, _week(studio), statement_counter)
    session.get(User, owner.id).full_name = "改名后的学生"
    make_blackout(
        session, studio=studio, starts_at=local(DAY, "15:00"), ends_at=local(DAY, "16:00")
    )
    session.commit()
    page = client.get(_week(studio)).text
    assert "改名后的学生" in page and "cal-blackout" in page
    board = _kept_visit(client, f"/studios/board?day={DAY.isoformat()}", statement_counter)
    assert "改名后的学生" in board
    make_booking(session, studio=studio, user=owner, starts_at=local(DAY, "18:00"))
    session.commit()
    assert client.get(f"/studios/board?day={DAY.isoformat()}").text.count("改名后的学生") == 2


def test_a_students_quota_is_theirs_on_a_kept_week(client, other_client, session):
    studio = make_studio(session, max_minutes=600)
    busy, free = make_student(session), make_student(session)
    make_booking(
        session, studio=make_studio(session), user=busy, starts_at=local(DAY, "08:00"), minutes=600
    )  # the whole weekly quota, in another studio
    session.commit()
    client.login(busy.username)
    other_client.login(free.username)
    assert "rule-quota" in client.get(_week(studio)).text
    assert "rule-quota" not in other_client.get(_week(studio)).text
    assert "rule-quota" in client.get(_week(studio)).text


def test_time_passing_alone_redraws_a_kept_week(session):
    studio, student = make_studio(session), make_student(session)
    session.commit()  # the data's token: the week is kept from here on
    first = local(DAY, "09:10")
    early = views.week_calendar(session, studio_id=studio.id, monday=DAY, viewer=student, now=first)
    again = views.week_calendar(
        session, studio_id=studio.id, monday=DAY, viewer=student, now=first + timedelta(minutes=1)
    )
    assert again.shared is early.shared  # kept: nothing changed that it shows
    later = views.week_calendar(
        session, studio_id=studio.id, monday=DAY, viewer=student, now=local(DAY, "10:05")
    )
    column = next(c for c in later.grid.columns if c.day == DAY)
    kinds = {cell.time: cell.kind for cell in column.cells}
    assert kinds["09:30"] == "past" and kinds["10:00"] == "past" and kinds["10:30"] != "past"


def test_a_new_studio_feed_address_shows_at_once(client, other_client, session, statement_counter):
    from app.services.bookings import regenerate_feed

    studio, admin, student = make_studio(session), make_admin(session), make_student(session)
    session.commit()
    client.login(admin.username)
    other_client.login(student.username)
    assert "/calendar/feed/" not in _kept_visit(client, _week(studio), statement_counter)
    assert "/calendar/feed/" not in _kept_visit(other_client, _week(studio), statement_counter)
    feed = regenerate_feed(session, studio_id=studio.id)
    session.commit()
    assert f"/calendar/feed/{feed.token}.ics" in client.get(_week(studio)).text
    theirs = other_client.get(_week(studio)).text
    assert f"/calendar/feed/{feed.busy_token}.ics" in theirs and feed.token not in theirs


def test_week_and_board_issue_the_same_statements_for_ten_times_the_bookings(
    client, session, statement_counter
):
    studio, admin = make_studio(session), make_admin(session)
    students = [make_student(session) for _ in range(10)]
    session.commit()
    client.login(admin.username)
    pages = (_week(studio), f"/studios/board?day={DAY.isoformat()}")

    def counts() -> list[int]:
        found = []
        for url in pages:
            with statement_counter() as first:  # the data just changed: computed afresh
                assert client.get(url).status_code == 200
            with statement_counter() as kept:
                assert client.get(url).status_code == 200
            found += [len(first), len(kept)]
        return found

    make_booking(session, studio=studio, user=students[0], starts_at=local(DAY, "08:00"))
    session.commit()
    few = counts()
    for n, student in enumerate(students[1:], start=1):
        start = local(DAY, f"{8 + n:02d}:00")
        make_booking(session, studio=studio, user=student, starts_at=start)
    session.commit()
    assert counts() == few
