"""A student's score page: each dimension's points with the records behind them, linked.

The score itself comes from ``evaluation.evaluate`` over the student's cohort (the income
percentile needs the cohort); the records are read with one query per kind.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

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
    contest: str = ""
    counted: bool = True  # False: a better result of the same contest counts instead


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

    @property
    def counted_points(self) -> list[int]:
        return [a.points for a in self.awards if a.counted]

    @property
    def shares_fen(self) -> int:
        """The sum of the listed shares: the student's income when every session is listed."""
        return sum(r.share_fen for r in self.sessions)

    @property
    def capped_reach(self):
        return min(self.score.reach, Decimal(self.params["influence_cap"]))


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
    params = scheme_service.complete(scheme.params)
    page.params = params
    page.awards = _award_records(session, student.id, period, params)
    shares = figures.session_shares(period, of_member=student.id)
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
            GraduateOutcome.student_id == student.id,
            figures.outcome_dated(period, params["outcome_dates"]),
        )
    ).first()
    return page


def _award_records(session: Session, student_id: int, period, params) -> list[AwardRecord]:
    """The student's results in the period, each with its points and whether it counts."""
    facts = contest_service.award_facts(start=period.start, end=period.end).subquery()
    records = [
        AwardRecord(
            level,
            award,
            on,
            kind,
            source,
            scoring.fact_points(level, award, params),
            award_url(kind, source),
            contest,
        )
        for level, award, on, kind, source, contest in session.exec(
            select(
                facts.c.level,
                facts.c.award,
                facts.c.awarded_on,
                facts.c.source_kind,
                facts.c.source_id,
                facts.c.contest,
            )
            .where(facts.c.student_id == student_id)
            .order_by(facts.c.awarded_on, facts.c.source_id)
            .limit(RECORD_LIMIT)
        ).all()
    ]
    counted = scoring.counted_facts([(r.contest, r.level, r.award) for r in records], params)
    for record, counts in zip(records, counted, strict=True):
        record.counted = counts
    return records
