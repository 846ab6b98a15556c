"""Every page a student, a mentor or the public can reach fits a 390 px phone screen: no
sideways scrolling of the document (a wide table may scroll inside its own box).

The pages are found by walking the demo data's links from each person's home page, one
page per route (and per query shape), starting from the app's own GET routes; a route the
person may open that the walk did not reach fails the test unless listed in UNREACHED
with the reason. Set CHANJIAO_PHONE_SHOTS=1 to keep a screenshot of every page in
test-artifacts/phone/.
"""

import os
import re
from collections import deque
from urllib.parse import parse_qsl, urlsplit

import pytest

from tests.e2e.conftest import ARTIFACTS_DIR
from tests.e2e.helpers import log_in
from tests.routers.test_route_sweep import ROUTES, _allowed_roles

pytestmark = pytest.mark.e2e

WIDTH, HEIGHT = 390, 844
DEMO_PASSWORD = "chanjiao-demo"  # seeds/demo/people.json
MAX_PAGES = 300
KEEP_SHOTS = os.environ.get("CHANJIAO_PHONE_SHOTS") == "1"
# Files, feeds and images, not pages.
NOT_PAGES = re.compile(r"(\.(csv|xlsx|pdf|ics)$)|(/photo$)|(/download$)|(^/healthz$)")
# Query values change the data shown, not the layout: one page per set of query names
# (and per ``view``, which does change the layout) is enough.
LAYOUT_KEYS = {"view"}
# Routes a person's role may open that the demo person cannot reach, and why.
UNREACHED = {
    "mentor": {
        "/portfolio/{student_id}": "mentor1 is not paired with a team whose portfolios link here",
        "/certificates/awards/{award_id}": "no award of a student mentor1 may see",
    },
}


def _pattern(path: str) -> str:
    regex = re.sub(r"\{[^}:]+(:int)?\}", lambda m: r"\d+" if m.group(1) else r"[^/]+", path)
    return "^" + regex + "$"


def _page_routes(role: str | None) -> dict[str, re.Pattern]:
    """The GET routes ``role`` may open (None: anonymous), path template -> regex."""
    from app.routers import PUBLIC_PATHS

    found = {}
    for route, method in ROUTES:
        if method != "GET" or NOT_PAGES.search(route.path):
            continue
        allowed = _allowed_roles(route)
        public = route.path in PUBLIC_PATHS
        if (role is None and public) or (role is not None and allowed and role in allowed):
            found[route.path] = re.compile(_pattern(route.path))
    return found


def _route_of(path: str, routes: dict[str, re.Pattern]) -> str | None:
    # A literal segment wins over a parameter (/studios/board before /studios/{id}).
    matches = [template for template, regex in routes.items() if regex.match(path)]
    return min(matches, key=lambda t: t.count("{"), default=None)


def _key(template: str, query: str) -> tuple:
    params = dict(parse_qsl(query))
    layout = tuple(sorted((k, v) for k, v in params.items() if k in LAYOUT_KEYS))
    return template, tuple(sorted(params)), layout


WIDEST_JS = """(limit) => {
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.right > limit + 1 && r.width > 0) {
      const name = typeof el.className === 'string' ? el.className.trim() : '';
      const cls = name ? '.' + name.split(/\\s+/).join('.') : '';
      out.push(`${el.tagName.toLowerCase()}${cls} right=${Math.round(r.right)}`);
    }
  }
  return out.slice(0, 4);
}"""


# Text squeezed into a column a character or two wide (one character per line).
CRUSHED_JS = """() => {
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    const own = [...el.childNodes].filter(n => n.nodeType === 3)
      .map(n => n.textContent.trim()).join('');
    if (own.length < 4) continue;
    const r = el.getBoundingClientRect();
    const size = parseFloat(getComputedStyle(el).fontSize);
    if (el.getClientRects().length && r.width < 2.5 * size && r.height > 3.5 * size) {
      out.push(`${el.tagName.toLowerCase()} "${own.slice(0, 12)}" ${Math.round(r.width)}px wide`);
    }
  }
  return out.slice(0, 4);
}"""


def _walk(page, role: str | None, start: list[str]) -> tuple[set[str], list[str]]:
    """Open every page reachable by links from ``start``; (routes seen, offenders)."""
    routes = _page_routes(role)
    queue, seen_keys, seen_routes, offenders = deque(start), set(), set(), []
    opened: set[str] = set()
    origin = urlsplit(page.url).netloc if page.url.startswith("http") else ""
    while queue and len(seen_keys) < MAX_PAGES:
        url = queue.popleft()
        parts = urlsplit(url)
        template = _route_of(parts.path, routes)
        key = _key(template, parts.query) if template else None
        if key is None or key in seen_keys or url in opened:
            continue
        opened.add(url)
        response = page.goto(url)
        if response is None or response.status != 200:
            continue  # another link to the same route may work
        seen_keys.add(key)
        if "text/html" not in response.headers.get("content-type", ""):
            continue
        seen_routes.add(template)
        width = page.evaluate("() => document.documentElement.scrollWidth")
        if KEEP_SHOTS or width > WIDTH + 1 or page.evaluate(CRUSHED_JS):
            shots = ARTIFACTS_DIR / "phone"
            shots.mkdir(parents=True, exist_ok=True)
            name = re.sub(r"[^\w.-]+", "_", f"{role or 'public'}{url}").strip("_")[:120]
            page.screenshot(path=str(shots / f"{name}.png"), full_page=True)
        if width > WIDTH + 1:
            widest = page.evaluate(WIDEST_JS, WIDTH)
            offenders.append(f"{role or 'public'} {url}: scrollWidth {width} ({'; '.join(widest)})")
        crushed = page.evaluate(CRUSHED_JS)
        if crushed:
            offenders.append(f"{role or 'public'} {url}: text in a sliver ({'; '.join(crushed)})")
        for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)"):
            link = urlsplit(href)
            if link.scheme in ("http", "https") and (not origin or link.netloc == origin):
                queue.append(link.path + (f"?{link.query}" if link.query else ""))
    return seen_routes, offenders


def _verification_codes(server) -> list[str]:
    from sqlmodel import select

    from app.models.certificates import CertificateAward

    with server.session() as session:
        codes = session.exec(select(CertificateAward.verification_code)).all()
    assert codes, "the demo data has no certificates to verify"
    return list(codes)


def _extra_start(server, role: str | None) -> list[str]:
    """Pages no link leads to: the QR check-in page, a skill, a student's own evaluation."""
    from sqlmodel import select

    from app.models import User
    from app.models.catalogue import Skill
    from app.models.contests import Edition, Round
    from app.models.teams import Team

    with server.session() as session:
        skill_id = session.exec(select(Skill.id)).first()
        student_id = session.exec(select(User.id).where(User.username == "student1")).one()
        team_id = session.exec(select(Team.id).where(Team.captain_id == student_id)).first()
        edition_id = session.exec(select(Edition.id).order_by(Edition.id.desc())).first()
        published = session.exec(select(Round.id).where(Round.published_at.is_not(None))).first()
    common = [f"/catalogue/skills/{skill_id}"]
    if role == "student":  # the check-in page opens by scanning the studio's QR code; the
        # captain's request form from the open edition's page (the walk reads two per route)
        # (one page per route: its back link makes the open edition the edition page seen,
        # whose round is not published yet, so the published results are opened too)
        register = f"/contests/editions/{edition_id}/teams/{team_id}/register"
        results = f"/contests/rounds/{published}/results"
        return [
            *common,
            "/studios/1/checkin",
            f"/evaluation/students/{student_id}",
            register,
            results,
        ]
    return [*common, "/exams"]  # an examiner's list: no menu link for mentors


def _phone(browser, server):
    context = browser.new_context(
        viewport={"width": WIDTH, "height": HEIGHT},
        locale="zh-CN",
        base_url=server.base_url,
        is_mobile=True,
        has_touch=True,
        device_scale_factor=2,
    )
    context.set_default_timeout(10_000)
    return context


@pytest.mark.parametrize("role", ["student", "mentor", None], ids=["student", "mentor", "public"])
def test_every_page_fits_a_390px_phone(browser, demo_server, role):
    context = _phone(browser, demo_server)
    try:
        page = context.new_page()
        page.goto("/login")
        if role is None:
            codes = _verification_codes(demo_server)
            start = ["/login", "/verify", "/verify/NOSUCHCODE", *(f"/verify/{c}" for c in codes)]
        else:
            log_in(page, f"{role}1", DEMO_PASSWORD)
            start = ["/", *_extra_start(demo_server, role)]
        seen, offenders = _walk(page, role, start)
    finally:
        context.close()
    missed = sorted(set(_page_routes(role)) - seen - set(UNREACHED.get(role, {})))
    print(f"\n{role or 'public'}: {len(seen)} routes opened at {WIDTH} px")
    for line in offenders:
        print("  wider than the phone:", line)
    assert not offenders, "pages wider than a 390 px phone:\n" + "\n".join(offenders)
    assert not missed, f"{role or 'public'} may open these routes but the walk never did: {missed}"


def test_the_week_grid_swipes_a_day_at_a_time_with_the_times_in_view(make_page, live_server):
    from tests.factories_studios import make_studio, next_weekday

    with live_server.session() as session:
        studio = make_studio(session, name="手机直播间")
        session.commit()
    student = live_server.create_user(role="student")
    monday = next_weekday(0)
    page = make_page(WIDTH, HEIGHT)
    page.goto("/login")
    log_in(page, student.username, "e2e-password-123")
    page.goto(f"/studios/{studio.id}?week={monday.isoformat()}")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= WIDTH + 1
    time_head = page.locator(".cal thead th.cal-time")
    days = page.locator(".cal thead th:not(.cal-time)")
    assert days.count() == 7
    for n in range(7):
        days.nth(n).evaluate("el => el.scrollIntoView({inline: 'start', block: 'nearest'})")
        page.wait_for_timeout(50)  # let the scroll snap settle
        time_box, day_box = time_head.bounding_box(), days.nth(n).bounding_box()
        assert time_box["x"] >= 0, f"the time column scrolled away on day {n + 1}"
        assert day_box["width"] >= 120, f"day {n + 1} is {day_box['width']:.0f} px wide"
        assert day_box["x"] >= time_box["x"] + time_box["width"] - 1, f"day {n + 1} hides"
        assert day_box["x"] + day_box["width"] <= WIDTH + 1, f"day {n + 1} is cut off"
    page.screenshot(path=str(ARTIFACTS_DIR / "phone-week-grid-sunday.png"))
