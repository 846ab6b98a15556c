"""Browser tests: Debian's Chromium, driven by Playwright, against the real app in a subprocess.

The live server gets its own SQLite database in a temp dir (migrated and seeded with the
catalogue by the CLI), so these tests never touch the `database_url`-parametrised fixtures
of tests/conftest.py. Tests create the people they need with ``live_server.create_user``.

Missing Chromium or Playwright skips these tests, unless CI=true or CHANJIAO_REQUIRE_ALL=1,
where it fails them. A failing test leaves test-artifacts/<test name>.png behind.
"""

import itertools
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

PROJECT_ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS_DIR = PROJECT_ROOT / "test-artifacts"
CHROMIUM = os.environ.get("CHANJIAO_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
REQUIRE_ALL = os.environ.get("CI") == "true" or os.environ.get("CHANJIAO_REQUIRE_ALL") == "1"
SECRET_KEY = "e2e-secret-key-not-for-production"
DEFAULT_PASSWORD = "e2e-password-123"
STARTUP_TIMEOUT = 30.0
_E2E_DIR = Path(__file__).resolve().parent


def _missing(message: str) -> None:
    """Skip, or fail when every leg of the suite is required (CI)."""
    if REQUIRE_ALL:
        pytest.fail(message + " — browser tests are required (CI=true / CHANJIAO_REQUIRE_ALL=1)")
    pytest.skip(message)


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- pytest hooks ---------------------------------------------------------------------------


def pytest_collection_modifyitems(config, items) -> None:
    """Everything under tests/e2e carries the e2e marker (so `-m "not e2e"` skips it)."""
    for item in items:
        if _E2E_DIR in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.e2e)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the item (rep_setup, rep_call, rep_teardown)."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


# --- the live server ------------------------------------------------------------------------


@dataclass
class LiveServer:
    base_url: str
    database_url: str
    log_path: Path
    process: subprocess.Popen
    _engine: Engine | None = field(default=None, repr=False)
    _seq: itertools.count = field(default_factory=lambda: itertools.count(1), repr=False)

    def url(self, path: str = "/") -> str:
        return self.base_url + path

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            from app.db import build_engine

            self._engine = build_engine(self.database_url)
        return self._engine

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A write session on the live server's database; commit what the app must see."""
        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    def create_user(
        self,
        *,
        role: str = "admin",
        username: str | None = None,
        password: str = DEFAULT_PASSWORD,
        full_name: str | None = None,
        **fields,
    ):
        """Insert and commit a user (no profile rows); returns the User (password given)."""
        from app.models import User
        from app.security import hash_password

        n = next(self._seq)
        user = User(
            username=username or f"e2e-{role}-{n}",
            full_name=full_name or f"浏览器测试{n}",
            role=role,
            password_hash=hash_password(password),
            **fields,
        )
        with self.session() as session:
            session.add(user)
            session.commit()
        return user

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no server log)"

    def stop(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def _run_cli(args: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "app", *args],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    if result.returncode != 0:
        pytest.fail(
            f"`python -m app {' '.join(args)}` failed ({result.returncode}):\n"
            f"{result.stdout}\n{result.stderr}"
        )


def _wait_for_health(server: LiveServer) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    last_error = ""
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            pytest.fail(
                f"the live server exited with {server.process.returncode}:\n{server.log_tail()}"
            )
        try:
            with urllib.request.urlopen(server.url("/healthz"), timeout=2) as response:
                if response.status == 200:
                    return
                last_error = f"status {response.status}"
        except (urllib.error.URLError, OSError) as exc:
            last_error = str(exc)
        time.sleep(0.2)
    server.stop()
    pytest.fail(f"the live server did not answer /healthz ({last_error}):\n{server.log_tail()}")


@contextmanager
def _serve(seed_args: list[str], prefix: str) -> Iterator[LiveServer]:
    """The real app (uvicorn, one worker) on a free loopback port and its own SQLite file,
    migrated and seeded with ``python -m app seed <seed_args>``."""
    directory = Path(tempfile.mkdtemp(prefix=prefix))
    database_url = f"sqlite:///{directory / 'e2e.db'}"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": SECRET_KEY,
        "ENVIRONMENT": "development",
        "PYTHONUNBUFFERED": "1",
    }
    _run_cli(["migrate"], env)
    _run_cli(["seed", *seed_args], env)
    port = _free_port()
    log_path = directory / "server.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "app.asgi:app",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    server = LiveServer(f"http://127.0.0.1:{port}", database_url, log_path, process)
    _wait_for_health(server)
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture(scope="session")
def live_server() -> Iterator[LiveServer]:
    """The app with the catalogue only; tests create the people they need."""
    with _serve([], "chanjiao-e2e-") as server:
        yield server


@pytest.fixture(scope="session")
def demo_server() -> Iterator[LiveServer]:
    """A second server seeded with the demo data (people, studios, bookings, awards) and
    its logins (seeds/demo/people.json); for sweeps over every page. Tests must not
    change its data."""
    with _serve(["--demo"], "chanjiao-e2e-demo-") as server:
        yield server


# --- the browser ----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium (Playwright cannot download its own browsers here)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("the playwright package is not installed: pip install -e '.[dev]'")
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        _missing(f"Chromium not found at {CHROMIUM}: apt-get install chromium")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _artifact_name(node_name: str) -> str:
    return re.sub(r"[^\w.-]+", "_", node_name).strip("_")


# Chromium asks for /favicon.ico on its own; the app has none yet (reported), so that 404
# is not counted as a page error.
IGNORED_CONSOLE_URLS = ("/favicon.ico",)


def _record_console(message, errors: list[str]) -> None:
    if message.type != "error":
        return
    url = (message.location or {}).get("url", "")
    if url.endswith(IGNORED_CONSOLE_URLS):
        return
    # A form answered with 4xx (validation, wrong password, lockout) is expected; the
    # browser and htmx both log it. 5xx responses are caught by _record_response.
    if re.search(r"status of 4\d\d|Response Status Error Code 4\d\d", message.text):
        return
    errors.append(f"console: {message.text} ({url})")


def _record_response(response, errors: list[str]) -> None:
    if response.status >= 500:
        errors.append(f"response: {response.status} {response.request.method} {response.url}")


@pytest.fixture
def page_errors() -> list[str]:
    """JavaScript errors and console errors (e.g. CSP violations) seen by this test's pages."""
    return []


@pytest.fixture
def make_page(browser, live_server, page_errors, request) -> Iterator[Callable[..., object]]:
    """Open a page in a fresh context (own cookies); screenshots are kept when the test fails."""
    contexts = []

    def _make(width: int = 1366, height: int = 768, locale: str = "zh-CN"):
        context = browser.new_context(
            viewport={"width": width, "height": height},
            locale=locale,
            base_url=live_server.base_url,
        )
        context.set_default_timeout(10_000)
        new_page = context.new_page()
        new_page.on("pageerror", lambda exc: page_errors.append(f"pageerror: {exc}"))
        new_page.on("console", lambda msg: _record_console(msg, page_errors))
        new_page.on("response", lambda response: _record_response(response, page_errors))
        contexts.append((context, new_page))
        return new_page

    yield _make

    failed = any(
        getattr(getattr(request.node, f"rep_{when}", None), "failed", False)
        for when in ("setup", "call")
    )
    name = _artifact_name(request.node.name)
    for index, (context, opened) in enumerate(contexts):
        if failed and not opened.is_closed():
            ARTIFACTS_DIR.mkdir(exist_ok=True)
            suffix = "" if index == 0 else f"-{index + 1}"
            try:
                opened.screenshot(path=str(ARTIFACTS_DIR / f"{name}{suffix}.png"), full_page=True)
            except Exception as exc:  # a screenshot must not hide the real failure
                print(f"could not save a screenshot: {exc}")
        context.close()


@pytest.fixture
def page(make_page):
    """A 1366x768 zh-CN page; its context's base_url is the live server."""
    return make_page()
