"""The guidance report is kept per worker until its data changes: a second visit reads no
logs, any committed change (a new log, a renamed team or mentor, from another connection)
shows at once, and its statements do not grow with the number of teams and logs."""

import re

from app.models import User
from app.models.teams import Team
from tests.factories import make_admin, make_teacher
from tests.factories_teams import make_log, make_paired_world, make_pairing, make_team

URL = "/guidance/report"


def _reads_logs(statements) -> bool:
    return any("guidance_log" in s for s in statements)


def _kept_page(client, statement_counter) -> str:
    with statement_counter() as first:
        assert client.get(URL).status_code == 200
    with statement_counter() as second:
        page = client.get(URL)
    assert _reads_logs(first)
    assert not _reads_logs(second), "the second visit computed the report again"
    return page.text


def _total_hours(page: str) -> str:
    return re.search(r'id="total-hours">([^<]+)<', page).group(1)


def test_a_new_log_from_another_connection_shows_at_once(client, session, statement_counter):
    world = make_paired_world(session)
    admin = make_admin(session)
    session.commit()
    client.login(admin.username)
    assert _total_hours(_kept_page(client, statement_counter)) == "3.0"
    make_log(session, world["pairing_a"], minutes=60)
    session.commit()  # the test's own connection: another worker, as far as the app knows
    assert _total_hours(client.get(URL).text) == "4.0"


def test_renamed_teams_and_mentors_show_at_once(client, session, statement_counter):
    world = make_paired_world(session)
    teacher = make_teacher(session)
    session.commit()
    client.login(teacher.username)
    _kept_page(client, statement_counter)
    team = session.get(Team, world["team_a"].id)
    team.name = "改名后的团队"
    mentor = session.get(User, world["mentor_b"].id)
    mentor.full_name = "新名字导师"
    session.add_all([team, mentor])
    session.commit()
    page = client.get(URL).text
    assert "改名后的团队" in page and "新名字导师" in page


def test_the_report_issues_the_same_statements_for_more_teams_and_logs(
    client, session, statement_counter
):
    world = make_paired_world(session)
    admin = make_admin(session)
    session.commit()
    client.login(admin.username)
    with statement_counter() as few:
        assert client.get(URL).status_code == 200
    for _ in range(10):
        team = make_team(session)
        make_log(session, make_pairing(session, team, mentor=world["mentor_a"]))
        make_team(session)  # a quiet one
    session.commit()
    with statement_counter() as many:
        page = client.get(URL)
    assert page.status_code == 200 and _total_hours(page.text) == "18.0"
    assert len(many) == len(few)


def test_mentors_and_students_cannot_open_the_report(client, session):
    world = make_paired_world(session)
    session.commit()
    for person in (world["mentor_a"], world["student_a"]):
        client.login(person.username)
        assert client.get(URL).status_code == 403


def test_a_long_quiet_list_shows_its_first_teams_and_loads_the_rest_on_demand(client, session):
    from app.services.mentoring.report import QUIET_SHOWN

    teams = [make_team(session) for _ in range(QUIET_SHOWN + 5)]
    admin = make_admin(session)
    session.commit()
    client.login(admin.username)
    page = client.get(URL + "?weeks=6").text
    assert page.count('<a href="/teams/') == QUIET_SHOWN
    assert 'id="quiet-teams-more"' in page
    more = re.search(r'hx-get="([^"]+)"[^>]*hx-target="#quiet-teams-section"', page).group(1)
    assert "weeks=6" in more and "all_quiet=1" in more  # keeps the report's period
    part = client.get(more.replace("&amp;", "&"), headers={"HX-Request": "true"})
    assert part.status_code == 200 and "<html" not in part.text
    assert part.text.count('<a href="/teams/') == len(teams)
    assert "quiet-teams-more" not in part.text
    full = client.get(more.replace("&amp;", "&")).text  # without script: the whole page
    assert "<html" in full and full.count('<a href="/teams/') == len(teams)
