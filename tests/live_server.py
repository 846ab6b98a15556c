"""The real app under uvicorn on a free loopback port, and logged-in HTTP clients for it
(for tests that need real concurrency: several requests in flight in one worker)."""

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.pg import free_port

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


def serve(url: str, log_path: Path, *, workers: int = 2, **settings: str):
    """Start uvicorn on ``url``'s database; returns (process, base URL, open log file)."""
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": "race-test-secret-key",
        "ENVIRONMENT": "development",
        **{name.upper(): value for name, value in settings.items()},
    }
    log = log_path.open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "app.asgi:app", "--host", "127.0.0.1",
         "--port", str(port), "--workers", str(workers), "--no-access-log",
         # Clients wait long in the burst: keep their idle keep-alive connections open
         # so a reused connection is never reset under them (uvicorn's default is 5 s).
         "--timeout-keep-alive", "120"],
        cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 40
    while time.monotonic() < deadline:
        assert process.poll() is None, log_path.read_text(errors="replace")
        try:
            if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                return process, base, log
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    process.kill()
    pytest.fail("uvicorn did not start:\n" + log_path.read_text(errors="replace"))


def stop(process, log) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:  # requests still hanging: do not wait them out
        process.kill()
        process.wait(timeout=20)
    log.close()


def login(base: str, username: str, password: str = "test-password") -> httpx.Client:
    """A client logged in as ``username`` that sends the CSRF token as a header."""
    client = httpx.Client(base_url=base, timeout=60, limits=httpx.Limits(max_connections=100))
    token = CSRF_FIELD.search(client.get("/login").text).group(1)
    response = client.post(
        "/login", data={"login": username, "password": password, "csrf_token": token}
    )
    assert response.status_code == 303, response.text[:300]
    page = client.get("/account/password").text
    client.headers["X-CSRF-Token"] = CSRF_FIELD.search(page).group(1)
    return client
