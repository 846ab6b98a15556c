"""What the benchmarks share: starting the app and the bare baseline under uvicorn,
logging in, and driving a URL with wrk (or a bounded Python load when wrk is missing).
Only 127.0.0.1 is ever targeted."""

import argparse
import contextlib
import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

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
