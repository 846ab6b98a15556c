"""A student's score page: each dimension's points with the records behind them, linked.

The score itself comes from ``evaluation.evaluate`` over the student's cohort (the income
percentile needs the cohort); the records are read with one query per kind.
"""

import math
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_
from sqlmodel import Session, select

from app.models import Cohort, User
from app.models.evaluation import GraduateOutcome
from app.models.teams import LiveSession, PlatformAccount, Project, Team
from app.services import contests as contest_service
from app.services.evaluation import access, figures, scoring
from app.services.evaluation import compute as evaluation
from app.services.evaluation import scheme as scheme_service

RECORD_LIMIT = 500


@dataclass
class AwardRecord:
    level: str
    award: str
    awarded_on: date
    source_kind: str
    source_id: int
    points: int
    url: str | None


@dataclass
class SessionRecord:
    session_id: int
    team_id: int
    team_name: str
    session_date: date
    theme: str
    income_fen: int
    members: int
    share_fen: int

    @property
    def url(self) -> str:
        return f"/teams/{self.team_id}/sessions/{self.session_id}"


@dataclass
class AccountRecord:
    account_id: int
    team_id: int
    team_name: str
    platform: str
    handle: str
    followers: int
    growth: int

    @property
    def url(self) -> str:
        return f"/teams/{self.team_id}/project"


@dataclass
class ScorePage:
    student: User
    cohort: Cohort
    score: evaluation.StudentScore
    cohort_size: int
    scheme_version: int
    params: dict
    period: evaluation.Period
    awards: list[AwardRecord] = field(default_factory=list)
    sessions: list[SessionRecord] = field(default_factory=list)
    accounts: list[AccountRecord] = field(default_factory=list)
    outcome: GraduateOutcome | None = None
    reach_points: float = 0.0
    outcome_points: int = 0


def award_url(source_kind: str, source_id: int) -> str | None:
    """The page of the record an award fact came from, where one exists."""
    if source_kind == "entry":
        return f"/contests/entries/{source_id}"
    if source_kind == "external":
        return f"/contests/external#external-{source_id}"
    return None


def score_page(
    session: Session, *, user: User, student_id: int, period: evaluation.Period
) -> ScorePage:
    """The student's scores in the period and every record that produced them."""
    student, profile = access.check_student(session, user=user, student_id=student_id)
    cohort = session.get(Cohort, profile.cohort_id)
    scheme = scheme_service.current_scheme(session)
    result = evaluation.evaluate(
        session,
        cohort_ids=[cohort.id],
        period=period,
        params=scheme.params,
        scheme_version=scheme.version,
    )
    score = next(s for s in result.students if s.student_id == student.id)
    page = ScorePage(
        student, cohort, score, len(result.students), scheme.version, scheme.params, period
    )
    points = scheme.params["award_points"]
    facts = contest_service.award_facts(start=period.start, end=period.end).subquery()
    for level, award, on, kind, source in session.exec(
        select(
            facts.c.level, facts.c.award, facts.c.awarded_on, facts.c.source_kind, facts.c.source_id
        )
        .where(facts.c.student_id == student.id)
        .order_by(facts.c.awarded_on, facts.c.source_id)
        .limit(RECORD_LIMIT)
    ).all():
        page.awards.append(
            AwardRecord(
                level,
                award,
                on,
                kind,
                source,
                int(points.get(level, {}).get(award, 0)),
                award_url(kind, source),
            )
        )
    shares = figures.session_shares(period)
    for sid, team_id, team_name, on, theme, income, n, share in session.exec(
        select(
            shares.c.sid,
            Team.id,
            Team.name,
            LiveSession.session_date,
            LiveSession.theme,
            shares.c.income,
            shares.c.n,
            shares.c.share,
        )
        .join(LiveSession, LiveSession.id == shares.c.sid)
        .join(Team, Team.id == LiveSession.team_id)
        .where(shares.c.uid == student.id)
        .order_by(LiveSession.session_date, shares.c.sid)
        .limit(RECORD_LIMIT)
    ).all():
        page.sessions.append(
            SessionRecord(sid, team_id, team_name, on, theme, int(income), int(n), int(share))
        )
    accounts = figures.account_figures(period)
    members = figures.memberships(period)
    for account_id, team_id, team_name, platform, handle, followers, growth in session.exec(
        select(
            accounts.c.account_id,
            Team.id,
            Team.name,
            PlatformAccount.platform,
            PlatformAccount.handle,
            accounts.c.followers,
            accounts.c.growth,
        )
        .distinct()
        .join(
            members, and_(members.c.team_id == accounts.c.team_id, members.c.user_id == student.id)
        )
        .join(PlatformAccount, PlatformAccount.id == accounts.c.account_id)
        .join(Project, Project.id == PlatformAccount.project_id)
        .join(Team, Team.id == Project.team_id)
        .order_by(Team.name, PlatformAccount.platform, PlatformAccount.handle)
    ).all():
        page.accounts.append(
            AccountRecord(
                account_id, team_id, team_name, platform, handle, int(followers), int(growth)
            )
        )
    page.outcome = session.exec(
        select(GraduateOutcome).where(
            GraduateOutcome.student_id == student.id, GraduateOutcome.outcome_on <= period.end
        )
    ).first()
    params = scheme.params
    page.outcome_points = (
        int(params["outcome_points"].get(page.outcome.outcome, 0)) if page.outcome else 0
    )
    reach = params["follower_factor"] * math.log10(1 + score.followers) + params[
        "growth_factor"
    ] * math.log10(1 + max(score.growth, 0))
    page.reach_points = float(scoring.q(min(float(params["influence_cap"]), reach)))
    return page
