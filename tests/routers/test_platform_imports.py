"""Platform data import pages: staff keep the mappings; a team's member uploads an export,
sees each row's problems, saves the ready rows; nobody else gets in."""

import re
from datetime import date

import pytest
from sqlmodel import func, select

from app.models.platform_imports import PlatformImport, PlatformMapping
from app.models.teams import LiveSession
from seeds import platform_imports as seed_module
from seeds.loader import SeedReport
from tests.factories import make_mentor, make_student, make_teacher
from tests.factories_teams import make_live_session, make_pairing, make_project, make_team

HEADER = "直播开始时间,直播结束时间,成交金额,成交订单数,退款订单数,结算金额,新增粉丝数,最高在线人数"
HEADER += ",累计观看人数,人均观看时长,互动次数,投流消耗"
GOOD = "2025-11-03 20:05,2025-11-03 22:00,1280.50,20,1,1000,12,80,900,01:35,300,50"
BAD = "2025-11-06 20:00,2025-11-06 21:30,500,3,5,400,2,30,200,00:40,10,0"  # refunds > orders


def _csv(*rows: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode("utf-8")


@pytest.fixture
def world(session):
    seed_module.seed_catalogue(session, SeedReport())
    douyin = session.exec(select(PlatformMapping).where(PlatformMapping.platform == "douyin")).one()
    student = make_student(session, locale="en")
    team = make_team(session, members=[(student, "anchor")])
    project = make_project(session, team)
    first = make_live_session(session, team, project, on=date(2025, 11, 3), completed=False)
    second = make_live_session(session, team, project, on=date(2025, 11, 6), completed=False)
    session.commit()
    return {"douyin": douyin, "student": student, "team": team, "first": first, "second": second}


def _upload(client, team_id, content, mapping_id, filename="export.csv"):
    return client.post(
        f"/teams/{team_id}/imports",
        data={"csrf_token": client.csrf, "mapping_id": str(mapping_id)},
        files={"file": (filename, content, "text/csv")},
        follow_redirects=False,
    )


def _preview_url(response, team_id) -> str:
    assert response.status_code == 303, response.text[:800]
    location = response.headers["location"]
    assert re.fullmatch(rf"/teams/{team_id}/imports/\d+", location)
    return location


def _count(session, model) -> int:
    session.expire_all()
    return session.exec(select(func.count()).select_from(model)).one()


def _mapping_data(**overrides) -> dict:
    names = ["actual_start", "actual_end", "gmv", "orders", "refunds", "income"]
    names += ["new_followers", "peak_viewers", "viewers", "avg_watch_seconds"]
    names += ["interactions", "ad_spend"]
    data = dict(zip(names, HEADER.split(","), strict=True))
    data |= {"platform": "douyin", "name": "抖音 · 我的导出", "watch_time_unit": "clock"}
    return data | {"money_unit": "yuan"} | overrides


# --- a member's journey -------------------------------------------------------------------


def test_a_member_uploads_sees_the_bad_row_and_saves_the_good_one(client, session, world):
    team, first, second = world["team"], world["first"], world["second"]
    client.login(world["student"].username)
    page = client.get(f"/teams/{team.id}/sessions")
    assert f'href="/teams/{team.id}/imports"' in page.text
    url = _preview_url(_upload(client, team.id, _csv(GOOD, BAD), world["douyin"].id), team.id)
    preview = client.get(url)
    assert preview.status_code == 200
    assert "Refunds cannot be more than orders." in preview.text
    assert "Save the ready rows (1)" in preview.text
    assert _count(session, LiveSession) == 2
    session.refresh(first)
    assert first.status == "planned"  # viewing wrote nothing

    saved = client.post_form(url + "/save")
    assert saved.status_code == 303
    session.expire_all()
    first, second = session.get(LiveSession, first.id), session.get(LiveSession, second.id)
    assert (first.status, first.gmv_fen, first.avg_watch_seconds) == ("completed", 128050, 95)
    assert second.status == "planned"
    page = client.get(f"/teams/{team.id}/sessions/{first.id}")
    assert "1,280.50" in page.text or "1280.50" in page.text
    again = client.post_form(url + "/save")
    assert again.status_code == 409


def test_a_row_matched_by_hand_is_saved_to_that_session(client, session, world):
    team, second = world["team"], world["second"]
    client.login(world["student"].username)
    late = GOOD.replace("2025-11-03", "2025-11-12")  # no session planned that day
    url = _preview_url(_upload(client, team.id, _csv(late), world["douyin"].id), team.id)
    assert "No session of the team is planned" in client.get(url).text
    response = client.post_form(url + "/match", {"row_line": "2", "row_session": str(second.id)})
    assert response.status_code == 303
    assert client.post_form(url + "/save").status_code == 303
    session.expire_all()
    assert session.get(LiveSession, second.id).gmv_fen == 128050


def test_a_member_discards_an_upload(client, session, world):
    team = world["team"]
    client.login(world["student"].username)
    url = _preview_url(_upload(client, team.id, _csv(GOOD), world["douyin"].id), team.id)
    assert client.post_form(url + "/discard").status_code == 303
    assert _count(session, PlatformImport) == 0
    assert client.get(url).status_code == 404


# --- bad uploads ----------------------------------------------------------------------------


def test_a_file_with_other_headers_is_refused_naming_the_missing_columns(client, session, world):
    team = world["team"]
    client.login(world["student"].username)
    header = HEADER.replace("成交金额", "销售额")
    response = _upload(client, team.id, _csv(GOOD, header=header), world["douyin"].id)
    assert response.status_code == 422
    assert "“成交金额”" in response.text and 'id="file-error"' in response.text
    assert _count(session, PlatformImport) == 0


def test_an_upload_without_a_file_or_a_mapping_is_422(client, session, world):
    team = world["team"]
    client.login(world["student"].username)
    no_file = client.post_form(f"/teams/{team.id}/imports", {"mapping_id": world["douyin"].id})
    assert no_file.status_code == 422 and "Choose the platform" in no_file.text
    no_mapping = _upload(client, team.id, _csv(GOOD), "")
    assert no_mapping.status_code == 422 and 'id="mapping_id-error"' in no_mapping.text
    unknown = _upload(client, team.id, _csv(GOOD), 999999)
    assert unknown.status_code == 422
    neither = client.post_form(f"/teams/{team.id}/imports", {"mapping_id": ""})
    assert neither.status_code == 422
    assert 'id="mapping_id-error"' in neither.text and 'id="file-error"' in neither.text
    not_a_table = _upload(client, team.id, b"%PDF-1.4 whatever", world["douyin"].id, "x.pdf")
    assert not_a_table.status_code == 422
    assert _count(session, PlatformImport) == 0


# --- who gets in ----------------------------------------------------------------------------


def _import_of(client, world) -> str:
    client.login(world["student"].username)
    return _preview_url(
        _upload(client, world["team"].id, _csv(GOOD), world["douyin"].id), world["team"].id
    )


def test_another_teams_student_gets_404_and_writes_nothing(client, other_client, session, world):
    url = _import_of(client, world)
    team = world["team"]
    outsider = make_student(session)
    make_team(session, members=[(outsider, "anchor")])
    session.commit()
    other_client.login(outsider.username)
    assert other_client.get(f"/teams/{team.id}/imports").status_code == 404
    assert other_client.get(url).status_code == 404
    for action in ("/save", "/discard", "/match"):
        assert other_client.post_form(url + action).status_code == 404, action
    assert _upload(other_client, team.id, _csv(GOOD), world["douyin"].id).status_code == 404
    assert _count(session, PlatformImport) == 1
    session.expire_all()
    assert session.get(LiveSession, world["first"].id).status == "planned"


def test_mentors_paired_or_not_are_refused(client, other_client, session, world):
    url = _import_of(client, world)
    paired = make_mentor(session)
    make_pairing(session, world["team"], mentor=paired)
    unpaired = make_mentor(session)
    session.commit()
    for mentor in (unpaired, paired):
        other_client.login(mentor.username)
        assert other_client.get(url).status_code == 403
        assert other_client.post_form(url + "/save").status_code == 403
    assert _count(session, PlatformImport) == 1


def test_anonymous_visitors_are_sent_to_login(client, world):
    for url in (f"/teams/{world['team'].id}/imports", "/imports/mappings"):
        response = client.get(url, follow_redirects=False)
        assert response.headers["location"].startswith("/login?next=")


def test_saving_without_the_csrf_token_is_refused(client, session, world):
    url = _import_of(client, world)
    response = client.post(url + "/save", data={}, follow_redirects=False)
    assert response.status_code == 403
    session.expire_all()
    assert session.get(LiveSession, world["first"].id).status == "planned"


# --- mappings (staff) -----------------------------------------------------------------------


def test_the_mapping_pages_are_for_staff_only(client, session, world):
    mapping = world["douyin"]
    for user in (world["student"], make_mentor(session)):
        session.commit()
        client.login(user.username)
        for url in (
            "/imports/mappings",
            "/imports/mappings/new",
            f"/imports/mappings/{mapping.id}",
        ):
            assert client.get(url).status_code == 403, url
        assert client.post_form(f"/imports/mappings/{mapping.id}/delete").status_code == 403
        assert client.post_form("/imports/mappings/new", _mapping_data()).status_code == 403
    assert _count(session, PlatformMapping) == len(seed_module.mapping_rows())


def test_without_mappings_the_list_says_what_to_do(client, session):
    teacher = make_teacher(session, locale="en")
    session.commit()
    client.login(teacher.username)
    page = client.get("/imports/mappings")
    assert page.status_code == 200 and "No mapping yet" in page.text
    assert 'href="/imports/mappings/new"' in page.text


def test_a_teacher_creates_edits_and_deletes_a_mapping(client, session):
    teacher = make_teacher(session, locale="en")
    session.commit()
    client.login(teacher.username)
    assert 'href="/imports/mappings"' in client.get("/").text  # in the menu
    bad = client.post_form("/imports/mappings/new", _mapping_data(gmv="", refunds="成交订单数"))
    assert bad.status_code == 422
    assert 'id="gmv-error"' in bad.text and 'id="refunds-error"' in bad.text
    assert _count(session, PlatformMapping) == 0
    assert client.post_form("/imports/mappings/new", _mapping_data()).status_code == 303
    mapping = session.exec(select(PlatformMapping)).one()
    edit = client.get(f"/imports/mappings/{mapping.id}")
    assert edit.status_code == 200 and "成交金额" in edit.text and "data-confirm" in edit.text
    changed = _mapping_data(watch_time_unit="seconds", ad_spend="")
    assert client.post_form(f"/imports/mappings/{mapping.id}", changed).status_code == 303
    session.expire_all()
    mapping = session.get(PlatformMapping, mapping.id)
    assert mapping.watch_time_unit == "seconds" and "ad_spend" not in mapping.columns
    assert client.post_form(f"/imports/mappings/{mapping.id}/delete").status_code == 303
    assert _count(session, PlatformMapping) == 0


def test_deleting_a_mapping_keeps_the_uploads_read_with_it(client, session, world):
    url = _import_of(client, world)
    teacher = make_teacher(session, locale="en")
    session.commit()
    client.login(teacher.username)
    mapping_id = world["douyin"].id
    assert (
        "Uploads read with this mapping: 1." in client.get(f"/imports/mappings/{mapping_id}").text
    )
    assert client.post_form(f"/imports/mappings/{mapping_id}/delete").status_code == 303
    preview = client.get(url)
    assert preview.status_code == 200 and world["douyin"].name in preview.text
    assert "Save the ready rows (1)" in preview.text
