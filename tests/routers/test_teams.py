"""Team pages: who sees what, creating and managing teams, projects and live sessions."""

from datetime import date, timedelta

from sqlmodel import select

from app.models.studios import Booking
from app.models.teams import LiveSession, Team, TeamCohort, TeamInvitation, TeamMember
from app.schemas.teams import InvitationForm, MemberForm
from app.services import clock
from app.services.teams import members as member_service
from tests.factories import make_admin, make_cohort, make_student, make_teacher
from tests.factories_studios import local, make_booking, make_studio, next_weekday
from tests.factories_teams import (
    ensure_posts,
    make_live_session,
    make_pairing,
    make_project,
    make_team,
)


def test_a_teacher_creates_a_team_and_adds_a_member(client, session):
    ensure_posts(session)
    teacher, student = make_teacher(session), make_student(session)
    session.commit()
    client.login(teacher.username)
    assert client.get("/teams/new").status_code == 200
    response = client.post_form("/teams/new", {"name": "晨曦直播队", "stage": "academy"})
    assert response.status_code == 303
    team = session.exec(select(Team).where(Team.name == "晨曦直播队")).one()
    response = client.post_form(
        f"/teams/{team.id}/members", {"student": student.username, "post": "anchor"}
    )
    assert response.status_code == 303
    page = client.get(f"/teams/{team.id}")
    assert student.full_name in page.text
    assert '<p class="notice" role="status">' in page.text  # uncovered core posts


def test_bad_team_input_gets_messages_beside_the_fields_and_writes_nothing(client, session):
    teacher = make_teacher(session)
    make_team(session, name="重名队")
    session.commit()
    client.login(teacher.username)
    response = client.post_form(
        "/teams/new", {"name": "", "stage": "moon"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 422
    assert 'id="name-error"' in response.text and 'id="stage-error"' in response.text
    response = client.post_form("/teams/new", {"name": "重名队"}, headers={"HX-Request": "true"})
    assert response.status_code == 422 and 'id="name-error"' in response.text
    assert len(session.exec(select(Team)).all()) == 1
    team = session.exec(select(Team)).one()
    response = client.post_form(f"/teams/{team.id}/members", {"student": "nobody", "post": ""})
    assert response.status_code == 422
    assert 'id="student-error"' in response.text and 'id="post-error"' in response.text


def test_students_and_mentors_reach_only_their_teams(client, session):
    ensure_posts(session)
    alice, bob = make_student(session), make_student(session)
    mine = make_team(session, members=[(alice, "anchor")])
    other = make_team(session, members=[(bob, "anchor")])
    pairing = make_pairing(session, other)
    session.commit()
    client.login(alice.username)
    listing = client.get("/teams")
    assert mine.name in listing.text and other.name not in listing.text
    for path in ("", "/project", "/sessions"):
        assert client.get(f"/teams/{other.id}{path}").status_code == 404
    assert client.get(f"/teams/{mine.id}").status_code == 200
    from app.models import User

    mentor = session.get(User, pairing.mentor_id)
    client.login(mentor.username)
    assert client.get(f"/teams/{other.id}").status_code == 200
    assert client.get(f"/teams/{mine.id}").status_code == 404


def test_a_member_records_a_session_and_impossible_numbers_are_refused(client, session):
    ensure_posts(session)
    student = make_student(session)
    team = make_team(session, members=[(student, "anchor")])
    make_project(session, team)
    session.commit()
    client.login(student.username)
    assert client.get(f"/teams/{team.id}/sessions/new").status_code == 200
    response = client.post_form(
        f"/teams/{team.id}/sessions/new",
        {
            "theme": "双十一预热",
            "planned_start": f"{clock.today() + timedelta(days=1)}T19:00",
            "planned_minutes": "90",
            "gmv_target": "3000",
            "product_name": ["围巾"],
            "product_price": ["39.9"],
            "role_user": [str(student.id)],
            "role_post": [""],
        },
    )
    assert response.status_code == 303, response.text[:300]
    live = session.exec(select(LiveSession)).one()
    aired = clock.today() - timedelta(days=1)  # the broadcast took place: move the plan back
    live.planned_start = clock.local_instant(aired, 19 * 60)
    session.add(live)
    session.commit()
    url = f"/teams/{team.id}/sessions/{live.id}/result"
    bad = {
        "actual_start": f"{aired}T19:00",
        "actual_end": f"{aired}T18:00",
        "gmv": "-5",
        "orders": "3",
        "refunds": "4",
        "income": "-1",
        "new_followers": "-2",
        "peak_viewers": "-9",
    }
    response = client.post_form(url, bad, headers={"HX-Request": "true"})
    assert response.status_code == 422
    for field in ("actual_end", "gmv", "refunds", "income", "new_followers", "peak_viewers"):
        assert f'id="{field}-error"' in response.text, field
    session.expire_all()
    assert session.get(LiveSession, live.id).status == "planned"
    good = {
        **bad,
        "actual_end": f"{aired}T20:30",
        "gmv": "4200",
        "refunds": "1",
        "income": "630",
        "new_followers": "12",
        "peak_viewers": "88",
    }
    assert client.post_form(url, good).status_code == 303
    page = client.get(f"/teams/{team.id}/sessions")
    assert "<svg viewBox" in page.text and "¥630.00" in page.text and "style=" not in page.text


def test_a_mentor_cannot_record_sessions_even_for_a_paired_team(client, session):
    ensure_posts(session)
    team = make_team(session)
    make_project(session, team)
    pairing = make_pairing(session, team)
    session.commit()
    from app.models import User

    client.login(session.get(User, pairing.mentor_id).username)
    assert client.get(f"/teams/{team.id}/sessions").status_code == 200
    assert client.post_form(f"/teams/{team.id}/sessions/new", {"theme": "x"}).status_code == 403


def test_the_team_list_issues_a_bounded_number_of_statements(client, session, statement_counter):
    ensure_posts(session)
    teacher = make_teacher(session)
    make_team(session, members=[(make_student(session), "anchor")])
    session.commit()
    client.login(teacher.username)
    with statement_counter() as few:
        assert client.get("/teams").status_code == 200
    for n in range(20):
        team = make_team(session, members=[(make_student(session), "traffic")])
        project = make_project(session, team)
        make_live_session(session, team, project, on=date(2025, 10, 1 + n))
    session.commit()
    with statement_counter() as many:
        page = client.get("/teams")
    assert page.status_code == 200 and page.text.count('href="/teams/') >= 21
    assert len(many) == len(few) <= 10


def test_member_history_survives_a_post_change(client, session):
    posts = ensure_posts(session)
    teacher, student = make_teacher(session), make_student(session)
    team = make_team(session, members=[(student, "anchor")])
    session.commit()
    member = session.exec(select(TeamMember).where(TeamMember.team_id == team.id)).one()
    client.login(teacher.username)
    response = client.post_form(
        f"/teams/{team.id}/members/{member.id}/post", {"post": str(posts["operation"].id)}
    )
    assert response.status_code == 303
    session.expire_all()
    rows = session.exec(select(TeamMember).where(TeamMember.team_id == team.id)).all()
    assert len(rows) == 2 and sum(1 for r in rows if r.left_on is None) == 1


def test_a_teacher_renames_a_team_and_changes_its_cohorts(client, session):
    teacher = make_teacher(session)
    old_cohort, new_cohort = (
        make_cohort(session, class_number=61),
        make_cohort(session, class_number=62),
    )
    team = make_team(session, name="旧名队", stage="academy")
    session.add(TeamCohort(team_id=team.id, cohort_id=old_cohort.id))
    make_team(session, name="别人的队")
    session.commit()
    client.login(teacher.username)
    page = client.get(f"/teams/{team.id}")
    assert f'href="/teams/{team.id}/edit"' in page.text
    form = client.get(f"/teams/{team.id}/edit").text
    assert 'value="旧名队"' in form and f'value="{old_cohort.id}" checked' in form

    taken = client.post_form(
        f"/teams/{team.id}/edit", {"name": "别人的队"}, headers={"HX-Request": "true"}
    )
    assert taken.status_code == 422 and 'id="name-error"' in taken.text
    saved = client.post_form(
        f"/teams/{team.id}/edit",
        {"name": "新名队", "description": "主播与投流", "cohort_ids": [str(new_cohort.id)]},
    )
    assert saved.status_code == 303
    session.expire_all()
    team = session.get(Team, team.id)
    assert (team.name, team.description, team.stage) == ("新名队", "主播与投流", "academy")
    linked = session.exec(select(TeamCohort.cohort_id).where(TeamCohort.team_id == team.id)).all()
    assert linked == [new_cohort.id]
    assert "团队信息已保存。" in client.get(f"/teams/{team.id}").text


def test_students_cannot_edit_a_team(client, session):
    ensure_posts(session)
    student = make_student(session)
    team = make_team(session, name="我的队", members=[(student, "anchor")])
    session.commit()
    client.login(student.username)
    assert f'href="/teams/{team.id}/edit"' not in client.get(f"/teams/{team.id}").text
    assert client.post_form(f"/teams/{team.id}/edit", {"name": "改名"}).status_code == 403
    session.expire_all()
    assert session.get(Team, team.id).name == "我的队"


def test_a_member_cancels_a_planned_session_and_its_booking_is_freed(client, session):
    ensure_posts(session)
    student, outsider = make_student(session), make_student(session)
    team = make_team(session, members=[(student, "anchor")])
    project = make_project(session, team)
    planned = make_live_session(session, team, project, on=date(2026, 12, 5), completed=False)
    done = make_live_session(session, team, project, on=date(2025, 11, 1))
    booking = make_booking(
        session,
        studio=make_studio(session),
        user=student,
        starts_at=local(next_weekday(5), "19:00"),
        purpose="live_session",
        team_id=team.id,
        live_session_id=planned.id,
    )
    session.commit()
    url = f"/teams/{team.id}/sessions/{planned.id}"

    client.login(outsider.username)
    assert client.post_form(f"{url}/cancel").status_code == 404
    client.login(student.username)
    assert f'action="{url}/cancel"' in client.get(url).text
    assert client.post_form(f"{url}/cancel").status_code == 303
    session.expire_all()
    assert session.get(LiveSession, planned.id).status == "cancelled"
    assert session.get(Booking, booking.id).live_session_id is None  # the room stays booked
    page = client.get(url).text
    assert f'action="{url}/cancel"' not in page and 'id="result-form"' not in page
    assert client.post_form(f"{url}/cancel").status_code == 409
    assert client.post_form(f"/teams/{team.id}/sessions/{done.id}/cancel").status_code == 409


def test_the_captain_withdraws_an_open_invitation(client, other_client, session):
    ensure_posts(session)
    captain, member, newcomer = make_student(session), make_student(session), make_student(session)
    team = make_team(session, members=[(captain, "anchor"), (member, "traffic")], captain=captain)
    invitation = member_service.invite_member(
        session,
        actor=captain,
        team_id=team.id,
        form=InvitationForm.parse({"student": newcomer.username, "post": "operation"}),
    )
    session.commit()
    url = f"/teams/{team.id}/invitations/{invitation.id}/withdraw"

    client.login(member.username)  # a member who is not the captain
    assert f'action="{url}"' not in client.get(f"/teams/{team.id}").text
    assert client.post_form(url).status_code == 404
    client.login(captain.username)
    assert f'action="{url}"' in client.get(f"/teams/{team.id}").text
    assert client.post_form(url).status_code == 303
    session.expire_all()
    assert session.get(TeamInvitation, invitation.id).status == "withdrawn"
    assert newcomer.full_name not in client.get(f"/teams/{team.id}").text
    assert client.post_form(url).status_code == 409

    other_client.login(newcomer.username)  # nothing left to accept
    assert team.name not in other_client.get("/teams").text
    accept = other_client.post_form(f"/teams/invitations/{invitation.id}/accept")
    assert accept.status_code == 409


def test_the_staff_team_list_pages_through_every_team_in_name_order(client, session):
    teacher = make_teacher(session)
    for n in range(7):
        make_team(session, name=f"分页队{n}")
    session.commit()
    client.login(teacher.username)
    first = client.get("/teams?per_page=5").text
    second = client.get("/teams?per_page=5&page=2").text
    assert all(f"分页队{n}" in first for n in range(5)) and "分页队5" not in first
    assert "分页队5" in second and "分页队6" in second and "分页队0" not in second
    assert 'href="/teams?page=2"' in first or "page=2" in first


def test_the_team_page_issues_the_same_statements_for_a_bigger_team_and_history(
    client, other_client, session, statement_counter
):
    from tests.factories_teams import make_log

    ensure_posts(session)
    teacher, captain = make_teacher(session), make_student(session)
    team = make_team(session, members=[(captain, "anchor")], captain=captain)
    make_project(session, team)
    make_log(session, make_pairing(session, team), actions=("a",))
    admin = make_admin(session)  # an administrator reads every log
    session.commit()
    client.login(admin.username)
    other_client.login(captain.username)
    url = f"/teams/{team.id}"
    client.get(url)  # the first visit keeps the team's session figures (team_sessions)
    with statement_counter() as few:
        assert client.get(url).status_code == 200
    with statement_counter() as few_student:
        assert other_client.get(url).status_code == 200
    members = [make_student(session, full_name=f"队员{n}") for n in range(8)]
    for member in members:
        member_service.add_member(
            session,
            actor=teacher,
            team_id=team.id,
            form=MemberForm.parse({"student": member.username, "post": "traffic"}),
        )
    for member in members[:3]:  # former members
        stint = session.exec(
            select(TeamMember).where(TeamMember.user_id == member.id, TeamMember.team_id == team.id)
        ).one()
        stint.left_on = clock.today()
        session.add(stint)
    for _ in range(4):
        member_service.invite_member(
            session,
            actor=captain,
            team_id=team.id,
            form=InvitationForm.parse(
                {"student": make_student(session).username, "post": "operation"}
            ),
        )
        make_log(session, make_pairing(session, team), actions=("a", "b"))
    session.commit()
    with statement_counter() as many:
        page = client.get(url)
    with statement_counter() as many_student:
        student_page = other_client.get(url)
    assert page.status_code == 200 and student_page.status_code == 200
    assert all(m.full_name in page.text for m in members)
    assert page.text.count('href="/guidance/logs/') == 5
    assert student_page.text.count("/withdraw") == 4  # the captain's open invitations
    assert len(many) == len(few) and len(many_student) == len(few_student)
