"""Factories for the script check: the seeded rule list and a session with a script."""

from sqlmodel import Session

from app.models.teams import LiveSession, LiveSessionProduct
from seeds import ad_rules
from seeds.loader import SeedReport
from tests.factories_teams import make_live_session, make_project, make_team


def seed_rules(session: Session) -> None:
    ad_rules.seed_catalogue(session, SeedReport())
    session.flush()


def make_scripted_session(
    session: Session, *, script: str = "", claims: str = "", team=None, members=()
) -> LiveSession:
    """A planned session of a team (new unless given) with a script and one product."""
    from app.services import clock

    team = team or make_team(session, members=list(members))
    live = make_live_session(
        session, team, make_project(session, team), on=clock.today(), completed=False
    )
    live.script = script
    session.add(live)
    session.add(
        LiveSessionProduct(session_id=live.id, name="牛肉干", price_fen=5990, claims=claims)
    )
    session.flush()
    return live
