"""No kit over-allocated under real concurrency, on both databases.

Real threads, each with its own session and connection, race for the last units of an
item at the same time: exactly the free units are granted and the rest refused with the
message shown beside the quantity. Then the same race with inserts that bypass the
service (no lock taken by the app): the database's trigger alone must hold the line.
Last, the real app under uvicorn (two worker processes) answers a burst of reserve requests
for the last units: exactly those are granted, the rest refused beside the quantity.
"""

import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import Session

from app import db
from app import migrate as migrations
from app.db import build_engine
from app.errors import FormErrors
from app.models.base import utcnow
from app.models.kits import KitReservation
from app.services import clock
from app.services.kits.reservations import reserve_items
from tests.factories import make_student
from tests.factories_kits import in_hours, make_item, make_reservation
from tests.live_server import login, serve, stop

pytestmark = pytest.mark.commits
CONTENDERS = 8


def _race(attempt):
    barrier = threading.Barrier(CONTENDERS)

    def run(n):
        barrier.wait()
        return attempt(n)

    with ThreadPoolExecutor(max_workers=CONTENDERS) as pool:
        return list(pool.map(run, range(CONTENDERS)))


def _held(item_id) -> int:
    with db.open_session() as s:
        query = select(func.coalesce(func.sum(KitReservation.quantity), 0)).where(
            KitReservation.item_id == item_id, KitReservation.status == "reserved"
        )
        return s.execute(query).scalar_one()


def _setup(session, *, total, taken):
    users = [make_student(session) for _ in range(CONTENDERS)]
    item = make_item(session, quantity_total=total)
    make_reservation(session, item=item, user=users[0], quantity=taken)
    session.commit()
    return item, users


def test_concurrent_reservations_get_exactly_the_last_free_units(session, database_url):
    item, users = _setup(session, total=5, taken=2)  # 3 free

    def attempt(n):
        with db.open_session(write=True) as s:
            try:
                reserve_items(
                    s, actor=users[n], wanted={item.id: 1}, starts_at=in_hours(2.5),
                    ends_at=in_hours(3.5), field="quantity",
                )  # fmt: skip
                s.commit()
                return "granted"
            except FormErrors as exc:
                s.rollback()
                return str(exc.errors["quantity"])

    results = _race(attempt)
    assert results.count("granted") == 3, results
    refusals = [r for r in results if r != "granted"]
    assert all("free at that time" in r for r in refusals), refusals
    assert _held(item.id) == 5


def test_the_database_alone_refuses_concurrent_inserts_beyond_the_total(session, database_url):
    item, users = _setup(session, total=4, taken=1)  # 3 free
    now = utcnow()

    def attempt(n):
        row = {
            "item_id": item.id, "user_id": users[n].id, "quantity": 2, "status": "reserved",
            "starts_at": in_hours(2), "ends_at": in_hours(3), "checkout_note": "",
            "return_note": "", "damaged": False, "created_at": now,
        }  # fmt: skip
        with db.open_session(write=True) as s:
            try:
                s.execute(insert(KitReservation), [row])
                s.commit()
                return "granted"
            except (IntegrityError, OperationalError) as exc:
                s.rollback()
                return str(exc.orig)

    results = _race(attempt)
    assert results.count("granted") == 1, results  # 2 of the 3 free; a second 2 would be 5
    assert all("exceeds the units of the item" in r for r in results if r != "granted"), results
    assert _held(item.id) == 3


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh_url(request):
    if request.param == "sqlite":
        directory = Path(tempfile.mkdtemp(prefix="chanjiao-kits-"))
        return f"sqlite:///{directory / 'kits.db'}"
    return request.getfixturevalue("pg_server").create_database("chanjiao_kit_race")


def test_concurrent_requests_to_the_app_reserve_exactly_the_free_units(fresh_url, tmp_path):
    migrations.upgrade(fresh_url)
    engine = build_engine(fresh_url)
    with Session(engine, expire_on_commit=False) as s:
        users = [make_student(s, locale="en") for _ in range(4)]
        item = make_item(s, quantity_total=4)
        make_reservation(
            s, item=item, user=users[0], quantity=1, starts_at=in_hours(24), ends_at=in_hours(26)
        )
        s.commit()
    log_path = tmp_path / "server.log"
    process, base, log = serve(fresh_url, log_path)
    clients = [login(base, user.username) for user in users]
    day = clock.local_date(in_hours(24)).isoformat()
    time_of_day = clock.hhmm(clock.local_minute(in_hours(24)))
    form = {
        "item_id": str(item.id),
        "quantity": "1",
        "date": day,
        "time": time_of_day,
        "minutes": "60",
    }
    try:
        with ThreadPoolExecutor(max_workers=12) as pool:
            jobs = [clients[n % len(clients)] for n in range(12)]
            results = list(pool.map(lambda c: c.post("/kits/reserve", data=form), jobs))
    finally:
        for client in clients:
            client.close()
        stop(process, log)
    statuses = sorted(r.status_code for r in results)
    assert statuses == [303] * 3 + [422] * 9, (statuses, log_path.read_text()[-2000:])
    assert all("free at that time" in r.text for r in results if r.status_code == 422)
    assert "Traceback" not in log_path.read_text(errors="replace")
    with Session(engine) as s:
        held = s.execute(
            select(func.sum(KitReservation.quantity)).where(KitReservation.item_id == item.id)
        ).scalar_one()
    assert held == 4
    engine.dispose()
