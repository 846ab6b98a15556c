"""Booking throughput of the real app on SQLite and PostgreSQL, in one run.

    .venv/bin/python benchmarks/bookings.py [--seconds S] [--clients 1,32] [--workers W]

For each database (PostgreSQL only when initdb is installed: a throw-away server from
tests/pg.py), builds a fresh database (migrations, studios, students), serves the app with
uvicorn on a free loopback port and has 1, then 32, logged-in clients book distinct free
slots as fast as they can: every request is a full POST through CSRF, the booking rules
and the overlap guard. Prints commits/s and latency; checks afterwards that no two active
bookings overlap. Exit code 2 means the benchmark could not run.
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))
os.environ.setdefault("SECRET_KEY", "benchmark-secret-key")

import httpx  # noqa: E402
from sqlalchemy import text  # noqa: E402
from sqlmodel import Session  # noqa: E402

from app import migrate as migrations  # noqa: E402
from app.db import build_engine  # noqa: E402
from app.services import clock  # noqa: E402
from tests.factories import make_student  # noqa: E402
from tests.factories_studios import make_studio  # noqa: E402
from tests.pg import PostgresServer, find_pg_bin, free_port  # noqa: E402

STUDIOS = 12
SLOT = 15  # minutes: 96 slots a day, 14 days ahead, per studio
OVERLAPS = text(
    "SELECT count(*) FROM booking a JOIN booking b ON a.studio_id = b.studio_id AND a.id < b.id "
    "WHERE a.status IN ('pending', 'approved', 'checked_in', 'completed', 'offered') "
    "AND b.status IN ('pending', 'approved', 'checked_in', 'completed', 'offered') "
    "AND a.starts_at < b.blocked_until AND b.starts_at < a.blocked_until"
)


class CannotRun(Exception):
    pass


@dataclass
class Result:
    backend: str
    clients: int
    commits: int
    errors: int
    seconds: float
    latencies: list[float]

    @property
    def rate(self) -> float:
        return self.commits / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        if not self.latencies:
            return 0.0
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000


def seed(url: str, users: int) -> tuple[list[int], list[str]]:
    migrations.upgrade(url)
    engine = build_engine(url)
    with Session(engine, expire_on_commit=False) as session:
        studios = [
            make_studio(
                session, opens="00:00", closes="24:00", slot_minutes=SLOT, min_minutes=SLOT
            ).id
            for _ in range(STUDIOS)
        ]
        names = [make_student(session).username for _ in range(users)]
        session.commit()
    engine.dispose()
    return studios, names


def serve(url: str, workers: int, log_path: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "ENVIRONMENT": "development",
        "BOOKING_STUDENT_WEEKLY_HOURS": "1000000",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "app.asgi:app", "--host", "127.0.0.1",
         "--port", str(port), "--workers", str(workers), "--no-access-log"],
        cwd=PROJECT_ROOT, env=env, stdout=log_path.open("wb"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise CannotRun("the server exited:\n" + log_path.read_text(errors="replace"))
        try:
            if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                return process, base
        except httpx.HTTPError:
            time.sleep(0.2)
    process.kill()
    raise CannotRun("the server did not start")


def login(base: str, username: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=60)
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text).group(1)
    form = {"login": username, "password": "test-password", "csrf_token": token}
    if client.post("/login", data=form).status_code != 303:
        raise CannotRun(f"could not log in as {username}")
    page = client.get("/account/password").text
    client.headers["X-CSRF-Token"] = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    return client


def slot_feed(studios: list[int]):
    """Distinct (studio, date, time) triples, shared by all clients under a lock."""
    lock = threading.Lock()
    first = clock.today() + timedelta(days=1)

    def generate():
        for day in range(13):
            for minute in range(0, 24 * 60, SLOT):
                for studio in studios:
                    yield studio, (first + timedelta(days=day)).isoformat(), clock.hhmm(minute)

    source = generate()

    def take():
        with lock:
            return next(source, None)

    return take


def run_load(backend, clients, take, seconds) -> Result:
    result = Result(backend, len(clients), 0, 0, 0.0, [])
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def worker(client: httpx.Client):
        while time.monotonic() < stop_at:
            job = take()
            if job is None:
                return
            studio, day, hhmm = job
            form = {"date": day, "time": hhmm, "minutes": str(SLOT), "purpose": "personal"}
            started = time.monotonic()
            try:
                status = client.post(f"/studios/{studio}/book", data=form).status_code
            except httpx.HTTPError:
                status = 0
            elapsed = time.monotonic() - started
            with lock:
                result.latencies.append(elapsed)
                if status == 303:
                    result.commits += 1
                else:
                    result.errors += 1

    threads = [threading.Thread(target=worker, args=(c,)) for c in clients]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.seconds = time.monotonic() - began
    return result


def bench_backend(backend: str, url: str, args, workdir: Path) -> list[Result]:
    studios, names = seed(url, max(args.clients))
    process, base = serve(url, args.workers, workdir / f"{backend}.log")
    results = []
    try:
        take = slot_feed(studios)
        for count in args.clients:
            clients = [login(base, name) for name in names[:count]]
            try:
                results.append(run_load(backend, clients, take, args.seconds))
            finally:
                for client in clients:
                    client.close()
    finally:
        process.terminate()
        process.wait(timeout=30)
    engine = build_engine(url)
    with engine.connect() as connection:
        overlaps = connection.execute(OVERLAPS).scalar_one()
    engine.dispose()
    if overlaps:
        raise CannotRun(f"{backend}: {overlaps} overlapping bookings — the guard failed")
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--clients", default="1,32")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    args.clients = [int(n) for n in args.clients.split(",")]
    workdir = Path(tempfile.mkdtemp(prefix="chanjiao-bench-bookings-"))
    results: list[Result] = []
    notes = []
    pg = None
    try:
        results += bench_backend("sqlite", f"sqlite:///{workdir / 'bench.db'}", args, workdir)
        bin_dir = find_pg_bin()
        if bin_dir is None:
            notes.append("PostgreSQL skipped: initdb not found (install postgresql).")
        else:
            pg = PostgresServer(bin_dir)
            pg.start()
            results += bench_backend("postgresql", pg.create_database("bench"), args, workdir)
    except CannotRun as exc:
        print(f"cannot run: {exc}", file=sys.stderr)
        return 2
    finally:
        if pg is not None:
            pg.stop()
    print(f"Booking throughput: {args.workers} uvicorn workers, {args.seconds:g} s per run")
    print(f"{'database':<12}{'clients':>8}{'commits/s':>12}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}")
    for r in results:
        print(
            f"{r.backend:<12}{r.clients:>8}{r.rate:>12.1f}{r.percentile(0.5):>9.1f}"
            f"{r.percentile(0.99):>9.1f}{r.errors:>8}"
        )
    for note in notes:
        print(note)
    print("No overlapping bookings afterwards.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
