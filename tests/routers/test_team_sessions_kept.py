"""A team's live-sessions page is kept per worker until its sessions change: a second
visit checks no script again, and any committed change (a script, a rule, a recorded
result, a new session, from another connection) shows at once; its statements do not
grow with the number of sessions."""

import re
from datetime import date

from sqlalchemy import update
from sqlmodel import select

from app.models import Post
from app.models.compliance import AdRule
from app.models.teams import LiveSession, Project, Team, TeamMember
from tests.factories import make_student, make_teacher
from tests.factories_compliance import make_scripted_session, seed_rules
from tests.factories_teams import ensure_posts, make_live_session

SCRIPT = "这款牛肉干是全网最低价！"


def _world(session):
    ensure_posts(session)
    seed_rules(session)
    student, teacher = make_student(session), make_teacher(session)
    live = make_scripted_session(session, script=SCRIPT, members=[(student, "anchor")])
    session.commit()
    return student, teacher, live


def _team_and_project(session, live) -> tuple[Team, Project]:
    project = session.exec(select(Project).where(Project.team_id == live.team_id)).one()
    return session.get(Team, live.team_id), project


def _post(session) -> int:
    return session.exec(select(Post.id).where(Post.code == "traffic")).one()


def _hits(page: str, live) -> str | None:
    found = re.search(rf'/sessions/{live.id}/script">(\d+ \(\d+\))<', page)
    return found.group(1) if found else None


def _kept_page(client, url, statement_counter) -> str:
    with statement_counter() as first:
        assert client.get(url).status_code == 200
    with statement_counter() as second:
        page = client.get(url)
    assert any("ad_rule" in s for s in first)
    assert not any("ad_rule" in s for s in second), "the second visit checked again"
    return page.text


def test_a_changed_script_and_a_changed_rule_show_at_once(client, session, statement_counter):
    student, _teacher, live = _world(session)
    url = f"/teams/{live.team_id}/sessions"
    client.login(student.username)
    assert _hits(_kept_page(client, url, statement_counter), live) == "1 (1)"
    row = session.get(LiveSession, live.id)
    row.script = "全网最低价！国家级产品！"
    session.add(row)
    session.commit()  # the test's own connection: another worker, as far as the app knows
    assert _hits(client.get(url).text, live) == "2 (2)"
    session.exec(update(AdRule).values(is_active=False))
    session.commit()
    assert _hits(client.get(url).text, live) is None


def test_a_new_recorded_session_shows_at_once(client, session, statement_counter):
    _student, teacher, live = _world(session)
    url = f"/teams/{live.team_id}/sessions"
    client.login(teacher.username)
    assert "¥777.00" not in _kept_page(client, url, statement_counter)
    team, project = _team_and_project(session, live)
    make_live_session(session, team, project, on=date(2025, 10, 2), income_fen=77700)
    session.commit()
    assert "¥777.00" in client.get(url).text


def test_the_sessions_page_issues_the_same_statements_for_more_sessions(
    client, session, statement_counter
):
    student, _teacher, live = _world(session)
    url = f"/teams/{live.team_id}/sessions"
    client.login(student.username)
    with statement_counter() as few:
        assert client.get(url).status_code == 200
    team, project = _team_and_project(session, live)
    for n in range(15):
        more = make_live_session(session, team, project, on=date(2025, 10, 1 + n), completed=False)
        more.script = SCRIPT
        session.add(more)
    session.commit()
    with statement_counter() as many:
        page = client.get(url)
    assert page.status_code == 200 and page.text.count("1 (1)") >= 16
    assert len(many) == len(few)


def test_another_teams_student_cannot_see_the_sessions(client, session):
    _student, _teacher, live = _world(session)
    outsider = make_student(session)
    session.commit()
    client.login(outsider.username)
    assert client.get(f"/teams/{live.team_id}/sessions").status_code == 404


def test_the_team_pages_totals_are_kept_and_a_recorded_session_shows_at_once(
    client, session, statement_counter
):
    student, _teacher, live = _world(session)
    team, project = _team_and_project(session, live)
    make_live_session(session, team, project, on=date(2025, 10, 1), income_fen=10000)
    session.commit()
    client.login(student.username)
    url = f"/teams/{team.id}"
    with statement_counter() as first:
        assert "¥100.00" in client.get(url).text
    with statement_counter() as second:
        client.get(url)
    assert len(second) < len(first), "the second visit summed the sessions again"
    make_live_session(session, team, project, on=date(2025, 10, 2), income_fen=67700)
    session.commit()
    assert "¥777.00" in client.get(url).text


def test_the_team_page_issues_the_same_statements_for_more_sessions_logs_and_members(
    client, session, statement_counter
):
    from tests.factories_teams import make_log, make_pairing

    student, _teacher, live = _world(session)
    team, project = _team_and_project(session, live)
    pairing = make_pairing(session, team)
    make_log(session, pairing)
    session.commit()
    client.login(student.username)
    with statement_counter() as few:
        assert client.get(f"/teams/{team.id}").status_code == 200
    for n in range(8):
        make_live_session(session, team, project, on=date(2025, 10, 1 + n))
        make_log(session, pairing, actions=("a", "b"))
        session.add(
            TeamMember(
                team_id=team.id,
                user_id=make_student(session).id,
                post_id=_post(session),
                joined_on=date(2025, 9, 1),
            )
        )
    session.commit()
    with statement_counter() as many:
        page = client.get(f"/teams/{team.id}")
    assert page.status_code == 200 and page.text.count("/guidance/logs/") >= 9
    assert page.text.count("2 项待办未完成") == 8  # each new log's open action items
    assert len(many) <= len(few)  # fewer: the first visit also read the posts (then kept)
