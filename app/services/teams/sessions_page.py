"""A team's live-sessions page, kept per worker until its sessions change.

Checking every listed session's script and claims against the advertising rules costs
most of the page (about 20 ms for twenty sessions), and the list, totals and chart are
the same for everyone who may see the team. The page's figures are kept under the
"team_sessions" data token (app/services/revisions.py), as are the team page's totals
and 复盘 trends (templates/teams/_team_figures.html), renewed at the commit of any
change to a session, its products, roles, sign-offs or review actions, a rule or a
project; the list renders once per kept page and language
(templates/teams/_sessions_body.html). Who may see the team and edit it is always
checked live."""

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from app.models.compliance import AdRule, ScriptSignOff
from app.models.reviews import ReviewAction
from app.models.teams import LiveSession, LiveSessionProduct, Project
from app.services import revisions
from app.services.pagination import Page

from .charts import money_chart
from .live_figures import Totals, daily_figures, team_totals
from .live_sessions import list_sessions
from .projects import team_project
from .review_metrics import TeamReview, metrics_by_session, team_review

REVISION = "team_sessions"
revisions.track(
    REVISION, {LiveSession, LiveSessionProduct, ScriptSignOff, AdRule, ReviewAction, Project}
)
_KEPT = revisions.Keeper(REVISION, size=128)  # a page of one team's sessions, or its figures


@dataclass
class SessionsPage:
    team_id: int
    page: Page
    row_metrics: dict[int, Any]
    row_hits: dict[int, Any]
    row_actions: dict[int, tuple[int, int]]
    totals: Any
    chart: Any
    has_project: bool


def _compute(session: Session, team_id: int, page: int, per_page: int) -> SessionsPage:
    from app.services import compliance as compliance_service  # they import this package
    from app.services import reviews as review_service

    listed = list_sessions(session, team_id=team_id, page=page, per_page=per_page)
    ids = [live.id for live in listed.items]
    return SessionsPage(
        team_id=team_id,
        page=listed,
        row_metrics=metrics_by_session(listed.items),
        row_hits=compliance_service.hit_counts(session, ids),
        row_actions=review_service.action_counts(session, ids),
        totals=team_totals(session, team_id=team_id),
        chart=money_chart(daily_figures(session, team_id=team_id)),
        has_project=team_project(session, team_id=team_id) is not None,
    )


def sessions_page(session: Session, *, team_id: int, page: int, per_page: int) -> SessionsPage:
    """The list, figures and chart of a team's sessions (no access check: callers do it)."""
    return _KEPT.get(
        session, (team_id, page, per_page), lambda: _compute(session, team_id, page, per_page)
    )


@dataclass
class TeamFigures:
    """The team page's totals and 复盘 trends over all its completed sessions."""

    totals: Totals
    review: TeamReview


def team_figures(session: Session, *, team_id: int) -> TeamFigures:
    """The team's session figures, kept like its sessions page (no access check)."""

    def compute() -> TeamFigures:
        return TeamFigures(
            team_totals(session, team_id=team_id), team_review(session, team_id=team_id)
        )

    return _KEPT.get(session, ("figures", team_id), compute)
