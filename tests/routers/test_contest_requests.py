"""A captain's request to enter an edition through the pages: who may send it, the window,
duplicates; staff confirm or decline it on the entry's page; the team sees the outcome."""

from datetime import date

import pytest
from sqlmodel import select

from app.models.contests import Entry, EntryStatus
from tests.factories import make_admin, make_student, make_teacher
from tests.factories_contests import make_edition, make_round, make_track
from tests.factories_teams import make_team


@pytest.fixture
def world(session):
    captain, member, outsider = (make_student(session) for _ in range(3))
    team = make_team(session, members=[(captain, "anchor"), (member, "operation")], captain=captain)
    make_team(session, members=[(outsider, "anchor")], captain=outsider)
    edition = make_edition(session)
    make_round(session, edition=edition)
    track = make_track(session, edition=edition, min_members=2)
    session.commit()
    return {
        "captain": captain,
        "member": member,
        "outsider": outsider,
        "team": team,
        "edition": edition,
        "track": track,
        "url": f"/contests/editions/{edition.id}/teams/{team.id}/register",
    }


def _data(w, **extra):
    return {
        "track_id": str(w["track"].id),
        "title": "乡村好物直播",
        "member_ids": [str(w["captain"].id), str(w["member"].id)],
        **extra,
    }


def _entries(session, team):
    session.expire_all()
    return session.exec(select(Entry).where(Entry.team_id == team.id)).all()


def test_the_captain_sees_register_our_team_and_sends_a_request(client, session, world):
    client.login_as(world["captain"])
    page = client.get(f"/contests/editions/{world['edition'].id}")
    assert world["url"] in page.text
    assert client.get(world["url"]).status_code == 200
    response = client.post_form(world["url"], _data(world))
    assert response.status_code == 303
    [entry] = _entries(session, world["team"])
    assert entry.status == EntryStatus.requested
    page = client.get(f"/contests/editions/{world['edition'].id}")
    assert 'data-entry-status="requested"' in page.text and world["url"] not in page.text


def test_members_who_are_not_captain_get_403_and_other_teams_404(client, session, world):
    client.login_as(world["member"])
    assert world["url"] not in client.get(f"/contests/editions/{world['edition'].id}").text
    assert client.get(world["url"]).status_code == 403
    assert client.post_form(world["url"], _data(world)).status_code == 403
    client.login_as(world["outsider"])
    assert client.get(world["url"]).status_code == 404
    assert client.post_form(world["url"], _data(world)).status_code == 404
    assert _entries(session, world["team"]) == []


def test_a_request_outside_the_window_is_refused_beside_the_track(client, session, world):
    edition = world["edition"]
    edition.registration_opens_on = date(2020, 1, 1)
    edition.registration_closes_on = date(2020, 2, 1)
    session.add(edition)
    session.commit()
    client.login_as(world["captain"])
    assert world["url"] not in client.get(f"/contests/editions/{edition.id}").text
    response = client.post_form(world["url"], _data(world), headers={"HX-Request": "true"})
    assert response.status_code == 422
    assert 'id="track_id-error"' in response.text and "2020-02-01" in response.text
    assert _entries(session, world["team"]) == []


def test_the_track_rules_are_named_beside_their_field(client, session, world):
    client.login_as(world["captain"])
    response = client.post_form(
        world["url"],
        _data(world, member_ids=[str(world["captain"].id)]),
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 422 and 'id="member_ids-error"' in response.text


def test_a_second_request_for_the_same_team_and_edition_is_409(client, session, world):
    client.login_as(world["captain"])
    assert client.post_form(world["url"], _data(world)).status_code == 303
    assert client.post_form(world["url"], _data(world)).status_code == 409
    assert len(_entries(session, world["team"])) == 1


def _requested(client, session, world) -> Entry:
    client.login_as(world["captain"])
    client.post_form(world["url"], _data(world))
    [entry] = _entries(session, world["team"])
    return entry


def test_an_admin_confirms_a_request_and_the_team_sees_it_registered(client, session, world):
    entry = _requested(client, session, world)
    admin = make_admin(session)
    session.commit()
    client.login_as(admin)
    edition_page = client.get(f"/contests/editions/{world['edition'].id}")
    assert f'href="/contests/entries/{entry.id}"' in edition_page.text
    assert (
        f"/contests/entries/{entry.id}/confirm" in client.get(f"/contests/entries/{entry.id}").text
    )
    assert client.post_form(f"/contests/entries/{entry.id}/confirm").status_code == 303
    assert client.post_form(f"/contests/entries/{entry.id}/confirm").status_code == 409
    [entry] = _entries(session, world["team"])
    assert entry.status == EntryStatus.registered and entry.decided_by_id == admin.id
    client.login_as(world["captain"])
    page = client.get(f"/contests/editions/{world['edition'].id}")
    assert 'data-entry-status="registered"' in page.text


def test_only_the_entrys_managers_decide_and_students_never_do(client, session, world):
    entry = _requested(client, session, world)
    teacher = make_teacher(session)
    session.commit()
    for user in (teacher, world["captain"]):
        client.login_as(user)
        assert client.post_form(f"/contests/entries/{entry.id}/confirm").status_code == 403
        response = client.post_form(f"/contests/entries/{entry.id}/decline", {"reason": "x"})
        assert response.status_code == 403
    assert _entries(session, world["team"])[0].status == EntryStatus.requested


def test_declining_needs_a_reason_which_the_team_sees(client, session, world):
    entry = _requested(client, session, world)
    admin = make_admin(session)
    session.commit()
    client.login_as(admin)
    url = f"/contests/entries/{entry.id}/decline"
    response = client.post_form(url, {"reason": " "}, headers={"HX-Request": "true"})
    assert response.status_code == 422 and 'id="reason-error"' in response.text
    assert client.post_form(url, {"reason": "项目与赛道不符"}).status_code == 303
    assert _entries(session, world["team"])[0].status == EntryStatus.declined
    client.login_as(world["captain"])
    page = client.get(f"/contests/editions/{world['edition'].id}")
    assert "项目与赛道不符" in page.text and world["url"] in page.text  # may ask again


def _zh_problems(client, url):
    from tests.routers.test_zh_pages import PageText, problems_in

    response = client.get(url)
    assert response.status_code == 200, url
    text = PageText()
    text.feed(response.text)
    return problems_in(text.chunks)


def test_the_request_pages_read_in_chinese_with_labels_not_codes(client, session, world):
    entry = _requested(client, session, world)
    admin = make_admin(session)
    session.commit()
    edition_url = f"/contests/editions/{world['edition'].id}"
    client.cookies.set("cj_lang", "zh_CN")
    assert _zh_problems(client, world["url"]) == set()
    assert _zh_problems(client, edition_url) == set()
    client.login_as(admin)
    client.cookies.set("cj_lang", "zh_CN")
    assert _zh_problems(client, edition_url) == set()
    assert _zh_problems(client, f"/contests/entries/{entry.id}") == set()
    client.post_form(f"/contests/entries/{entry.id}/decline", {"reason": "项目与赛道不符"})
    assert _zh_problems(client, f"/contests/entries/{entry.id}") == set()
    client.login_as(world["captain"])
    client.cookies.set("cj_lang", "zh_CN")
    assert _zh_problems(client, edition_url) == set()
    assert "为本队报名" in client.get(edition_url).text  # read in Chinese indeed
