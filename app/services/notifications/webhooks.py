"""Group-robot webhooks of a studio (set by administrators) or of a team (by its paired
teacher or mentor, or an administrator)."""

from dataclasses import dataclass
from datetime import date
from urllib.parse import urlsplit

from sqlalchemy import or_
from sqlmodel import Session, select

from app.errors import NotFound
from app.models import Role, User
from app.models.notifications import WebhookEndpoint
from app.models.studios import Studio
from app.models.teams import Pairing, Team
from app.schemas.notifications import WebhookForm

MANAGED_TEAMS_SHOWN = 50


@dataclass
class EndpointRow:
    id: int
    kind: str
    shown_url: str  # the host and the key's last characters: the key is the robot's secret
    signed: bool


def _shown(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/…{url[-4:]}"


def _rows(endpoints: list[WebhookEndpoint]) -> list[EndpointRow]:
    return [EndpointRow(e.id, e.kind, _shown(e.url), bool(e.secret)) for e in endpoints]  # type: ignore[arg-type]


def _manages_team(session: Session, *, user: User, team_id: int) -> bool:
    if user.role == Role.admin:
        return True
    if user.role not in (Role.teacher, Role.mentor):
        return False
    return (
        session.exec(
            select(Pairing.id)
            .where(
                Pairing.team_id == team_id,
                or_(Pairing.teacher_id == user.id, Pairing.mentor_id == user.id),
            )
            .limit(1)
        ).first()
        is not None
    )


def managed_team(session: Session, *, user: User, team_id: int) -> Team:
    """A team whose robots ``user`` may set; NotFound for others (and unknown ids)."""
    team = session.get(Team, team_id)
    if team is None or not _manages_team(session, user=user, team_id=team_id):
        raise NotFound("This team does not exist or is not visible to you.")
    return team


def managed_studio(session: Session, *, user: User, studio_id: int) -> Studio:
    """A studio whose robots ``user`` may set (administrators only)."""
    studio = session.get(Studio, studio_id)
    if studio is None or user.role != Role.admin:
        raise NotFound("This studio does not exist.")
    return studio


def endpoints_of(
    session: Session, *, studio_id: int | None = None, team_id: int | None = None
) -> list[EndpointRow]:
    query = select(WebhookEndpoint).order_by(WebhookEndpoint.id)
    if studio_id is not None:
        query = query.where(WebhookEndpoint.studio_id == studio_id)
    else:
        query = query.where(WebhookEndpoint.team_id == team_id)
    return _rows(list(session.exec(query).all()))


def add_endpoint(
    session: Session,
    *,
    actor: User,
    form: WebhookForm,
    studio_id: int | None = None,
    team_id: int | None = None,
) -> WebhookEndpoint:
    """Add a robot to a studio or a team the actor manages."""
    if studio_id is not None:
        managed_studio(session, user=actor, studio_id=studio_id)
    else:
        managed_team(session, user=actor, team_id=team_id)  # type: ignore[arg-type]
    endpoint = WebhookEndpoint(
        kind=form.kind,
        url=form.url,
        secret=form.secret if form.kind == "dingtalk" else "",
        studio_id=studio_id,
        team_id=team_id if studio_id is None else None,
        created_by_id=actor.id,
    )
    session.add(endpoint)
    session.flush()
    return endpoint


def delete_endpoint(session: Session, *, actor: User, endpoint_id: int) -> str:
    """Remove a robot the actor manages; the settings page it belonged to."""
    endpoint = session.get(WebhookEndpoint, endpoint_id)
    if endpoint is None:
        raise NotFound("This robot does not exist.")
    if endpoint.studio_id is not None:
        managed_studio(session, user=actor, studio_id=endpoint.studio_id)
        back = f"/notifications/robots/studios/{endpoint.studio_id}"
    else:
        managed_team(session, user=actor, team_id=endpoint.team_id)  # type: ignore[arg-type]
        back = f"/notifications/robots/teams/{endpoint.team_id}"
    session.delete(endpoint)
    session.flush()
    return back


@dataclass
class RobotPlaces:
    studios: list[Studio]
    teams: list[Team]


def robot_places(session: Session, *, user: User, today: date) -> RobotPlaces:
    """Where the user may set robots: every studio for administrators; the teams of their
    current pairings for teachers and mentors (administrators reach teams from there too)."""
    studios: list[Studio] = []
    teams: list[Team] = []
    if user.role == Role.admin:
        studios = list(session.exec(select(Studio).order_by(Studio.name)).all())
    if user.role in (Role.teacher, Role.mentor):
        teams = list(
            session.exec(
                select(Team)
                .join(Pairing, Pairing.team_id == Team.id)
                .where(
                    or_(Pairing.teacher_id == user.id, Pairing.mentor_id == user.id),
                    or_(Pairing.ends_on.is_(None), Pairing.ends_on >= today),  # type: ignore[union-attr,operator]
                )
                .distinct()
                .order_by(Team.name)
                .limit(MANAGED_TEAMS_SHOWN)
            ).all()
        )
    return RobotPlaces(studios, teams)
