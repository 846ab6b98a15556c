"""One waiting entry per person, studio and start: the database holds it (a partial unique
index, on both databases), so requests that race each other get 409, not a second entry."""

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

import pytest
from sqlalchemy import column, event, insert, table
from sqlalchemy import text as sql
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from app import migrate as migrations
from app.db import build_engine
from app.errors import Conflict
from app.models.base import UTCDateTime, utcnow
from app.models.studios import WaitlistEntry, WaitlistStatus
from app.schemas.bookings import BookingForm
from app.services import clock, revisions
from app.services.bookings import waitlist
from tests.factories import make_student
from tests.factories_studios import local, make_booking, make_studio

DAY = clock.today() + timedelta(days=2)
TEN = local(DAY, "10:00")
WAITING_ONCE_REVISION = "d209adf148d3"


def _taken_studio(session):
    studio, owner = make_studio(session), make_student(session)
    make_booking(session, studio=studio, user=owner, starts_at=TEN)
    return studio


def _entry(studio, user, status=WaitlistStatus.waiting):
    return WaitlistEntry(
        studio_id=studio.id,
        user_id=user.id,
        purpose="personal",
        starts_at=TEN,
        ends_at=TEN + timedelta(hours=1),
        status=status,
    )


def test_the_database_refuses_a_second_waiting_entry_for_the_same_time(session):
    studio, student, other = _taken_studio(session), make_student(session), make_student(session)
    session.add_all([_entry(studio, student, WaitlistStatus.left), _entry(studio, student)])
    session.add(_entry(studio, other))  # someone else may queue for the same time
    session.commit()
    session.add(_entry(studio, student))
    with pytest.raises(IntegrityError):
        session.commit()
    session.rollback()
    waiting = session.exec(
        select(WaitlistEntry).where(WaitlistEntry.status == WaitlistStatus.waiting)
    ).all()
    assert sorted(e.user_id for e in waiting) == sorted([student.id, other.id])


def test_a_request_that_loses_the_race_gets_a_conflict(session):
    """The other request queued between this one's duplicate check and its insert."""
    studio, student = _taken_studio(session), make_student(session)
    session.commit()

    def queue_in_between(state):
        if state.is_select and "booking_waitlist.id" in str(state.statement):
            result = state.invoke_statement()  # the duplicate check finds nothing...
            racing = _entry(studio, student)
            racing.created_at = TEN
            row = racing.model_dump(exclude={"id"})
            session.connection().execute(insert(WaitlistEntry).values(**row))
            return result  # ...and then the racing request's entry lands
        return None

    event.listen(session, "do_orm_execute", queue_in_between)
    form = BookingForm.parse(
        {"date": DAY.isoformat(), "time": "10:00", "minutes": "60", "purpose": "personal"}
    )
    try:
        with pytest.raises(Conflict, match="already on the waitlist"):
            waitlist.join_waitlist(session, actor=student, studio_id=studio.id, form=form)
    finally:
        event.remove(session, "do_orm_execute", queue_in_between)


def test_concurrent_requests_to_queue_for_one_time_make_one_entry(client, session):
    """Eight taken hours; for each in turn, six requests at once to queue for it."""
    studio, student = make_studio(session), make_student(session, locale="en")
    owner = make_student(session)
    hours = [f"{h:02d}:00" for h in range(9, 17)]
    for hhmm in hours:
        make_booking(session, studio=studio, user=owner, starts_at=local(DAY, hhmm))
    session.commit()
    client.login(student.username)

    def join(hhmm):
        form = {"date": DAY.isoformat(), "time": hhmm, "minutes": "60", "purpose": "personal"}
        response = client.post_form(f"/studios/{studio.id}/waitlist", form)
        return response.status_code, response.text

    results = []
    with ThreadPoolExecutor(max_workers=6) as pool:
        for hhmm in hours:
            results.extend(pool.map(join, [hhmm] * 6))
    statuses = sorted(status for status, _ in results)
    assert statuses == [303] * 8 + [409] * 40, [(s, t[-500:]) for s, t in results if s != 409]
    for status, text in results:
        if status == 409:
            assert "You are already on the waitlist for this time." in text
    entries = session.exec(select(WaitlistEntry)).all()
    assert sorted(e.starts_at for e in entries) == [local(DAY, hhmm) for hhmm in hours]
    assert {(e.user_id, e.status) for e in entries} == {(student.id, "waiting")}


@pytest.fixture(params=["sqlite", "postgresql"])
def scratch_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'waitlist.db'}"
    return request.getfixturevalue("pg_server").create_database("chanjiao_waitlist_once")


def _old_row(session, table_name: str, /, **values) -> int:
    """Write a row with only the given columns (a later revision's models have more)."""
    times = {k for k, v in values.items() if isinstance(v, datetime)}
    cols = [column(k, UTCDateTime()) if k in times else column(k) for k in values]
    session.connection().execute(insert(table(table_name, *cols)).values(**values))
    return session.connection().execute(sql(f"SELECT max(id) FROM {table_name}")).scalar_one()


def test_the_migration_keeps_the_earliest_of_duplicates_already_queued(scratch_url):
    migrations.upgrade(scratch_url, f"{WAITING_ONCE_REVISION}-1")
    engine = build_engine(scratch_url)
    with Session(engine, expire_on_commit=False) as session:
        session.info[revisions.UNTRACKED] = True  # no data_revision table yet
        # rows written by column: the models have columns that later revisions add
        student = make_student(session)
        studio_id = _old_row(
            session,
            "studio",
            **dict(name="旧直播间", location="", capacity=6, equipment="", slot_minutes=30),
            **dict(min_minutes=30, max_minutes=240, advance_days=14, buffer_minutes=0),
            **dict(requires_approval=False, is_active=True, created_at=utcnow()),
        )
        for _ in range(3):
            _old_row(
                session,
                "booking_waitlist",
                **dict(studio_id=studio_id, user_id=student.id, purpose="personal", title=""),
                **dict(starts_at=TEN, ends_at=TEN + timedelta(hours=1), status="waiting"),
                created_at=utcnow(),
            )
        session.commit()
    migrations.upgrade(scratch_url)
    with Session(engine) as session:
        rows = session.exec(select(WaitlistEntry).order_by(WaitlistEntry.id)).all()
        assert [e.status for e in rows] == ["waiting", "left", "left"]
        assert all(e.resolved_at is not None for e in rows[1:])
    engine.dispose()
