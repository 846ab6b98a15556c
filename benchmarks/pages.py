"""Page throughput and latency of the real app against a bare Starlette + Jinja2 baseline.

    .venv/bin/python benchmarks/pages.py [--scale N] [--duration S] [--connections C]

Builds a fresh SQLite database in a temp dir (migrations + ``seed --demo --scale N``),
serves the app with two uvicorn workers and, beside it, benchmarks/bare_app.py (the
TechEmpower "Fortunes" shape), logs in as the demo admin and drives every page in PAGES
with the same load (wrk, or a bounded Python load generator when wrk is missing).

Target per page: requests/s at least TARGET_RATIO of the bare app's, and p99 below
TARGET_P99_MS, at 64 connections. A missed target is reported (exit code 0); exit code 2
means the benchmark could not run at all. Only 127.0.0.1 is ever targeted.
"""

import argparse
import os
import secrets
import shutil
import signal
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from harness import (
    BENCH_DIR,
    DEMO_LOGIN,
    CannotRun,
    Load,
    Result,
    Server,
    log_in,
    request,
    run_cli,
    start_server,
    wait_until_up,
)

# (name, path) measured as the logged-in demo admin; a third item "anonymous" measures the
# page without the session cookie (the login page redirects a logged-in user), "as:<login>"
# as another demo user.
PAGES: list[tuple[str, ...]] = [
    ("dashboard", "/"),
    ("student dashboard", "/", "as:student1"),
    ("teacher dashboard", "/", "as:teacher1"),
    ("mentor dashboard", "/", "as:mentor1"),
    ("login page", "/login", "anonymous"),
    ("catalogue", "/catalogue"),
    ("people", "/people"),
    ("cohorts", "/cohorts"),
    ("courses", "/courses"),
    ("course page", "/courses/1"),
    ("programme", "/programmes/1/versions/1"),
    ("coverage map", "/programmes/1/versions/1/coverage"),
    ("gap report", "/programmes/1/versions/1/gaps"),
    ("competitions", "/competitions"),
    ("studio week", "/studios/1"),
    ("my bookings", "/bookings"),
    ("day board", "/studios/board"),
    ("teams", "/teams"),
    ("team page", "/teams/1"),
    ("live sessions", "/teams/1/sessions"),
    ("guidance report", "/guidance/report"),
    ("pairings", "/pairings"),
    ("studio week (student)", "/studios/1", "as:student1"),
    ("my bookings (student)", "/bookings", "as:student1"),
    ("team page (student)", "/teams/1", "as:student1"),
    ("portfolio", "/portfolio/37", "as:student1"),
    ("evaluation overview", "/evaluation"),
    ("cohort evaluation", "/evaluation/cohorts/1"),
    ("score sheet", "/judging/30", "as:mentor1"),
    ("guidance logs (mentor)", "/guidance/pairings/1", "as:mentor1"),
]
BARE_PATH = "/fortunes"
TARGET_RATIO = 0.25
TARGET_P99_MS = 100.0


@dataclass
class Row:
    name: str
    path: str
    result: Result | None = None
    note: str = ""
    size: int = 0


# --- the run --------------------------------------------------------------------------------


def measure(load: Load, server: Server, row: Row, cookie: str, args) -> None:
    headers = {"Cookie": cookie} if cookie else {}
    status, _, body = request(server, "GET", row.path, headers=headers)
    if status != 200:
        row.note = f"not available (HTTP {status})"
        return
    row.size = len(body)
    url = server.base_url + row.path
    if args.warmup > 0:
        load.run(url, cookie, args.warmup)
    row.result = load.run(url, cookie, args.duration)
    status = request(server, "GET", row.path, headers=headers)[0]
    if status != 200:  # e.g. the session expired under load
        row.note = f"HTTP {status} after the run"


def verdict(row: Row, bare: Result) -> tuple[str, str]:
    result = row.result
    if result is None:
        return "-", "n/a"
    ratio = result.requests_per_s / bare.requests_per_s if bare.requests_per_s else 0.0
    ok = ratio >= TARGET_RATIO and result.p99_ms < TARGET_P99_MS and result.errors == 0
    return f"{ratio:.2f}", "PASS" if ok else "FAIL"


def print_table(rows: list[Row], bare_row: Row, args, tool: str) -> None:
    bare = bare_row.result
    print()
    print(
        f"{args.connections} connections, {args.duration:g}s per page after {args.warmup:g}s "
        f"warm-up, load by {tool}; target: ratio >= {TARGET_RATIO} and p99 < "
        f"{TARGET_P99_MS:g} ms"
    )
    header = f"{'page':<22} {'path':<22} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} "
    header += f"{'KiB':>6} {'ratio':>6}  result"
    print(header)
    print("-" * len(header))
    for row in [bare_row, *rows]:
        if row.result is None:
            print(f"{row.name:<22} {row.path:<22} {row.note}")
            continue
        r = row.result
        ratio, status = ("1.00", "baseline") if row is bare_row else verdict(row, bare)
        notes = []
        if r.errors:
            notes.append(f"{r.errors} errors")
        if row.note:
            notes.append(row.note)
        extra = f" ({'; '.join(notes)})" if notes else ""
        print(
            f"{row.name:<22} {row.path:<22} {r.requests_per_s:>9.1f} {r.p50_ms:>8.2f} "
            f"{r.p99_ms:>8.2f} {row.size / 1024:>6.1f} {ratio:>6}  {status}{extra}"
        )
    print()


def busy_warning() -> None:
    """Say so when other processes compete for the CPUs: the figures are then noisy."""
    load = os.getloadavg()[0]
    cpus = os.cpu_count() or 1
    if load > cpus:
        print(f"warning: load average {load:.1f} on {cpus} CPUs; other work skews the figures")


def selected_pages(names: list[str] | None) -> list[tuple[str, ...]]:
    if not names:
        return PAGES
    unknown = set(names) - {entry[0] for entry in PAGES}
    if unknown:
        raise SystemExit(f"unknown page(s): {', '.join(sorted(unknown))}")
    return [entry for entry in PAGES if entry[0] in names]


def _interrupt(signum, frame) -> None:
    """SIGTERM behaves like Ctrl-C, so the servers are stopped either way."""
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=5, help="demo data multiplier (seed)")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per page")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds of warm-up load")
    parser.add_argument(
        "--python-load", action="store_true", help="use the Python load generator, not wrk"
    )
    parser.add_argument(
        "--only",
        action="append",
        metavar="NAME",
        help="measure only this page (by name, e.g. --only dashboard); repeatable",
    )
    args = parser.parse_args(argv)
    if not (1 <= args.connections <= 1024 and 0 < args.duration <= 600):
        parser.error("--connections must be 1..1024 and --duration 0..600 seconds")

    signal.signal(signal.SIGTERM, _interrupt)
    workdir = Path(tempfile.mkdtemp(prefix="chanjiao-bench-"))
    servers: list[Server] = []
    try:
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{workdir / 'bench.db'}",
            "SECRET_KEY": secrets.token_urlsafe(32),
            "ENVIRONMENT": "production",
            "PYTHONUNBUFFERED": "1",
        }
        print(f"Building the database (scale {args.scale}) in {workdir}")
        run_cli(["migrate"], env)
        run_cli(["seed", "--demo", "--scale", str(args.scale)], env)
        sys.path.insert(0, str(BENCH_DIR))
        from bare_app import create_database

        bare_db = workdir / "bare.db"
        create_database(str(bare_db))

        app = start_server("app", "app.asgi:app", env, workdir, [])
        servers.append(app)
        bare_env = {**os.environ, "BARE_DB": str(bare_db), "PYTHONUNBUFFERED": "1"}
        bare = start_server(
            "bare", "bare_app:app", bare_env, workdir, ["--app-dir", str(BENCH_DIR)]
        )
        servers.append(bare)
        wait_until_up(app, "/healthz")
        wait_until_up(bare, BARE_PATH)
        session_cookie, anon_cookie = log_in(app)

        load = Load(args)
        tool = "wrk" if load.use_wrk else "a Python load generator (httpx, threads)"
        print(f"app on :{app.port}, bare on :{bare.port}; load by {tool}; {os.cpu_count()} CPUs")
        busy_warning()
        bare_row = Row("bare Starlette+Jinja2", BARE_PATH)
        measure(load, bare, bare_row, "", args)
        if bare_row.result is None:
            raise CannotRun(f"the bare app is not answering: {bare_row.note}")
        rows = []
        cookies = {DEMO_LOGIN[0]: session_cookie}
        for entry in selected_pages(args.only):
            name, path = entry[0], entry[1]
            who = next((item[3:] for item in entry[2:] if item.startswith("as:")), DEMO_LOGIN[0])
            if "anonymous" in entry[2:]:
                cookie = anon_cookie
            else:
                if who not in cookies:
                    cookies[who] = log_in(app, who)[0]
                cookie = cookies[who]
            row = Row(name, path)
            print(f"  measuring {name} ({path})")
            measure(load, app, row, cookie, args)
            rows.append(row)
        print_table(rows, bare_row, args, tool)
        for server in servers:
            if server.process.poll() is not None:
                print(f"warning: {server.name} exited during the run:\n{server.log_tail()}")
        return 0
    except CannotRun as exc:
        print(f"benchmark could not run: {exc}", file=sys.stderr)
        for server in servers:
            print(f"--- {server.name} log (last lines):\n{server.log_tail()}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    finally:
        for server in servers:
            server.stop()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
