"""The student portfolio: own page and PDF, staff may look, other students may not."""

from datetime import UTC, date, datetime

from app.models.studios import BookingStatus
from tests.factories import make_student, make_teacher
from tests.factories_contests import make_award, make_entry, make_external, make_round
from tests.factories_curriculum import make_certificate
from tests.factories_studios import make_booking, make_studio
from tests.factories_teams import make_log, make_pairing, make_team


def test_portfolio_shows_the_record_and_counts_checked_in_studio_hours(
    client, session, statement_counter
):
    student, other = make_student(session, full_name="张同学"), make_student(session)
    team = make_team(session, name="星火直播队", members=[(student, "anchor")])
    round_ = make_round(
        session,
        level="provincial",
        published_at=datetime(2026, 6, 1, tzinfo=UTC),
        results_on=date(2026, 6, 1),
    )
    make_entry(session, round_=round_, team=team, title="温州好物专场", award="first")
    make_external(
        session,
        student_id=student.id,
        competition_name="市直播大赛",
        award="gold",
        level="municipal",
        awarded_on=date(2026, 4, 1),
    )
    make_award(
        session, holder=student, certificate=make_certificate(session, name_zh="互联网营销师")
    )
    studio = make_studio(session)
    start = datetime(2026, 5, 4, 2, tzinfo=UTC)
    make_booking(
        session,
        studio=studio,
        user=student,
        starts_at=start,
        minutes=90,
        status=BookingStatus.completed,
    )
    make_booking(
        session,
        studio=studio,
        user=student,
        starts_at=start.replace(day=5),
        minutes=60,
        status=BookingStatus.no_show,
    )
    pairing = make_pairing(session, team)
    make_log(session, pairing, held_on=date(2026, 3, 1), minutes=90)
    teacher = make_teacher(session)
    session.commit()

    client.login_as(student)
    assert client.get("/portfolio", follow_redirects=False).headers["location"] == (
        f"/portfolio/{student.id}"
    )
    with statement_counter() as statements:
        page = client.get(f"/portfolio/{student.id}")
    assert page.status_code == 200
    for text in ("星火直播队", "温州好物专场", "市直播大赛", "互联网营销师", "1.5"):
        assert text in page.text, text
    assert len(statements) < 30
    pdf = client.get(f"/portfolio/{student.id}/portfolio.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert client.get(f"/portfolio/{other.id}").status_code == 404
    client.login_as(teacher)
    assert client.get(f"/portfolio/{student.id}").status_code == 200


def test_the_portfolio_shows_live_sessions_gmv_and_the_students_share_of_income(client, session):
    from tests.factories_teams import make_live_session, make_project

    student, partner = make_student(session, locale="en"), make_student(session)
    team = make_team(
        session, name="星火直播队", members=[(student, "anchor"), (partner, "traffic")]
    )
    project = make_project(session, team)
    make_live_session(session, team, project, on=date(2026, 5, 1), income_fen=10001, gmv_fen=80000)
    make_live_session(session, team, project, on=date(2026, 5, 8), income_fen=5000, gmv_fen=20000)
    make_live_session(session, team, project, on=date(2026, 5, 9), completed=False)  # planned
    session.commit()
    client.login_as(student)
    page = client.get(f"/portfolio/{student.id}")
    # 10001 splits 5001 (the first student number) + 5000; 5000 splits 2500 + 2500
    assert "2 completed live sessions" in page.text
    assert "GMV ¥1,000.00" in page.text and "income ¥75.01" in page.text
    assert page.text.count("¥50.01") == 1 and "¥25.00" in page.text


def test_the_portfolio_states_gpm_and_conversion_over_sessions_with_viewers(client, session):
    from tests.factories_teams import make_live_session, make_project

    student = make_student(session, locale="en")
    team = make_team(session, members=[(student, "anchor")])
    project = make_project(session, team)
    counted = make_live_session(session, team, project, on=date(2026, 5, 1), gmv_fen=80000)
    counted.viewers = 400  # 10 orders: 2.50%; ¥800 × 1000 ÷ 400 = ¥2,000.00
    make_live_session(session, team, project, on=date(2026, 5, 8), gmv_fen=90000)  # no viewers
    session.add(counted)
    session.commit()
    client.login_as(student)
    text = client.get(f"/portfolio/{student.id}").text
    rates = text[text.index('id="pf-live-rates"') :]
    assert "GPM ¥2,000.00" in rates[:400] and "conversion 2.50%" in rates[:400]
    assert text.count('<td class="num">—</td>') >= 1  # the session without viewers: GPM —


def test_guidance_counts_only_while_the_student_was_in_the_team(client, session):
    from sqlmodel import select

    from app.models.teams import TeamMember

    student = make_student(session, locale="en")
    team = make_team(session, members=[(student, "anchor")])
    stint = session.exec(select(TeamMember).where(TeamMember.user_id == student.id)).one()
    stint.left_on = date(2026, 3, 1)
    session.add(stint)
    pairing = make_pairing(session, team)
    make_log(session, pairing, held_on=date(2025, 8, 31), minutes=30)  # before joining
    make_log(session, pairing, held_on=date(2025, 10, 1), minutes=90)  # while a member
    make_log(session, pairing, held_on=date(2026, 3, 1), minutes=60)  # the day they left
    session.commit()
    client.login_as(student)
    assert "1 guidance sessions, 1.5 hours in all." in client.get(f"/portfolio/{student.id}").text


def test_the_portfolio_issues_the_same_statements_for_ten_times_the_history(
    client, session, statement_counter
):
    from tests.factories_teams import make_live_session, make_project

    student = make_student(session)
    first = make_team(session, members=[(student, "anchor")])
    make_log(session, make_pairing(session, first), held_on=date(2026, 3, 1))
    make_live_session(session, first, make_project(session, first), on=date(2026, 5, 1))
    session.commit()
    client.login_as(student)
    with statement_counter() as few:
        assert client.get(f"/portfolio/{student.id}").status_code == 200
    for n in range(10):
        team = make_team(session, members=[(student, "traffic")])
        make_log(session, make_pairing(session, team), held_on=date(2026, 3, 2 + n))
        make_live_session(session, team, make_project(session, team), on=date(2026, 5, 2 + n))
        make_external(session, student_id=student.id, awarded_on=date(2026, 4, 1 + n))
    session.commit()
    with statement_counter() as many:
        page = client.get(f"/portfolio/{student.id}")
    assert page.status_code == 200 and page.text.count("<li>2026-03-") == 11
    assert len(many) == len(few)
