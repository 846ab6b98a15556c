"""Every page each role can reach, read in Simplified Chinese: no English interface message
and no raw code (a platform, stage, status or competency code where its label belongs).

Each demo user browses from their dashboard and every page without path parameters,
following links, and every GET route they may use is also tried with id 1; at most two
pages per route. The English messages are the msgids that have Chinese text in the compiled
catalogue; the codes are the values of the models' enums and the catalogue's codes.
"""

import importlib
import json
import pkgutil
import re
from collections import defaultdict
from enum import StrEnum
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from sqlmodel import select

import app.models
import app.services
from app import db
from app.i18n import translations_for
from app.main import create_app
from app.models import Role, User
from seeds.loader import CATALOGUE_DIR
from tests.conftest import WebClient
from tests.routers.conftest import LOGINS
from tests.routers.test_route_sweep import _allowed_roles, _api_routes

PAGES_PER_ROUTE = 2
NOT_PAGES = re.compile(r"\.\w+$|/download$|/photo$|/evidence$")  # files, not pages
# Shown in English on purpose: the brand beside 产教 in the header.
ENGLISH_ON_PURPOSE = {"Chanjiao"}
# Attributes whose text people read (tooltips, placeholders, screen readers, confirmations).
READ_ATTRIBUTES = ("placeholder", "title", "aria-label", "alt", "data-confirm", "hx-confirm")


class PageText(HTMLParser):
    """The text a reader sees: text nodes (not scripts, styles or the contents of text
    fields, which are the user's data), button captions and READ_ATTRIBUTES."""

    def __init__(self) -> None:
        super().__init__()
        self.chunks: list[str] = []
        self.links: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag in ("script", "style", "textarea"):
            self._hidden += 1
        if tag == "a" and values.get("href"):
            self.links.append(values["href"])
        if tag == "input" and values.get("type") in ("submit", "button"):
            self._add(values.get("value"))
        for name in READ_ATTRIBUTES:
            self._add(values.get(name))

    def handle_endtag(self, tag):
        if tag in ("script", "style", "textarea"):
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self._add(data)

    def _add(self, text):
        text = " ".join((text or "").split())
        if text:
            self.chunks.append(text)


def _english_messages() -> tuple[set[str], set[str]]:
    """Msgids with a different zh_CN text: whole messages, and the literal parts (two words
    or more) of messages with parameters. Very short msgids are left out (ambiguous)."""
    catalogue = translations_for("zh_CN")._catalog  # the .po files when the .mo is stale
    whole, parts = set(), set()
    for msgid, text in catalogue.items():
        if not isinstance(msgid, str) or text == msgid or msgid in ENGLISH_ON_PURPOSE:
            continue
        if "%(" in msgid:
            for part in re.split(r"%\(\w+\)[sd]", msgid):
                part = part.strip(" :,;·—-")
                if len(part) >= 8 and " " in part:
                    parts.add(part)
        elif len(msgid) >= 4 and re.search(r"[a-z]", msgid):
            whole.add(msgid)
    return whole, parts


def _codes() -> set[str]:
    """Codes that have a label: the models' enum values (not roles: usernames such as
    'admin' look the same), the keys of the services' label maps (PURPOSE_LABELS,
    STAGE_LABELS...) and the catalogue's post and competency codes."""
    codes = set()
    for info in pkgutil.iter_modules(app.models.__path__):
        module = importlib.import_module(f"app.models.{info.name}")
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, StrEnum) and value is not Role:
                codes.update(member.value for member in value if member.__class__ is value)
    for info in pkgutil.walk_packages(app.services.__path__, "app.services."):
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if name.endswith("_LABELS") and isinstance(value, dict):
                codes.update(key for key in value if isinstance(key, str) and key.isidentifier())
    codes -= set(Role)
    for name in ("posts.json", "competencies.json"):
        data = json.loads((CATALOGUE_DIR / name).read_text(encoding="utf-8"))
        codes.update(item["code"] for item in data)
    return codes


ENGLISH, ENGLISH_PARTS = _english_messages()
CODES = _codes()
ENGLISH_RUN = re.compile(r"[A-Za-z][A-Za-z0-9 ,.;:'’()/?!-]*[A-Za-z0-9.?!)]|[A-Za-z]")
ADDRESS = re.compile(r"\S+@\S+|https?://\S+")


def problems_in(chunks: list[str]) -> set[str]:
    """English messages and raw codes among a page's text."""
    found = set()
    for chunk in chunks:
        if not re.search(r"[A-Za-z]", chunk):
            continue
        if chunk in ENGLISH:
            found.add(f"English: {chunk!r}")
        for run in ENGLISH_RUN.findall(chunk):
            run = run.strip(" ,.;:")
            if run != chunk and (run in ENGLISH or run in ENGLISH_PARTS):
                found.add(f"English: {run!r} in {chunk[:80]!r}")
        for token in re.findall(r"[A-Za-z][A-Za-z0-9_]*", ADDRESS.sub(" ", chunk)):
            if token in CODES:
                found.add(f"code: {token!r} in {chunk[:80]!r}")
    return found


APP = create_app()
GET_ROUTES = [route for route in _api_routes(APP.routes) if "GET" in route.methods]


def _route_of(path: str):
    for route in GET_ROUTES:
        if route.path_regex.match(path):
            return route
    return None


def _browse(client: WebClient, role: Role) -> tuple[dict[str, set[str]], set[str]]:
    """Problems by page, and the route paths whose pages were read."""
    allowed = [r for r in GET_ROUTES if role in (_allowed_roles(r) or set(Role))]
    queue = ["/"] + [r.path for r in allowed if "{" not in r.path]
    queue += [re.sub(r"\{[^}]+\}", "1", r.path) for r in allowed if "{" in r.path]
    seen, per_route, read = set(), defaultdict(int), set()
    problems: dict[str, set[str]] = {}
    while queue:
        url = queue.pop(0)
        path = urlsplit(url).path
        route = _route_of(path)
        if url in seen or route is None or NOT_PAGES.search(route.path):
            continue
        seen.add(url)
        if per_route[route.path] >= PAGES_PER_ROUTE:
            continue
        per_route[route.path] += 1
        response = client.get(url, follow_redirects=False)
        if response.status_code != 200 or "text/html" not in response.headers["content-type"]:
            continue
        read.add(route.path)
        page = PageText()
        page.feed(response.text)
        if found := problems_in(page.chunks):
            problems[url] = found
        for href in page.links:
            link = urlsplit(urljoin(url, href))
            if link.netloc in ("", "testserver") and not link.path.startswith("/static"):
                queue.insert(0, link.path + (f"?{link.query}" if link.query else ""))
    return problems, read


@pytest.fixture(scope="module")
def zh_client(demo_database):
    db.configure_engine(demo_database)
    with db.open_session(write=True) as session:
        for user in session.exec(select(User)).all():
            user.locale = "zh_CN"
            session.add(user)
        session.commit()
    with WebClient(APP, raise_server_exceptions=False) as client:
        yield client


@pytest.mark.parametrize("role", list(LOGINS), ids=str)
def test_every_page_a_role_reaches_is_chinese_with_labels_not_codes(role, zh_client, demo_database):
    db.configure_engine(demo_database)
    with db.open_session() as session:
        user = session.exec(select(User).where(User.username == LOGINS[role])).one()
    zh_client.login_as(user)
    problems, read = _browse(zh_client, role)
    assert "/" in read and len(read) >= 10, f"too few pages read: {sorted(read)}"
    listing = "\n".join(f"{url}: {sorted(found)}" for url, found in sorted(problems.items()))
    assert not problems, f"{len(problems)} pages with English or codes:\n{listing}"


def test_the_checks_catch_english_messages_and_codes():
    assert problems_in(["Wrong username or password, or the account is disabled."])
    assert problems_in(["douyin · cj_demo_1_1"])
    assert problems_in(["相关岗位： Club"])
    assert not problems_in(["产教 Chanjiao", "ANC-01 商品讲解", "我的账号: admin", "cj_demo_1_1"])


@pytest.mark.parametrize("role", [Role.student, Role.mentor], ids=str)
def test_error_pages_are_chinese(role, zh_client, demo_database):
    db.configure_engine(demo_database)
    with db.open_session() as session:
        user = session.exec(select(User).where(User.username == LOGINS[role])).one()
    zh_client.login_as(user)
    for url, status in (("/no-such-page", 404), ("/people", 403), ("/people/999999", 403)):
        response = zh_client.get(url)
        assert response.status_code == status, url
        page = PageText()
        page.feed(response.text)
        assert not problems_in(page.chunks), (url, problems_in(page.chunks))
        assert re.search(r"[\u4e00-\u9fff]", response.text)
