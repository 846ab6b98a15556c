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
import contextlib
import http.client
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

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
]
BARE_PATH = "/fortunes"
TARGET_RATIO = 0.25
TARGET_P99_MS = 100.0

HOST = "127.0.0.1"
PROJECT_ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = Path(__file__).resolve().parent
DEMO_LOGIN = ("admin", "chanjiao-demo")
STARTUP_TIMEOUT = 60.0


class CannotRun(Exception):
    """The benchmark cannot produce figures (set-up, server start or login failed)."""


@dataclass
class Result:
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    requests: int = 0
    errors: int = 0  # non-2xx/3xx responses and socket errors
    tool: str = "wrk"


@dataclass
class Row:
    name: str
    path: str
    result: Result | None = None
    note: str = ""
    size: int = 0


@dataclass
class Server:
    name: str
    port: int
    process: subprocess.Popen
    log_path: Path
    extra: dict = field(default_factory=dict)

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def log_tail(self, lines: int = 30) -> str:
        with contextlib.suppress(OSError):
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        return "(no log)"

    def stop(self) -> None:
        """SIGTERM the server's process group (uvicorn and its workers), then SIGKILL."""
        if self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)


# --- set-up ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def run_cli(args: list[str], env: dict[str, str]) -> None:
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "app", *args],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    if result.returncode != 0:
        raise CannotRun(f"python -m app {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    print(f"  python -m app {' '.join(args)}: {time.monotonic() - started:.1f}s")


def start_server(name: str, target: str, env: dict, workdir: Path, extra: list[str]) -> Server:
    port = free_port()
    if port == 8000:  # never 8000 (kept for `make run`)
        port = free_port()
    log_path = workdir / f"{name}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                target,
                *extra,
                "--workers",
                "2",
                "--host",
                HOST,
                "--port",
                str(port),
                "--no-access-log",
            ],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # own process group: stopped as a whole, spared Ctrl-C
        )
    return Server(name, port, process, log_path)


def request(
    server: Server, method: str, path: str, *, headers: dict | None = None, body: str = ""
) -> tuple[int, dict[str, list[str]], bytes]:
    conn = http.client.HTTPConnection(HOST, server.port, timeout=10)
    try:
        conn.request(method, path, body=body or None, headers=headers or {})
        response = conn.getresponse()
        data = response.read()
        header_map: dict[str, list[str]] = {}
        for key, value in response.getheaders():
            header_map.setdefault(key.lower(), []).append(value)
        return response.status, header_map, data
    finally:
        conn.close()


def wait_until_up(server: Server, path: str) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise CannotRun(f"{server.name} exited:\n{server.log_tail()}")
        with contextlib.suppress(OSError, http.client.HTTPException):
            if request(server, "GET", path)[0] == 200:
                return
        time.sleep(0.25)
    raise CannotRun(f"{server.name} did not answer {path} in {STARTUP_TIMEOUT:.0f}s")


def cookies_from(headers: dict[str, list[str]]) -> dict[str, str]:
    jar = SimpleCookie()
    for value in headers.get("set-cookie", []):
        jar.load(value)
    return {name: morsel.value for name, morsel in jar.items() if morsel.value}


def log_in(server: Server, username: str = DEMO_LOGIN[0]) -> tuple[str, str]:
    """Log in as a demo user: (session cookie header, anonymous cookie header)."""
    status, headers, body = request(server, "GET", "/login")
    anon = cookies_from(headers)
    match = re.search(rb'name="csrf_token" value="([^"]+)"', body)
    if status != 200 or "cj_csrf" not in anon or not match:
        raise CannotRun(f"GET /login gave {status} without a CSRF cookie and token")
    anon_cookie = f"cj_csrf={anon['cj_csrf']}"
    form = urllib.parse.urlencode(
        {
            "login": username,
            "password": DEMO_LOGIN[1],
            "csrf_token": match.group(1).decode(),
            "next": "/",
        }
    )
    status, headers, _ = request(
        server,
        "POST",
        "/login",
        body=form,
        headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": anon_cookie},
    )
    session = cookies_from(headers).get("cj_session")
    if status != 303 or not session:
        raise CannotRun(f"POST /login as {username} gave {status} and no session cookie")
    return f"cj_session={session}", anon_cookie


# --- load generation ------------------------------------------------------------------------

_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def _ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()
    return float(number) * _UNITS[unit]


def parse_wrk(output: str) -> Result:
    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    p50 = re.search(r"^\s+50%\s+(\S+)", output, re.M)
    p99 = re.search(r"^\s+99%\s+(\S+)", output, re.M)
    total = re.search(r"(\d+) requests in", output)
    if not (rps and p50 and p99 and total):
        raise ValueError("unexpected wrk output:\n" + output)
    errors = 0
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    if non_2xx:
        errors += int(non_2xx.group(1))
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    if socket_errors:
        errors += sum(int(n) for n in socket_errors.groups())
    return Result(
        float(rps.group(1)), _ms(p50.group(1)), _ms(p99.group(1)), int(total.group(1)), errors
    )


def run_wrk(url: str, cookie: str, duration: float, connections: int, threads: int) -> Result:
    command = [
        "wrk",
        f"-t{max(1, min(threads, connections))}",
        f"-c{connections}",
        f"-d{max(1, round(duration))}s",
        "--latency",
        "--timeout",
        "5s",
    ]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    result = subprocess.run([*command, url], capture_output=True, text=True, timeout=duration + 60)
    if result.returncode != 0:
        raise CannotRun(f"wrk failed: {result.stderr or result.stdout}")
    return parse_wrk(result.stdout)


def run_python_load(url: str, cookie: str, duration: float, connections: int) -> Result:
    """A bounded fallback: `connections` threads with keep-alive httpx clients."""
    import httpx

    deadline = time.monotonic() + duration
    latencies: list[list[float]] = []
    errors = [0]
    lock = threading.Lock()

    def worker() -> None:
        mine: list[float] = []
        failed = 0
        headers = {"Cookie": cookie} if cookie else {}
        with httpx.Client(headers=headers, timeout=5.0, follow_redirects=False) as client:
            while time.monotonic() < deadline:
                started = time.perf_counter()
                try:
                    response = client.get(url)
                    ok = response.status_code < 400
                except httpx.HTTPError:
                    ok = False
                if ok:
                    mine.append((time.perf_counter() - started) * 1000)
                else:
                    failed += 1
        with lock:
            latencies.append(mine)
            errors[0] += failed

    started = time.monotonic()
    workers = [threading.Thread(target=worker, daemon=True) for _ in range(connections)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join(timeout=duration + 15)
    elapsed = time.monotonic() - started
    samples = sorted(x for chunk in latencies for x in chunk)
    if not samples:
        raise CannotRun(f"no successful request to {url}")

    def percentile(p: float) -> float:
        return samples[min(len(samples) - 1, int(p / 100 * len(samples)))]

    return Result(
        len(samples) / elapsed,
        percentile(50),
        percentile(99),
        len(samples),
        errors[0],
        tool="python",
    )


class Load:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.use_wrk = shutil.which("wrk") is not None and not args.python_load

    def run(self, url: str, cookie: str, duration: float) -> Result:
        assert url.startswith(f"http://{HOST}:"), url  # loopback only
        if self.use_wrk:
            return run_wrk(url, cookie, duration, self.args.connections, self.args.threads)
        return run_python_load(url, cookie, duration, self.args.connections)


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
    header = f"{'page':<22} {'path':<14} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} "
    header += f"{'KiB':>6} {'ratio':>6}  result"
    print(header)
    print("-" * len(header))
    for row in [bare_row, *rows]:
        if row.result is None:
            print(f"{row.name:<22} {row.path:<14} {row.note}")
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
            f"{row.name:<22} {row.path:<14} {r.requests_per_s:>9.1f} {r.p50_ms:>8.2f} "
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
