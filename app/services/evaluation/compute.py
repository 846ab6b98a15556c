"""The three-dimension entrepreneurship evaluation, computed on the database.

For the students of a set of cohorts and a period (dates, both ends included):

1. competitions — points by level × award of the award facts (``award_facts``; a
   participation counts too) that the scheme's ``award_stacking`` counts, summed, capped
   at the scheme's cap and scaled to 0–100;
2. income — each completed live session's income is split among the team members active
   on the session date in whole fen, the leftover fen one each by student number, so the
   shares add up to the income; a student's shares are scaled by percentile (within the
   cohort, or among its earners: ``percentile_base``; nobody without income scores) or by
   the scheme's thresholds;
3. influence — points of the graduate outcome (dated as ``outcome_dates`` says) plus
   social influence,
   ``follower_factor × log10(1 + followers) + growth_factor × log10(1 + growth)`` capped at
   the influence cap, where followers are the latest counts in the period of the accounts
   of the teams the student was in, and growth their rise over the period; at most 100.

total = Σ weight × dimension / 100. Every score is rounded half up to hundredths.
The records are summed with a fixed number of aggregate queries whatever the data size;
only the per-student arithmetic runs in Python. No web objects here.
"""

import gc
import threading
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlmodel import Session, select

from app.models import Cohort
from app.services.evaluation import figures, income
from app.services.evaluation.scheme import DIMENSIONS, complete
from app.services.evaluation.scoring import (
    HUNDRED,
    ZERO,
    Period,
    competition_score,
    counted_facts,
    fact_points,
    influence_score,
    mean,
    outcome_points,
    percentile_base,
    percentile_rank,
    percentile_score,
    q,
    rank,
    reach_points,
    threshold_score,
    total_score,
)


@dataclass
class StudentScore:
    student_id: int
    student_number: str
    full_name: str
    cohort_id: int
    teams: str = ""
    awards: int = 0  # counted award facts other than participation
    participations: int = 0
    award_points: int = 0  # of the counted facts, before the cap
    competition_capped: bool = False
    sessions: int = 0
    income_fen: int = 0
    followers: int = 0
    growth: int = 0
    outcome: str = ""
    organisation: str = ""
    outcome_points: int = 0
    reach: Decimal = ZERO  # social influence before its cap
    reach_capped: bool = False
    influence_capped: bool = False  # outcome + reach was above 100
    income_at_most: int = 0  # students of the percentile's base earning no more
    income_base: int = 0  # the percentile's base: how many students it counts
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
    label_en: str = ""  # the label on English pages (empty in snapshots made before it)

    def label_in(self, locale: str) -> str:
        """The cohort's name as every page writes it (Cohort.label) in ``locale``."""
        return self.label_en if locale == "en" and self.label_en else self.label

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


def _add_records(
    session: Session,
    by_id: dict[int, StudentScore],
    cohort_ids: list[int],
    period: Period,
    params: dict[str, Any],
) -> income.IncomeSums:
    """Each student's sums: counted award facts and their points, income shares,
    followers, outcome; returns the income sums (each cohort's count of sessions with
    shared income, each team's sessions and income)."""
    facts: dict[int, list[tuple[str, str, str]]] = defaultdict(list)
    for uid, contest, level, award, count in figures.award_counts(
        session, cohort_ids=cohort_ids, period=period
    ):
        if uid in by_id:
            facts[uid].extend([(contest, level, award)] * int(count))
    for uid, student_facts in facts.items():
        _add_awards(by_id[uid], student_facts, params)
    sums = income.income_sums(session, cohort_ids, period)
    for uid, sessions, fen in sums.students:
        by_id[uid].sessions, by_id[uid].income_fen = int(sessions), int(fen or 0)
    for uid, followers, growth in figures.follower_sums(session, cohort_ids, period):
        by_id[uid].followers, by_id[uid].growth = int(followers or 0), int(growth or 0)
    outcome_dates = params["outcome_dates"]
    for uid, outcome, organisation in figures.outcomes(session, cohort_ids, period, outcome_dates):
        by_id[uid].outcome, by_id[uid].organisation = outcome, organisation
    return sums


def _add_awards(student: StudentScore, facts: list[tuple[str, str, str]], params) -> None:
    for (_contest, level, award), counted in zip(facts, counted_facts(facts, params), strict=True):
        if not counted:
            continue
        if award == "participation":
            student.participations += 1
        else:
            student.awards += 1
        student.award_points += fact_points(level, award, params)


def _score(students: list[StudentScore], params: dict[str, Any]) -> None:
    """Each student's three dimensions (income within their cohort) and total."""
    incomes: dict[int, list[int]] = defaultdict(list)
    for student in students:
        incomes[student.cohort_id].append(student.income_fen)
    bases = {cohort: percentile_base(sorted(values), params) for cohort, values in incomes.items()}
    by_threshold = params["income_mode"] == "thresholds"
    cap, influence_cap = int(params["competition_cap"]), Decimal(params["influence_cap"])
    # Members of one team share their followers, and most students share an award tally:
    # each distinct input is scored once (the scores are pure functions of these inputs).
    competition: dict[int, Decimal] = {}
    influence: dict[tuple, tuple[Decimal, Decimal]] = {}
    for student in students:
        points = student.award_points
        if points not in competition:
            competition[points] = competition_score(points, params)
        student.competition = competition[points]
        student.competition_capped = points > cap
        base = bases[student.cohort_id]
        student.income_base = len(base)
        student.income_at_most = percentile_rank(student.income_fen, base)
        student.income = (
            threshold_score(student.income_fen, params)
            if by_threshold
            else percentile_score(student.income_fen, base)
        )
        student.outcome_points = outcome_points(student.outcome, params)
        reach_of = (student.outcome, student.followers, student.growth)
        if reach_of not in influence:
            influence[reach_of] = (
                reach_points(student.followers, student.growth, params),
                influence_score(*reach_of, params),
            )
        student.reach, student.influence = influence[reach_of]
        student.reach_capped = student.reach > influence_cap
        student.influence_capped = student.outcome_points + min(student.reach, influence_cap) > 100
        student.total = total_score({d: student.dimension(d) for d in DIMENSIONS}, params)


def _summary(cohort: Cohort, members: list[StudentScore], sessions: int) -> CohortSummary:
    """A cohort's means and counts (its members ranked by total on the way)."""
    rank(members, key=lambda s: s.total)
    summary = CohortSummary(
        cohort.id, cohort.label(), students=len(members), label_en=cohort.label("en")
    )
    for name in (*DIMENSIONS, "total"):
        summary.means[name] = mean([s.dimension(name) for s in members])
    summary.awards = sum(s.awards for s in members)
    summary.participations = sum(s.participations for s in members)
    summary.sessions = sessions
    summary.income_fen = sum(s.income_fen for s in members)
    summary.outcomes_recorded = sum(1 for s in members if s.outcome)
    summary.self_employed = sum(1 for s in members if s.outcome == "self_employed")
    return summary


def _team_scores(
    session: Session,
    team_members: dict[int, list[StudentScore]],
    names: dict[int, str],
    period: Period,
    team_income: dict[int, tuple[int, int]],
) -> list[TeamScore]:
    """Each team with its members' mean total, ranked."""
    teams = []
    team_followers = figures.team_followers(session, sorted(team_members), period)
    for team_id, members in team_members.items():
        team = TeamScore(team_id, names[team_id], members=len(members))
        team.sessions, team.income_fen = team_income.get(team_id, (0, 0))
        team.followers, team.growth = team_followers.get(team_id, (0, 0))
        team.mean_total = mean([m.total for m in members])
        teams.append(team)
    teams.sort(key=lambda t: (-t.mean_total, t.name))
    rank(teams, key=lambda t: t.mean_total)
    return teams


_pauses = 0
_pauses_lock = threading.Lock()
_collector_was_on = False


@contextmanager
def _collector_paused():
    """Cyclic garbage collection off while an evaluation is worked out.

    Summing 10,000 students builds some 300,000 short-lived objects without cycles (rows,
    tuples, scores); each few hundred of them set off a collection, and the full ones walk
    everything the worker keeps alive (kept results included). At 10,000 students that
    was a fifth of the evaluation's time (measured with gc.callbacks). Reference counting
    still frees everything; the collector runs again as soon as the last of the
    evaluations running in this process ends."""
    global _pauses, _collector_was_on
    with _pauses_lock:
        if _pauses == 0:
            _collector_was_on = gc.isenabled()
            gc.disable()
        _pauses += 1
    try:
        yield
    finally:
        with _pauses_lock:
            _pauses -= 1
            if _pauses == 0 and _collector_was_on:
                gc.enable()


def evaluate(
    session: Session,
    *,
    cohort_ids: list[int],
    period: Period,
    params: dict[str, Any],
    scheme_version: int,
) -> Evaluation:
    """Scores per student, team and cohort for the cohorts' students in the period."""
    with _collector_paused():
        return _evaluate(session, cohort_ids, period, params, scheme_version)


def _evaluate(session: Session, cohort_ids, period: Period, params, scheme_version) -> Evaluation:
    params = complete(params)
    cohort_ids = sorted(set(cohort_ids))
    cohorts = session.exec(
        select(Cohort)
        .where(Cohort.id.in_(cohort_ids))
        .order_by(  # type: ignore[union-attr]
            Cohort.intake_year.desc(), Cohort.major, Cohort.class_number
        )
    ).all()
    rows = figures.students(session, cohort_ids) if cohort_ids else []
    students = [StudentScore(uid, number, name, cohort) for uid, number, name, cohort in rows]
    by_id = {s.student_id: s for s in students}
    team_members: dict[int, list[StudentScore]] = defaultdict(list)
    team_names: dict[int, str] = {}
    names_of: dict[int, list[str]] = defaultdict(list)
    sums = income.IncomeSums([], {}, {})
    if students:
        sums = _add_records(session, by_id, cohort_ids, period, params)
        for uid, team_id, name in figures.team_names(session, cohort_ids, period):
            team_members[team_id].append(by_id[uid])
            team_names[team_id] = name
            names_of[uid].append(name)
    for student in students:
        student.teams = "、".join(names_of.get(student.student_id, []))
    _score(students, params)
    members_of: dict[int, list[StudentScore]] = defaultdict(list)
    for student in students:
        members_of[student.cohort_id].append(student)
    summaries = [
        _summary(cohort, members_of[cohort.id], sums.cohort_sessions.get(cohort.id, 0))
        for cohort in cohorts
    ]
    teams = _team_scores(session, team_members, team_names, period, sums.team_totals)
    return Evaluation(scheme_version, params, period, summaries, students, teams)
