"""The three-dimension entrepreneurship evaluation, computed on the database.

For the students of a set of cohorts and a period (dates, both ends included):

1. competitions — points by level × award of every award fact (``award_facts``; a
   participation counts too), summed, capped at the scheme's cap and scaled to 0–100;
2. income — each completed live session's income is shared equally (rounded down to the
   fen) among the team members active on the session date; a student's shares are scaled
   within the cohort by percentile (share of the cohort earning no more, nobody with no
   income scores) or by the scheme's thresholds;
3. influence — points of the graduate outcome plus social influence,
   ``follower_factor × log10(1 + followers) + growth_factor × log10(1 + growth)`` capped at
   the influence cap, where followers are the latest counts in the period of the accounts
   of the teams the student was in, and growth their rise over the period; at most 100.

total = Σ weight × dimension / 100. Every score is rounded half up to hundredths.
The records are summed with a fixed number of aggregate queries whatever the data size;
only the per-student arithmetic runs in Python. No web objects here.
"""

import math
from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import and_, func, or_
from sqlmodel import Session, select

from app.models import Cohort, StudentProfile, User
from app.models.evaluation import GraduateOutcome
from app.models.teams import (
    FollowerSnapshot,
    LiveSession,
    PlatformAccount,
    Project,
    SessionStatus,
    Team,
    TeamMember,
)
from app.services import contests as contest_service
from app.services.evaluation.scheme import DIMENSIONS

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
ZERO = Decimal(0)


def q(value: Decimal | float | int) -> Decimal:
    """Round half up to hundredths (floats through their shortest decimal form)."""
    if isinstance(value, float):
        value = Decimal(repr(value))
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive

    @property
    def end_exclusive(self) -> date:
        return self.end + timedelta(days=1)

    @property
    def label(self) -> str:
        return f"{self.start.isoformat()} – {self.end.isoformat()}"


def academic_year(on: date) -> Period:
    """1 September to 31 August around ``on``: the default period."""
    first = on.year if on.month >= 9 else on.year - 1
    return Period(date(first, 9, 1), date(first + 1, 8, 31))


@dataclass
class StudentScore:
    student_id: int
    student_number: str
    full_name: str
    cohort_id: int
    teams: str = ""
    awards: int = 0  # award facts other than participation
    participations: int = 0
    award_points: int = 0  # before the cap
    sessions: int = 0
    income_fen: int = 0
    followers: int = 0
    growth: int = 0
    outcome: str = ""
    organisation: str = ""
    competition: Decimal = ZERO
    income: Decimal = ZERO
    influence: Decimal = ZERO
    total: Decimal = ZERO
    rank: int = 0

    def dimension(self, name: str) -> Decimal:
        return getattr(self, name)


@dataclass
class TeamScore:
    team_id: int
    name: str
    members: int = 0
    sessions: int = 0
    income_fen: int = 0
    followers: int = 0
    growth: int = 0
    mean_total: Decimal = ZERO
    rank: int = 0


@dataclass
class CohortSummary:
    cohort_id: int
    label: str
    students: int = 0
    means: dict[str, Decimal] = field(default_factory=dict)  # dimensions and "total"
    awards: int = 0
    participations: int = 0
    sessions: int = 0  # distinct sessions with income shared to the cohort's students
    income_fen: int = 0  # sum of the students' shares
    outcomes_recorded: int = 0
    self_employed: int = 0

    @property
    def self_employed_share(self) -> Decimal | None:
        """Self-employed graduates as a percentage of those with a recorded outcome."""
        if not self.outcomes_recorded:
            return None
        return q(Decimal(self.self_employed) * HUNDRED / self.outcomes_recorded)


@dataclass
class Evaluation:
    scheme_version: int
    params: dict[str, Any]
    period: Period
    cohorts: list[CohortSummary]
    students: list[StudentScore]
    teams: list[TeamScore]

    def students_of(self, cohort_id: int) -> list[StudentScore]:
        return [s for s in self.students if s.cohort_id == cohort_id]


# --- aggregate queries ---------------------------------------------------------------


def _student_ids(cohort_ids: list[int]):
    return select(StudentProfile.user_id).where(StudentProfile.cohort_id.in_(cohort_ids))  # type: ignore[union-attr]


def _students(session: Session, cohort_ids: list[int]) -> list[StudentScore]:
    rows = session.exec(
        select(User.id, StudentProfile.student_number, User.full_name, StudentProfile.cohort_id)
        .join(StudentProfile, StudentProfile.user_id == User.id)
        .where(StudentProfile.cohort_id.in_(cohort_ids))  # type: ignore[union-attr]
        .order_by(StudentProfile.cohort_id, StudentProfile.student_number)
    ).all()
    return [StudentScore(uid, number, name, cohort) for uid, number, name, cohort in rows]


def award_counts(session: Session, *, cohort_ids: list[int], period: Period):
    """(student_id, level, award, count) of the award facts in the period."""
    facts = contest_service.award_facts(start=period.start, end=period.end).subquery()
    return session.exec(
        select(facts.c.student_id, facts.c.level, facts.c.award, func.count())
        .where(facts.c.student_id.in_(_student_ids(cohort_ids)))
        .group_by(facts.c.student_id, facts.c.level, facts.c.award)
    ).all()


def _active_on_session():
    return and_(
        TeamMember.team_id == LiveSession.team_id,
        TeamMember.joined_on <= LiveSession.session_date,
        or_(TeamMember.left_on.is_(None), TeamMember.left_on > LiveSession.session_date),  # type: ignore[union-attr,operator]
    )


def session_shares(period: Period):
    """(sid, uid, income_fen, share_fen) for every completed session of the period and
    every member active on its date: a subquery."""
    pairs = (
        select(
            LiveSession.id.label("sid"),  # type: ignore[union-attr]
            TeamMember.user_id.label("uid"),
            LiveSession.income_fen.label("income"),
        )
        .distinct()
        .join(TeamMember, _active_on_session())
        .where(
            LiveSession.status == SessionStatus.completed.value,
            LiveSession.session_date >= period.start,
            LiveSession.session_date < period.end_exclusive,
        )
        .subquery()
    )
    counts = select(pairs.c.sid, func.count().label("n")).group_by(pairs.c.sid).subquery()
    return (
        select(
            pairs.c.sid,
            pairs.c.uid,
            pairs.c.income,
            (pairs.c.income / counts.c.n).label("share"),  # integer division: whole fen
            counts.c.n,
        )
        .join(counts, counts.c.sid == pairs.c.sid)
        .subquery()
    )


def _income(session: Session, cohort_ids: list[int], period: Period):
    shares = session_shares(period)
    return session.exec(
        select(shares.c.uid, func.count(), func.sum(shares.c.share))
        .where(shares.c.uid.in_(_student_ids(cohort_ids)))
        .group_by(shares.c.uid)
    ).all()


def account_figures(period: Period):
    """(account_id, team_id, followers, growth) from the snapshots recorded in the period."""
    bounds = (
        select(
            FollowerSnapshot.account_id,
            func.min(FollowerSnapshot.recorded_on).label("first_on"),
            func.max(FollowerSnapshot.recorded_on).label("last_on"),
        )
        .where(
            FollowerSnapshot.recorded_on >= period.start,
            FollowerSnapshot.recorded_on <= period.end,
        )
        .group_by(FollowerSnapshot.account_id)
        .subquery()
    )
    first = FollowerSnapshot.__table__.alias("first_snapshot")
    last = FollowerSnapshot.__table__.alias("last_snapshot")
    return (
        select(
            bounds.c.account_id,
            Project.team_id,
            last.c.followers.label("followers"),
            (last.c.followers - first.c.followers).label("growth"),
        )
        .join(PlatformAccount, PlatformAccount.id == bounds.c.account_id)
        .join(Project, Project.id == PlatformAccount.project_id)
        .join(
            first,
            and_(
                first.c.account_id == bounds.c.account_id, first.c.recorded_on == bounds.c.first_on
            ),
        )
        .join(
            last,
            and_(last.c.account_id == bounds.c.account_id, last.c.recorded_on == bounds.c.last_on),
        )
        .subquery()
    )


def memberships(period: Period):
    """(team_id, user_id) of members whose stint overlaps the period (distinct)."""
    return (
        select(TeamMember.team_id, TeamMember.user_id)
        .distinct()
        .where(
            TeamMember.joined_on <= period.end,
            or_(TeamMember.left_on.is_(None), TeamMember.left_on > period.start),  # type: ignore[union-attr,operator]
        )
        .subquery()
    )


def _influence(session: Session, cohort_ids: list[int], period: Period):
    accounts = account_figures(period)
    members = memberships(period)
    pairs = (
        select(members.c.user_id, accounts.c.account_id, accounts.c.followers, accounts.c.growth)
        .distinct()
        .join(accounts, accounts.c.team_id == members.c.team_id)
        .where(members.c.user_id.in_(_student_ids(cohort_ids)))
        .subquery()
    )
    return session.exec(
        select(pairs.c.user_id, func.sum(pairs.c.followers), func.sum(pairs.c.growth)).group_by(
            pairs.c.user_id
        )
    ).all()


def _outcomes(session: Session, cohort_ids: list[int], period: Period):
    return session.exec(
        select(
            GraduateOutcome.student_id, GraduateOutcome.outcome, GraduateOutcome.organisation
        ).where(
            GraduateOutcome.student_id.in_(_student_ids(cohort_ids)),
            GraduateOutcome.outcome_on <= period.end,
        )
    ).all()


def _team_names(session: Session, cohort_ids: list[int], period: Period):
    members = memberships(period)
    return session.exec(
        select(members.c.user_id, Team.id, Team.name)
        .join(Team, Team.id == members.c.team_id)
        .where(members.c.user_id.in_(_student_ids(cohort_ids)))
        .order_by(Team.name)
    ).all()


def _team_figures(session: Session, team_ids: list[int], period: Period):
    """Per team: completed sessions and income in the period, followers and growth."""
    if not team_ids:
        return {}, {}
    income = session.exec(
        select(LiveSession.team_id, func.count(), func.sum(LiveSession.income_fen))
        .where(
            LiveSession.status == SessionStatus.completed.value,
            LiveSession.session_date >= period.start,
            LiveSession.session_date < period.end_exclusive,
            LiveSession.team_id.in_(team_ids),  # type: ignore[attr-defined]
        )
        .group_by(LiveSession.team_id)
    ).all()
    accounts = account_figures(period)
    followers = session.exec(
        select(accounts.c.team_id, func.sum(accounts.c.followers), func.sum(accounts.c.growth))
        .where(accounts.c.team_id.in_(team_ids))
        .group_by(accounts.c.team_id)
    ).all()
    return (
        {t: (int(n), int(s or 0)) for t, n, s in income},
        {t: (int(f or 0), int(g or 0)) for t, f, g in followers},
    )


# --- scoring -------------------------------------------------------------------------


def competition_score(points: int, params: dict[str, Any]) -> Decimal:
    cap = int(params["competition_cap"])
    return q(Decimal(min(points, cap)) * HUNDRED / cap)


def threshold_score(income_fen: int, params: dict[str, Any]) -> Decimal:
    points = 0
    for minimum, value in params["income_thresholds"]:
        if income_fen >= minimum:
            points = value
    return q(points)


def percentile_score(income_fen: int, sorted_incomes: list[int]) -> Decimal:
    """100 × the share of the cohort earning no more than the student; 0 without income."""
    if income_fen <= 0 or not sorted_incomes:
        return q(0)
    at_most = bisect_right(sorted_incomes, income_fen)
    return q(Decimal(at_most) * HUNDRED / len(sorted_incomes))


def influence_score(outcome: str, followers: int, growth: int, params: dict[str, Any]) -> Decimal:
    reach = params["follower_factor"] * math.log10(1 + max(followers, 0)) + params[
        "growth_factor"
    ] * math.log10(1 + max(growth, 0))
    reach = min(float(params["influence_cap"]), reach)
    outcome_points = params["outcome_points"].get(outcome, 0) if outcome else 0
    return q(min(100.0, outcome_points + reach))


def total_score(scores: dict[str, Decimal], params: dict[str, Any]) -> Decimal:
    weights = params["weights"]
    return q(sum(Decimal(weights[d]) * scores[d] for d in DIMENSIONS) / HUNDRED)


def _rank(items: list, key) -> None:
    """Competition ranking (1, 2, 2, 4) by ``key`` descending."""
    ordered = sorted(items, key=key, reverse=True)
    previous, rank = None, 0
    for position, item in enumerate(ordered, start=1):
        value = key(item)
        if value != previous:
            rank, previous = position, value
        item.rank = rank


def _mean(values: list[Decimal]) -> Decimal:
    return q(sum(values, ZERO) / len(values)) if values else q(0)


def evaluate(
    session: Session,
    *,
    cohort_ids: list[int],
    period: Period,
    params: dict[str, Any],
    scheme_version: int,
) -> Evaluation:
    """Scores per student, team and cohort for the cohorts' students in the period."""
    cohort_ids = sorted(set(cohort_ids))
    cohorts = session.exec(
        select(Cohort)
        .where(Cohort.id.in_(cohort_ids))
        .order_by(  # type: ignore[union-attr]
            Cohort.intake_year.desc(), Cohort.major, Cohort.class_number
        )
    ).all()
    students = _students(session, cohort_ids) if cohort_ids else []
    by_id = {s.student_id: s for s in students}
    if students:
        points_table = params["award_points"]
        for uid, level, award, count in award_counts(session, cohort_ids=cohort_ids, period=period):
            student = by_id.get(uid)
            if student is None:
                continue
            if award == "participation":
                student.participations += int(count)
            else:
                student.awards += int(count)
            student.award_points += int(count) * int(points_table.get(level, {}).get(award, 0))
        for uid, sessions, income in _income(session, cohort_ids, period):
            by_id[uid].sessions, by_id[uid].income_fen = int(sessions), int(income or 0)
        for uid, followers, growth in _influence(session, cohort_ids, period):
            by_id[uid].followers, by_id[uid].growth = int(followers or 0), int(growth or 0)
        for uid, outcome, organisation in _outcomes(session, cohort_ids, period):
            by_id[uid].outcome, by_id[uid].organisation = outcome, organisation
    team_members: dict[int, list[StudentScore]] = defaultdict(list)
    team_names: dict[int, str] = {}
    names_of: dict[int, list[str]] = defaultdict(list)
    if students:
        for uid, team_id, name in _team_names(session, cohort_ids, period):
            team_members[team_id].append(by_id[uid])
            team_names[team_id] = name
            names_of[uid].append(name)
    incomes: dict[int, list[int]] = defaultdict(list)
    for student in students:
        incomes[student.cohort_id].append(student.income_fen)
        student.teams = "、".join(names_of.get(student.student_id, []))
    for values in incomes.values():
        values.sort()
    by_threshold = params["income_mode"] == "thresholds"
    for student in students:
        student.competition = competition_score(student.award_points, params)
        student.income = (
            threshold_score(student.income_fen, params)
            if by_threshold
            else percentile_score(student.income_fen, incomes[student.cohort_id])
        )
        student.influence = influence_score(
            student.outcome, student.followers, student.growth, params
        )
        student.total = total_score({d: student.dimension(d) for d in DIMENSIONS}, params)
    summaries = []
    shares = session_shares(period)
    distinct_sessions = (
        dict(
            session.exec(
                select(StudentProfile.cohort_id, func.count(func.distinct(shares.c.sid)))
                .join(StudentProfile, StudentProfile.user_id == shares.c.uid)
                .where(StudentProfile.cohort_id.in_(cohort_ids))  # type: ignore[union-attr]
                .group_by(StudentProfile.cohort_id)
            ).all()
        )
        if students
        else {}
    )
    for cohort in cohorts:
        members = [s for s in students if s.cohort_id == cohort.id]
        _rank(members, key=lambda s: s.total)
        summary = CohortSummary(cohort.id, cohort.label(), students=len(members))
        for name in (*DIMENSIONS, "total"):
            summary.means[name] = _mean([s.dimension(name) for s in members])
        summary.awards = sum(s.awards for s in members)
        summary.participations = sum(s.participations for s in members)
        summary.sessions = int(distinct_sessions.get(cohort.id, 0))
        summary.income_fen = sum(s.income_fen for s in members)
        summary.outcomes_recorded = sum(1 for s in members if s.outcome)
        summary.self_employed = sum(1 for s in members if s.outcome == "self_employed")
        summaries.append(summary)
    teams = []
    team_income, team_followers = _team_figures(session, sorted(team_members), period)
    for team_id, members in team_members.items():
        team = TeamScore(team_id, team_names[team_id], members=len(members))
        team.sessions, team.income_fen = team_income.get(team_id, (0, 0))
        team.followers, team.growth = team_followers.get(team_id, (0, 0))
        team.mean_total = _mean([m.total for m in members])
        teams.append(team)
    teams.sort(key=lambda t: (-t.mean_total, t.name))
    _rank(teams, key=lambda t: t.mean_total)
    return Evaluation(scheme_version, params, period, summaries, students, teams)
