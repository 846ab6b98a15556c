"""The baseline for benchmarks/pages.py: bare Starlette + Jinja2 + stdlib sqlite3.

The TechEmpower "Fortunes" shape: read a dozen rows, add one, sort, render an HTML table
through an autoescaping Jinja2 template. The endpoint is a plain ``def`` (run in the
thread pool, like the app's routes), with one SQLite connection per thread.

    BARE_DB=/tmp/bare.db python -m uvicorn benchmarks.bare_app:app --workers 2 --no-access-log

The database file is created (and filled) on first use when it does not exist yet.
"""

import os
import sqlite3
import threading

import jinja2
from starlette.applications import Starlette
from starlette.responses import HTMLResponse
from starlette.routing import Route

DB_PATH = os.environ.get("BARE_DB", "bare.db")
MESSAGES = [
    "fortune: No such file or directory",
    "A computer scientist is someone who fixes things that aren't broken.",
    "After enough decimal places, nobody gives a damn.",
    "A bad random number generator: 1, 1, 1, 1, 1, 4.33e+67, 1, 1, 1",
    "A computer program does what you tell it to do, not what you want it to do.",
    "Emacs is a nice operating system, but I prefer UNIX. — Tom Christaensen",
    "Any program that runs right is obsolete.",
    "A list is only as strong as its weakest link. — Donald Knuth",
    "Feature: A bug with seniority.",
    "Computers make very fast, very accurate mistakes.",
    '<script>alert("This should not be displayed in a browser alert box.");</script>',
    "フレームワークのベンチマーク",
]
TEMPLATE = jinja2.Environment(autoescape=True).from_string(
    """<!doctype html>
<html><head><title>Fortunes</title></head>
<body><table><tr><th>id</th><th>message</th></tr>
{% for id, message in fortunes %}<tr><td>{{ id }}</td><td>{{ message }}</td></tr>
{% endfor %}</table></body></html>"""
)
_local = threading.local()
_create_lock = threading.Lock()


def create_database(path: str) -> None:
    """Create the fortune table with its twelve rows (idempotent)."""
    with _create_lock, sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS fortune (id INTEGER PRIMARY KEY, message TEXT)")
        if conn.execute("SELECT count(*) FROM fortune").fetchone()[0] == 0:
            conn.executemany(
                "INSERT INTO fortune (id, message) VALUES (?, ?)",
                list(enumerate(MESSAGES, start=1)),
            )


def _connection() -> sqlite3.Connection:
    conn = getattr(_local, "conn", None)
    if conn is None:
        if not os.path.exists(DB_PATH):
            create_database(DB_PATH)
        conn = sqlite3.connect(DB_PATH)
        _local.conn = conn
    return conn


def fortunes(request) -> HTMLResponse:
    rows = _connection().execute("SELECT id, message FROM fortune").fetchall()
    rows.append((0, "Additional fortune added at request time."))
    rows.sort(key=lambda row: row[1])
    return HTMLResponse(TEMPLATE.render(fortunes=rows))


app = Starlette(routes=[Route("/fortunes", fortunes)])
