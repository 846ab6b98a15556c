"""Dashboard figures and partials, tick, and the demo data."""

from datetime import timedelta

from sqlalchemy import text
from sqlmodel import select

from app.i18n import activate
from app.models.base import utcnow
from app.models.studios import Booking, WaitlistEntry
from app.services.bookings import lifecycle, views
from app.web import env
from seeds import studios as studios_seed
from seeds.loader import SeedReport, seed_catalogue, seed_demo
from tests.factories import make_admin, make_student, make_teacher
from tests.factories_studios import local, make_booking, make_studio, next_weekday

DAY = next_weekday(2)


def _render(name: str, **context) -> str:
    activate("en")
    return env.get_template(name).render(csrf_token="t", locale="en", **context)


def test_dashboards_show_upcoming_bookings_promotions_and_decisions(session):
    teacher, student, admin = make_teacher(session), make_student(session), make_admin(session)
    studio = make_studio(session, requires_approval=True, approver_id=teacher.id)
    make_booking(
        session, studio=studio, user=student, starts_at=local(DAY, "10:00"), status="pending"
    )
    promoted = make_booking(session, studio=studio, user=student, starts_at=local(DAY, "14:00"))
    session.add(
        WaitlistEntry(
            studio_id=studio.id,
            user_id=student.id,
            purpose="personal",
            starts_at=promoted.starts_at,
            ends_at=promoted.ends_at,
            status="promoted",
            booking_id=promoted.id,
            resolved_at=utcnow(),
        )
    )
    session.flush()
    mine = views.dashboard_bookings(session, user=student)
    assert len(mine.upcoming) == 2 and len(mine.promoted) == 1
    html = _render("dashboard/_bookings_student.html", bookings=mine)
    assert f"/bookings/{promoted.id}" in html and "freed up" in html
    theirs = views.dashboard_bookings(session, user=teacher)
    assert theirs.pending_decisions == 1
    assert "wait for your approval" in _render("dashboard/_bookings_teacher.html", bookings=theirs)
    everything = views.dashboard_bookings(session, user=admin)
    assert everything.pending_decisions == 1
    assert "Bookings waiting for approval" in _render(
        "dashboard/_bookings_admin.html", bookings=everything
    )


def test_tick_writes_no_shows_and_expires_the_waitlist(session):
    studio, student = make_studio(session), make_student(session)
    start = utcnow().replace(microsecond=0) - timedelta(hours=2)
    missed = make_booking(session, studio=studio, user=student, starts_at=start)
    session.add(
        WaitlistEntry(
            studio_id=studio.id,
            user_id=student.id,
            purpose="personal",
            starts_at=start,
            ends_at=start + timedelta(hours=1),
        )
    )
    session.flush()
    assert lifecycle.tick(session) == {"offers": 0, "bookings": 1, "waitlist": 1}
    session.expire_all()
    assert session.get(Booking, missed.id).status == "no_show"
    assert session.exec(select(WaitlistEntry)).one().status == "expired"


def test_the_demo_has_three_studios_and_a_fortnight_of_bookings_and_reruns_cleanly(session):
    seed_catalogue(session)
    seed_demo(session)
    report = SeedReport()
    studios_seed.seed_demo(session, report, scale=1)
    assert report.created["studio"] == 3
    assert report.created["booking"] > 60
    again = SeedReport()
    studios_seed.seed_demo(session, again, scale=1)
    assert again.created == {}
    overlaps = session.execute(
        text(
            "SELECT count(*) FROM booking a JOIN booking b ON a.studio_id = b.studio_id "
            "AND a.id < b.id WHERE a.status NOT IN ('cancelled', 'rejected', 'no_show') "
            "AND b.status NOT IN ('cancelled', 'rejected', 'no_show') "
            "AND a.starts_at < b.blocked_until AND b.starts_at < a.blocked_until"
        )
    ).scalar_one()
    assert overlaps == 0


def test_my_bookings_split_upcoming_from_ended_lapsed_and_expired(session):
    student = make_student(session)
    now = utcnow().replace(microsecond=0)
    ahead = make_booking(
        session, studio=make_studio(session), user=student, starts_at=now + timedelta(days=2)
    )
    started = make_booking(  # checked in, still running: upcoming until it ends
        session,
        studio=make_studio(session),
        user=student,
        starts_at=now - timedelta(minutes=30),
        status="checked_in",
    )
    make_booking(
        session, studio=make_studio(session), user=student, starts_at=now - timedelta(days=2)
    )
    make_booking(  # approved, check-in window over without a check-in: lapsed
        session, studio=make_studio(session), user=student, starts_at=now - timedelta(minutes=40)
    )
    make_booking(  # still pending at its start: expired
        session,
        studio=make_studio(session),
        user=student,
        starts_at=now - timedelta(minutes=1),
        status="pending",
    )
    mine = views.my_bookings(session, user=student, per_page=2, now=now)
    assert {view.booking.id for view in mine.upcoming} == {ahead.id, started.id}
    assert mine.past.total == 3 and len(mine.past.items) == 2
