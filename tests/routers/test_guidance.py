"""Guidance pages: a mentor reaches only their own pairings, by every route and any id."""

import re
from datetime import date

import pytest
from sqlalchemy import func, select
from sqlmodel import SQLModel

from app.main import create_app
from app.models import Role
from app.models.platform_imports import PlatformMapping
from app.models.teams import ActionItem, GuidanceLog, TeamMember
from app.services.platform_imports.imports import create_import
from seeds.loader import SeedReport
from seeds.platform_imports import SAMPLES_DIR
from seeds.platform_imports import seed_catalogue as seed_platform_catalogue
from tests.factories import make_admin
from tests.factories_teams import (
    ensure_posts,
    make_live_session,
    make_log,
    make_paired_world,
    make_pairing,
    make_project,
    make_team,
)
from tests.routers.test_route_sweep import _allowed_roles, _api_routes


def _row_count(session) -> int:
    return sum(
        session.execute(select(func.count()).select_from(table)).scalar_one()
        for table in SQLModel.metadata.sorted_tables
    )


OWNED_PREFIXES = ("/guidance", "/pairings", "/teams")
ID_ROUTES = [
    (route, method)
    for route in _api_routes(create_app().routes)
    if route.path.startswith(OWNED_PREFIXES) and "{" in route.path
    for method in sorted(route.methods - {"HEAD"})
]


def _ids(world) -> dict:
    member = world["member_a"]
    return {
        "pairing_id": world["pairing_a"].id,
        "log_id": world["log_a"].id,
        "action_id": world["action_a"].id,
        "team_id": world["team_a"].id,
        "session_id": world["live_a"].id,
        "member_id": member.id,
        "invitation_id": 999999,
        "import_id": world["import_a"].id,
    }


@pytest.fixture
def world(session):
    w = make_paired_world(session)
    project = make_project(session, w["team_a"])
    w["live_a"] = make_live_session(session, w["team_a"], project, on=date(2025, 10, 1))
    w["action_a"] = session.exec(
        select(ActionItem).where(ActionItem.log_id == w["log_a"].id)
    ).scalar_one()
    w["member_a"] = session.exec(
        select(TeamMember).where(TeamMember.team_id == w["team_a"].id)
    ).scalar_one()
    w["import_a"] = _platform_import(session, w["team_a"], w["student_a"])
    session.commit()
    return w


def _platform_import(session, team, member):
    """A platform export team A uploaded: its preview and save routes are team A's alone."""
    seed_platform_catalogue(session, SeedReport())
    mapping = session.exec(
        select(PlatformMapping).where(PlatformMapping.platform == "douyin")
    ).scalar_one()
    return create_import(
        session,
        user=member,
        team_id=team.id,
        mapping_id=mapping.id,
        filename="export.csv",
        content=(SAMPLES_DIR / "douyin.csv").read_bytes(),
    )


def test_the_id_routes_are_all_covered():
    paths = {route.path for route, _m in ID_ROUTES}
    assert "/guidance/pairings/{pairing_id}/logs/new" in paths
    assert "/guidance/actions/{action_id}/done" in paths
    assert len(ID_ROUTES) >= 20


def test_another_mentor_can_neither_read_nor_write_by_any_route(client, session, world):
    """Every /guidance, /pairings and /teams route with an id, given mentor A's ids, as mentor B:
    404 where mentors may go at all (the pairing looks missing), 403 elsewhere; nothing written."""
    client.login(world["mentor_b"].username)
    data = {
        "held_on": date.today().isoformat(),
        "minutes": "60",
        "mode": "online",
        "action": ["偷偷写入"],
        "done": "1",
        "title": "x",
        "theme": "x",
        "csrf_token": client.csrf,
    }
    before = _row_count(session)
    failures = []
    for route, method in ID_ROUTES:
        url = route.path.format(**_ids(world))
        response = client.request(method, url, data=data, follow_redirects=False)
        expected = 404 if Role.mentor in _allowed_roles(route) else 403
        if response.status_code != expected:
            failures.append((method, url, response.status_code, expected))
    assert not failures
    session.expire_all()
    assert _row_count(session) == before


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/guidance/pairings/{id}"),
        ("GET", "/guidance/pairings/{id}/logs/new"),
        ("POST", "/guidance/pairings/{id}/logs/new"),
        ("GET", "/guidance/logs/{id}"),
        ("POST", "/guidance/logs/{id}/delete"),
    ],
)
def test_guessed_ids_are_not_found(method, path, client, session, world):
    client.login(world["mentor_a"].username)
    top = max(world["pairing_b"].id, world["log_b"].id) + 1
    for guess in (world["pairing_b"].id if "pairings" in path else world["log_b"].id, top, 0):
        response = client.request(
            method,
            path.format(id=guess),
            data={"csrf_token": client.csrf, "minutes": "30"},
            follow_redirects=False,
        )
        assert response.status_code in (404, 422), (path, guess)
        assert response.status_code == 404 or guess == 0


def test_mentor_logs_guidance_and_the_team_acknowledges_and_ticks(
    client, other_client, session, world
):
    client.login(world["mentor_a"].username)
    page = client.get("/guidance")
    assert world["team_a"].name in page.text and world["team_b"].name not in page.text
    form = client.get(f"/guidance/pairings/{world['pairing_a'].id}/logs/new")
    assert form.status_code == 200 and 'name="action"' in form.text
    response = client.post_form(
        f"/guidance/pairings/{world['pairing_a'].id}/logs/new",
        {
            "held_on": date.today().isoformat(),
            "minutes": "120",
            "mode": "in_studio",
            "notes": "直播间话术",
            "action": ["写脚本", "练习逼单", ""],
        },
    )
    assert response.status_code == 303
    log_url = response.headers["location"]
    log_id = int(log_url.rsplit("/", 1)[1])
    other_client.login(world["student_a"].username)
    page = other_client.get(log_url)
    assert "写脚本" in page.text and f'action="/guidance/logs/{log_id}/acknowledge"' in page.text
    assert other_client.post_form(f"/guidance/logs/{log_id}/acknowledge").status_code == 303
    item = (
        session.exec(
            select(ActionItem).where(ActionItem.log_id == log_id).order_by(ActionItem.sort_order)
        )
        .scalars()
        .first()
    )
    assert (
        other_client.post_form(f"/guidance/actions/{item.id}/done", {"done": "1"}).status_code
        == 303
    )
    session.expire_all()
    assert session.get(GuidanceLog, log_id).acknowledged_by_id == world["student_a"].id
    assert session.get(ActionItem, item.id).done_at is not None
    # a student of another team cannot see it
    other_client.login(world["student_b"].username)
    assert other_client.get(log_url).status_code == 404


def test_bad_guidance_input_is_shown_beside_the_fields(client, world):
    client.login(world["mentor_a"].username)
    response = client.post_form(
        f"/guidance/pairings/{world['pairing_a'].id}/logs/new",
        {"held_on": "2999-01-01", "minutes": "-4", "mode": "x", "action": ["y" * 600]},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 422
    for field in ("held_on", "minutes", "mode", "actions"):
        assert f'id="{field}-error"' in response.text


def test_the_mentor_corrects_a_log_and_ticked_items_stay_ticked(
    client, other_client, session, world
):
    log, item = world["log_a"], world["action_a"]
    other_client.login(world["student_a"].username)
    other_client.post_form(f"/guidance/logs/{log.id}/acknowledge")
    other_client.post_form(f"/guidance/actions/{item.id}/done", {"done": "1"})
    client.login(world["mentor_a"].username)
    url = f"/guidance/logs/{log.id}/edit"
    assert f'href="{url}"' in client.get(f"/guidance/logs/{log.id}").text
    form = client.get(url).text
    assert f'value="{item.text}"' in form and 'value="90"' in form

    bad = client.post_form(url, {"held_on": "2999-01-01", "minutes": "0", "mode": "online"})
    assert bad.status_code == 422 and 'id="held_on-error"' in bad.text
    saved = client.post_form(
        url,
        {
            "held_on": log.held_on.isoformat(),
            "minutes": "45",
            "mode": "online",
            "notes": "更正：只讲了选品",
            "action": [item.text, "补拍预热视频"],
        },
    )
    assert saved.status_code == 303
    session.expire_all()
    corrected = session.get(GuidanceLog, log.id)
    assert (corrected.minutes, corrected.notes) == (45, "更正：只讲了选品")
    assert corrected.acknowledged_at is None  # the team is asked to look again
    items = (
        session.exec(
            select(ActionItem).where(ActionItem.log_id == log.id).order_by(ActionItem.sort_order)
        )
        .scalars()
        .all()
    )
    assert [(i.text, i.done_at is not None) for i in items] == [
        (item.text, True),
        ("补拍预热视频", False),
    ]
    # only the author's side corrects: the team and the other mentor cannot
    assert other_client.post_form(url, {"minutes": "1"}).status_code == 403
    client.login(world["mentor_b"].username)
    assert client.get(url).status_code == 404


def test_admin_report_shows_hours_and_exports_xlsx(client, session, world):
    admin = make_admin(session)
    session.commit()
    client.login(admin.username)
    page = client.get("/guidance/report")
    assert page.status_code == 200
    assert re.search(r'id="total-hours">3\.0<', page.text)
    export = client.get("/guidance/report.xlsx")
    assert export.status_code == 200
    assert export.content[:2] == b"PK"


def test_the_guidance_page_issues_a_bounded_number_of_statements(
    client, session, statement_counter
):
    ensure_posts(session)
    w = make_paired_world(session)
    session.commit()
    client.login(w["mentor_a"].username)
    with statement_counter() as few:
        assert client.get("/guidance").status_code == 200
    for _ in range(12):
        team = make_team(session)
        pairing = make_pairing(session, team, mentor=w["mentor_a"])
        make_log(session, pairing, actions=("a", "b"))
    session.commit()
    with statement_counter() as many:
        page = client.get("/guidance")
    assert page.status_code == 200 and page.text.count("/logs/new") == 13
    assert len(many) == len(few) <= 8


def test_ticking_an_action_item_with_htmx_swaps_just_that_item(client, session, world):
    item = world["action_a"]
    client.login(world["student_a"].username)
    page = client.get(f"/guidance/logs/{world['log_a'].id}").text
    assert f'hx-post="/guidance/actions/{item.id}/done"' in page
    response = client.post_form(
        f"/guidance/actions/{item.id}/done", {"done": "1"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    html = response.text.strip()
    assert html.startswith(f'<li id="action-{item.id}"') and "is-done" in html
    assert 'name="done" value="0"' in html  # the button now reopens it
    session.expire_all()
    assert session.get(ActionItem, item.id).done_at is not None


def test_the_pairing_page_issues_the_same_statements_for_more_logs(
    client, session, statement_counter
):
    w = make_paired_world(session)
    session.commit()
    client.login(w["mentor_a"].username)
    url = f"/guidance/pairings/{w['pairing_a'].id}"
    with statement_counter() as few:
        assert client.get(url).status_code == 200
    for _ in range(10):
        make_log(session, w["pairing_a"], actions=("a", "b"))
    session.commit()
    with statement_counter() as many:
        page = client.get(url)
    assert page.status_code == 200 and page.text.count("2 项待办未完成") == 10
    assert len(many) == len(few)
