"""Pairings (administrators) and teacher–enterprise practice."""

from sqlmodel import select

from app.models.teams import Pairing, PracticeDay
from tests.factories import make_admin, make_mentor, make_teacher
from tests.factories_teams import make_team


def test_admin_pairs_a_team_with_a_teacher_and_a_mentor(client, session):
    admin, teacher, mentor = make_admin(session), make_teacher(session), make_mentor(session)
    team = make_team(session)
    session.commit()
    client.login(admin.username)
    assert client.get("/pairings/new").status_code == 200
    response = client.post_form(
        "/pairings/new",
        {
            "team_id": str(team.id),
            "teacher_id": str(mentor.id),
            "mentor_id": str(teacher.id),
            "starts_on": "2025-09-01",
            "ends_on": "2025-01-01",
        },
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 422
    assert 'id="ends_on-error"' in response.text
    response = client.post_form(
        "/pairings/new",
        {
            "team_id": str(team.id),
            "teacher_id": str(mentor.id),
            "mentor_id": str(teacher.id),
            "starts_on": "2025-09-01",
        },
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 422
    for field in ("teacher_id", "mentor_id"):
        assert f'id="{field}-error"' in response.text
    assert session.exec(select(Pairing)).first() is None
    response = client.post_form(
        "/pairings/new",
        {
            "team_id": str(team.id),
            "teacher_id": str(teacher.id),
            "mentor_id": str(mentor.id),
            "starts_on": "2025-09-01",
            "goals": "三个月内单场 GMV 过万",
        },
    )
    assert response.status_code == 303
    assert team.name in client.get("/pairings").text
    pairing = session.exec(select(Pairing)).one()
    assert client.post_form(f"/pairings/{pairing.id}/end", {"ends_on": ""}).status_code == 303
    session.expire_all()
    assert session.get(Pairing, pairing.id).ends_on is not None


def test_practice_days_are_summarised_per_teacher_per_year(client, other_client, session):
    admin, teacher, other = make_admin(session), make_teacher(session), make_teacher(session)
    session.commit()
    client.login(admin.username)
    for start, end in (("2025-07-01", "2025-07-05"), ("2025-08-10", "2025-08-10")):
        response = client.post_form(
            "/pairings/practice/new",
            {
                "teacher_id": str(teacher.id),
                "enterprise": "温州直播电商产业园",
                "starts_on": start,
                "ends_on": end,
                "content": "跟岗直播运营",
            },
        )
        assert response.status_code == 303
    response = client.post_form(
        "/pairings/practice/new",
        {
            "teacher_id": str(teacher.id),
            "enterprise": "",
            "starts_on": "2025-07-05",
            "ends_on": "2025-07-01",
        },
    )
    assert response.status_code == 422
    assert 'id="enterprise-error"' in response.text and 'id="ends_on-error"' in response.text
    page = client.get("/pairings/enterprise")
    assert f"<td>2025</td><td>{teacher.full_name}</td><td>6</td>" in page.text
    # a teacher records their own practice and sees only their own summary
    other_client.login(other.username)
    response = other_client.post_form(
        "/pairings/practice/new",
        {
            "teacher_id": str(teacher.id),
            "enterprise": "杭州星耀传媒",
            "starts_on": "2025-06-01",
            "ends_on": "2025-06-02",
        },
    )
    assert response.status_code == 303
    rows = session.exec(select(PracticeDay).where(PracticeDay.teacher_id == other.id)).all()
    assert [r.days for r in rows] == [2]
    page = other_client.get("/pairings/enterprise")
    assert teacher.full_name not in page.text


def test_the_list_shows_active_and_ended_pairings_in_the_same_statements_for_more(
    client, session, statement_counter
):
    from datetime import timedelta

    from app.services import clock
    from tests.factories_teams import make_pairing, make_project

    admin = make_admin(session)
    ended_team = make_team(session, name="已结束的队")
    make_pairing(session, ended_team, ends_on=clock.today() - timedelta(days=1))
    session.commit()
    client.login(admin.username)
    with statement_counter() as few:
        page = client.get("/pairings").text
    assert "已结束的队" in page and 'class="badge"' in page and "/end" not in page
    for n in range(10):
        team = make_team(session, name=f"进行中的队{n}")
        make_pairing(session, team, project_id=make_project(session, team).id)
    session.commit()
    with statement_counter() as many:
        page = client.get("/pairings").text
    assert page.count('/end"') == 10 and "进行中的队9的项目" in page
    assert len(many) == len(few)
    active = client.get("/pairings?active=1").text
    assert "进行中的队0" in active and "已结束的队" not in active
