"""The moment a week's booking opens: hundreds of presses at once for one studio.

    .venv/bin/python benchmarks/booking_rush.py [--attempts 400] [--users 35] [--workers 2]

For each database (PostgreSQL only when initdb is installed), builds a fresh database with
one studio and USERS logged-in students, serves the app with uvicorn, then releases
ATTEMPTS booking requests at the same instant (a barrier), each a real htmx POST through
CSRF, the booking rules and the overlap guard, for one-hour slots starting every half hour
of one day: neighbouring slots overlap, so most presses must be refused. Prints p50/p99
latency, bookings made, refusals, errors (5xx or no answer) and the refusals' answer size,
then checks that no two active bookings overlap.

Target (issue 13): p99 < 2 s, 0 errors, 0 overlaps on both databases. Exit code 1 when a
target is missed, 2 when the benchmark could not run.
"""

import argparse
import os
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("SECRET_KEY", "benchmark-secret-key")

import httpx  # noqa: E402
from sqlalchemy import text  # noqa: E402
from sqlmodel import Session  # noqa: E402

from app import migrate as migrations  # noqa: E402
from app.db import build_engine  # noqa: E402
from app.services import clock  # noqa: E402
from benchmarks.bookings import OVERLAPS, CannotRun, login, serve  # noqa: E402
from tests.factories import make_student  # noqa: E402
from tests.factories_studios import make_studio  # noqa: E402
from tests.pg import PostgresServer, find_pg_bin  # noqa: E402

P99_TARGET_MS = 2000.0
SLOT_MINUTES = 60
FIRST_MINUTE, LAST_MINUTE = 8 * 60, 21 * 60  # slots start every half hour in between
BOOKINGS = text("SELECT count(*) FROM booking WHERE status IN ('pending', 'approved')")


@dataclass
class Rush:
    backend: str
    attempts: int
    latencies: list[float] = field(default_factory=list)
    booked: int = 0
    refused: int = 0
    errors: int = 0
    refusal_bytes: list[int] = field(default_factory=list)
    overlaps: int = 0
    rows: int = 0

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000 if ordered else 0.0

    @property
    def met(self) -> bool:
        return self.percentile(0.99) < P99_TARGET_MS and not self.errors and not self.overlaps


def seed(url: str, users: int) -> tuple[int, list[str]]:
    migrations.upgrade(url)
    engine = build_engine(url)
    with Session(engine, expire_on_commit=False) as session:
        studio = make_studio(session, opens="08:00", closes="22:00", slot_minutes=30)
        names = [make_student(session).username for _ in range(users)]
        session.commit()
    engine.dispose()
    return studio.id, names


def attempts(count: int) -> list[dict[str, str]]:
    """COUNT booking forms for overlapping one-hour slots of tomorrow, round robin."""
    day = (clock.today() + timedelta(days=1)).isoformat()
    starts = range(FIRST_MINUTE, LAST_MINUTE + 1, 30)
    forms = [
        {"date": day, "time": clock.hhmm(minute), "minutes": str(SLOT_MINUTES)} for minute in starts
    ]
    return [{**forms[i % len(forms)], "purpose": "personal"} for i in range(count)]


def press_all(rush: Rush, clients: list[httpx.Client], studio_id: int) -> None:
    forms = attempts(rush.attempts)
    barrier = threading.Barrier(len(forms))
    lock = threading.Lock()

    def press(client: httpx.Client, form: dict[str, str]) -> None:
        barrier.wait()
        started = time.monotonic()
        try:
            response = client.post(
                f"/studios/{studio_id}/book", data=form, headers={"HX-Request": "true"}
            )
            status, size = response.status_code, len(response.content)
        except httpx.HTTPError:
            status, size = 0, 0
        elapsed = time.monotonic() - started
        with lock:
            rush.latencies.append(elapsed)
            if status in (200, 303):
                rush.booked += 1
            elif 400 <= status < 500:
                rush.refused += 1
                rush.refusal_bytes.append(size)
            else:
                rush.errors += 1

    threads = [
        threading.Thread(target=press, args=(clients[i % len(clients)], form))
        for i, form in enumerate(forms)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def rush_backend(backend: str, url: str, args, workdir: Path) -> Rush:
    studio_id, names = seed(url, args.users)
    process, base = serve(url, args.workers, workdir / f"{backend}.log")
    rush = Rush(backend, args.attempts)
    clients = []
    try:
        clients = [login(base, name) for name in names]
        press_all(rush, clients, studio_id)
    finally:
        for client in clients:
            client.close()
        process.terminate()
        process.wait(timeout=30)
    engine = build_engine(url)
    with engine.connect() as connection:
        rush.overlaps = connection.execute(OVERLAPS).scalar_one()
        rush.rows = connection.execute(BOOKINGS).scalar_one()
    engine.dispose()
    return rush


def report(rushes: list[Rush], args) -> None:
    print(
        f"Booking rush: {args.attempts} simultaneous presses by {args.users} students, "
        f"one studio, {args.workers} uvicorn workers"
    )
    print(
        f"{'database':<12}{'p50 ms':>9}{'p99 ms':>9}{'booked':>8}{'refused':>9}"
        f"{'errors':>8}{'refusal KiB':>13}{'overlaps':>10}  target"
    )
    for r in rushes:
        size = sum(r.refusal_bytes) / len(r.refusal_bytes) / 1024 if r.refusal_bytes else 0.0
        print(
            f"{r.backend:<12}{r.percentile(0.5):>9.0f}{r.percentile(0.99):>9.0f}{r.booked:>8}"
            f"{r.refused:>9}{r.errors:>8}{size:>13.1f}{r.overlaps:>10}  "
            f"{'PASS' if r.met else 'MISS'}"
        )
        if r.booked != r.rows:
            print(f"  note: {r.booked} presses answered as booked, {r.rows} bookings stored")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--attempts", type=int, default=400)
    parser.add_argument("--users", type=int, default=35)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="chanjiao-bench-rush-"))
    rushes, pg = [], None
    try:
        rushes.append(rush_backend("sqlite", f"sqlite:///{workdir / 'rush.db'}", args, workdir))
        bin_dir = find_pg_bin()
        if bin_dir is None:
            print("PostgreSQL skipped: initdb not found (install postgresql).")
        else:
            pg = PostgresServer(bin_dir)
            pg.start()
            url = pg.create_database("rush")
            rushes.append(rush_backend("postgresql", url, args, workdir))
    except CannotRun as exc:
        print(f"cannot run: {exc}", file=sys.stderr)
        return 2
    finally:
        if pg is not None:
            pg.stop()
    report(rushes, args)
    return 0 if all(r.met for r in rushes) else 1


if __name__ == "__main__":
    sys.exit(main())
