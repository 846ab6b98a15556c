"""The demo data: a dozen teams across stages, with sessions, pairings and guidance."""

from sqlalchemy import func
from sqlmodel import select

from app.models import User
from app.models.teams import GuidanceLog, LiveSession, Pairing, Team, TeamMember
from app.services.clock import today
from app.services.teams.live_figures import income_by_team
from seeds import loader as seeding
from seeds import teams as teams_seed


def test_demo_teams_cover_the_pipeline_and_the_demo_logins_see_data(session):
    seeding.seed_catalogue(session)
    report = seeding.seed_demo(session)
    teams_seed.seed_demo(session, report, scale=1)
    teams = session.exec(select(Team)).all()
    assert len(teams) == 12
    assert {t.stage for t in teams} == {"club", "academy", "studio", "incubated"}
    student1 = session.exec(select(User).where(User.username == "student1")).one()
    mentor1 = session.exec(select(User).where(User.username == "mentor1")).one()
    assert session.exec(select(TeamMember).where(TeamMember.user_id == student1.id)).first()
    assert len(session.exec(select(Pairing).where(Pairing.mentor_id == mentor1.id)).all()) >= 3
    assert session.exec(select(func.count()).select_from(GuidanceLog)).one() > 20
    sessions = session.exec(select(func.count()).select_from(LiveSession)).one()
    assert sessions > 100
    day = today()
    assert (
        sum(
            income_by_team(
                session, start=day.replace(day=1, month=1, year=day.year - 1), end=day
            ).values()
        )
        > 0
    )
    teams_seed.seed_demo(session, report, scale=1)  # a second run adds nothing
    assert len(session.exec(select(Team)).all()) == 12
