"""A team's entrepreneurial project: title, status, platform accounts and follower history."""

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func
from sqlmodel import Session, select

from app.errors import FormErrors, NotFound
from app.i18n import lazy_gettext as _l
from app.models import User
from app.models.teams import FollowerSnapshot, Platform, PlatformAccount, Project, ProjectStatus
from app.schemas.teams import AccountForm, FollowersForm, ProjectForm
from app.services.clock import today
from app.services.teams import teams as team_service

PLATFORMS = [platform.value for platform in Platform]
STATUSES = [status.value for status in ProjectStatus]


@dataclass
class AccountView:
    account: PlatformAccount
    snapshots: list[FollowerSnapshot] = field(default_factory=list)  # newest first

    @property
    def followers(self) -> int | None:
        return self.snapshots[0].followers if self.snapshots else None


def team_project(session: Session, *, team_id: int) -> Project | None:
    return session.exec(select(Project).where(Project.team_id == team_id)).first()


def project_accounts(session: Session, *, project_id: int) -> list[AccountView]:
    """The project's accounts with their follower history: two queries."""
    accounts = session.exec(
        select(PlatformAccount)
        .where(PlatformAccount.project_id == project_id)
        .order_by(PlatformAccount.platform, PlatformAccount.handle)
    ).all()
    if not accounts:
        return []
    history: dict[int, list[FollowerSnapshot]] = defaultdict(list)
    for snapshot in session.exec(
        select(FollowerSnapshot)
        .where(FollowerSnapshot.account_id.in_([a.id for a in accounts]))  # type: ignore[attr-defined]
        .order_by(FollowerSnapshot.recorded_on.desc())  # type: ignore[attr-defined]
    ).all():
        history[snapshot.account_id].append(snapshot)
    return [AccountView(account, history[account.id]) for account in accounts]


def save_project(session: Session, *, user: User, team_id: int, form: ProjectForm) -> Project:
    """Create the team's project, or update it (staff or a current member)."""
    team = team_service.get_editable_team(session, user=user, team_id=team_id)
    project = team_project(session, team_id=team.id) or Project(team_id=team.id, title=form.title)
    project.title, project.description, project.status = form.title, form.description, form.status
    session.add(project)
    session.flush()
    return project


def _project_of(session: Session, *, user: User, team_id: int) -> Project:
    team = team_service.get_editable_team(session, user=user, team_id=team_id)
    project = team_project(session, team_id=team.id)
    if project is None:
        raise NotFound("The team has no project yet.")
    return project


def add_account(
    session: Session, *, user: User, team_id: int, form: AccountForm
) -> PlatformAccount:
    """A platform account of the team's project, optionally with today's follower count."""
    project = _project_of(session, user=user, team_id=team_id)
    platform, handle, count = form.platform, form.handle, form.followers
    if session.exec(
        select(PlatformAccount.id).where(
            PlatformAccount.platform == platform,
            func.lower(PlatformAccount.handle) == handle.lower(),
        )
    ).first():
        raise FormErrors({"handle": _l("This account is already registered.")})
    account = PlatformAccount(project_id=project.id, platform=platform, handle=handle)
    session.add(account)
    session.flush()
    if count is not None:
        session.add(FollowerSnapshot(account_id=account.id, recorded_on=today(), followers=count))
        session.flush()
    return account


def record_followers(
    session: Session, *, user: User, team_id: int, form: FollowersForm
) -> FollowerSnapshot:
    """The follower count of an account on a date (one figure per day; a new one replaces)."""
    project = _project_of(session, user=user, team_id=team_id)
    account = session.get(PlatformAccount, form.account_id)
    if account is None or account.project_id != project.id:
        raise NotFound("This account does not belong to the team's project.")
    on, count = form.recorded_on, form.followers
    snapshot = session.exec(
        select(FollowerSnapshot).where(
            FollowerSnapshot.account_id == account.id, FollowerSnapshot.recorded_on == on
        )
    ).first() or FollowerSnapshot(account_id=account.id, recorded_on=on, followers=count)
    snapshot.followers = count
    session.add(snapshot)
    session.flush()
    return snapshot


def latest_followers(session: Session, *, team_ids: list[int]) -> dict[int, int]:
    """Per team, the sum over its accounts of each account's latest follower count."""
    if not team_ids:
        return {}
    latest = (
        select(FollowerSnapshot.account_id, func.max(FollowerSnapshot.recorded_on).label("on"))
        .group_by(FollowerSnapshot.account_id)
        .subquery()
    )
    rows = session.exec(
        select(Project.team_id, func.sum(FollowerSnapshot.followers))
        .join(PlatformAccount, PlatformAccount.project_id == Project.id)
        .join(latest, latest.c.account_id == PlatformAccount.id)
        .join(
            FollowerSnapshot,
            (FollowerSnapshot.account_id == latest.c.account_id)
            & (FollowerSnapshot.recorded_on == latest.c.on),
        )
        .where(Project.team_id.in_(team_ids))  # type: ignore[attr-defined]
        .group_by(Project.team_id)
    ).all()
    return {team_id: int(total or 0) for team_id, total in rows}
