"""Profile one page in-process: SQL statements per request and the top frames.

    DATABASE_URL=sqlite:////tmp/x.db .venv/bin/python benchmarks/profile_page.py PATH \
        [--as LOGIN] [-n 200] [--no-profile] [--form NAME=VALUE ...] [--htmx]

With ``--form`` the request is a POST of those fields (with the CSRF token), e.g. a
refused booking: ``/studios/1/book --as student1 --htmx --form date=... --form time=...``.

Needs a database built with ``python -m app migrate`` and ``python -m app seed --demo``
(the demo password). In-process timing is robust to other work on the machine: it shows
where a page's time goes, not its throughput (that is benchmarks/pages.py).
"""

import argparse
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fastapi.testclient import TestClient  # noqa: E402
from sqlalchemy import event  # noqa: E402

DEMO_PASSWORD = "chanjiao-demo"


def log_in(client: TestClient, login: str) -> None:
    page = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    response = client.post(
        "/login",
        data={"login": login, "password": DEMO_PASSWORD, "csrf_token": token},
        follow_redirects=False,
    )
    if response.status_code != 303:
        raise SystemExit(f"login as {login} gave HTTP {response.status_code}")


def _sender(client: TestClient, args):
    """One request as asked: a GET, or a POST of the --form fields with the CSRF token."""
    headers = {"HX-Request": "true"} if args.htmx else {}
    if not args.form:
        return lambda: client.get(args.path, headers=headers, follow_redirects=False)
    page = client.get("/account/password").text
    headers["X-CSRF-Token"] = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    data = dict(field.split("=", 1) for field in args.form)
    return lambda: client.post(args.path, data=data, headers=headers, follow_redirects=False)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path")
    parser.add_argument("--as", dest="login", default="admin")
    parser.add_argument("-n", type=int, default=200, help="requests to profile")
    parser.add_argument("--no-profile", action="store_true", help="statements and time only")
    parser.add_argument("--form", action="append", default=[], help="POST this NAME=VALUE")
    parser.add_argument("--htmx", action="store_true", help="send HX-Request: true")
    args = parser.parse_args()

    from app import db
    from app.main import create_app

    statements: list[str] = []

    @event.listens_for(db.engine, "before_cursor_execute")
    def _count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    with TestClient(create_app()) as client:
        log_in(client, args.login)
        send = _sender(client, args)
        for _ in range(5):  # warm caches, compiled statements and templates
            response = send()
        statements.clear()
        response = send()
        print(
            f"{'POST' if args.form else 'GET'} {args.path} as {args.login}: "
            f"HTTP {response.status_code}, "
            f"{len(response.content) / 1024:.1f} KiB, {len(statements)} SQL statements"
        )
        for statement in statements:
            print("   ", " ".join(statement.split())[:150])
        profiler = None
        if not args.no_profile:
            from pyinstrument import Profiler

            profiler = Profiler(interval=0.0005)
            profiler.start()
        started, cpu_started = time.perf_counter(), time.process_time()
        for _ in range(args.n):
            send()
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        if profiler is not None:
            profiler.stop()
        # CPU time counts this process only, whatever else the machine runs (on SQLite it
        # includes the database's own work).
        print(
            f"{args.n} requests: {elapsed / args.n * 1000:.2f} ms each (in-process), "
            f"{cpu / args.n * 1000:.2f} ms CPU"
        )
        if profiler is not None:
            print(profiler.output_text(unicode=False, color=False, show_all=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
