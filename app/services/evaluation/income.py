"""The income split of live sessions among the members of their team, summed per student.

The rule (the same as ``figures.session_shares``, which one student's pages read): a
completed session's income is split equally among the n members active on its date in
whole fen, and the fen left over (income mod n) go one each to the first members by
student number, so a session's shares always add up to its income.

For the evaluation of whole cohorts this is worked out here, in one pass over the
sessions, rather than by window functions over every (session, member) pair: a team's
members change only on the dates someone joins or leaves, so between two such dates every
session is split among the same members in the same order. Member number p (counting
from 1) of such a stretch of m members receives, over its sessions, the sum of
``income // m`` plus the number of sessions whose ``income % m`` is at least p. That is
linear in the number of sessions and does not build the ~25 pairs per student at all.

Dates are compared as the driver hands them over (``type_coerce`` to text changes no
SQL): ISO text on SQLite, which orders like the dates and spares converting 50,000 of
them, dates on PostgreSQL. Only comparisons between values of one read are made.
"""

from bisect import bisect_right
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import String, bindparam, or_, type_coerce
from sqlmodel import Session, select

from app.models import StudentProfile
from app.models.teams import LiveSession, SessionStatus, TeamMember
from app.services.evaluation.scoring import Period


@dataclass
class _Stretch:
    """Sessions of one team between two membership changes: all split among ``members``."""

    members: tuple[int, ...]
    sessions: int = 0
    base_fen: int = 0  # the sum of income // n
    leftovers: Counter = field(default_factory=Counter)  # income % n -> sessions


@dataclass
class _Stint:
    user_id: int
    joined_on: date | str  # as the driver hands it over (see the module's docstring)
    left_on: date | str | None


_SESSIONS = (
    select(
        LiveSession.team_id,
        type_coerce(LiveSession.session_date, String),
        LiveSession.income_fen,
    ).where(
        LiveSession.status == SessionStatus.completed.value,
        LiveSession.session_date >= bindparam("start"),
        LiveSession.session_date < bindparam("end"),
    )  # in no order: sorting 50,000 rows was a third of reading them
)
_STINTS = (
    select(
        TeamMember.team_id,
        TeamMember.user_id,
        type_coerce(TeamMember.joined_on, String),
        type_coerce(TeamMember.left_on, String),
        StudentProfile.student_number,
        StudentProfile.cohort_id,
    )
    .outerjoin(StudentProfile, StudentProfile.user_id == TeamMember.user_id)
    .where(
        TeamMember.joined_on < bindparam("end"),
        or_(TeamMember.left_on.is_(None), TeamMember.left_on > bindparam("start")),  # type: ignore[union-attr,operator]
    )
)


class _Team:
    """A team's stints, and the members active on a date (one lookup per stretch)."""

    def __init__(self, stints: list[_Stint], order: dict[int, tuple]) -> None:
        self.stints = stints
        self.order = order
        self.changes = sorted(
            {s.joined_on for s in stints} | {s.left_on for s in stints if s.left_on}
        )
        self.stretches: dict[int, _Stretch] = {}

    def stretch_on(self, on: date | str) -> _Stretch | None:
        index = bisect_right(self.changes, on)
        stretch = self.stretches.get(index)
        if stretch is None:
            active = {
                s.user_id
                for s in self.stints
                if s.joined_on <= on and (s.left_on is None or s.left_on > on)
            }
            if not active:
                return None
            stretch = _Stretch(tuple(sorted(active, key=self.order.__getitem__)))
            self.stretches[index] = stretch
        return stretch


def _teams(session: Session, params: dict) -> tuple[dict[int, _Team], dict[int, int | None]]:
    stints: dict[int, list[_Stint]] = defaultdict(list)
    order: dict[int, tuple] = {}
    cohort_of: dict[int, int | None] = {}
    rows = session.connection().execute(_STINTS, params).all()
    for team_id, user_id, joined, left, number, cohort_id in rows:
        stints[team_id].append(_Stint(user_id, joined, left))
        # by student number; someone without one (not a student) after those who have one
        order[user_id] = (number is None, number or "", user_id)
        cohort_of[user_id] = cohort_id
    teams = {team_id: _Team(team_stints, order) for team_id, team_stints in stints.items()}
    return teams, cohort_of


@dataclass
class IncomeSums:
    students: list[tuple[int, int, int]]  # (user_id, sessions, income share in fen)
    cohort_sessions: dict[int, int]  # cohort -> distinct sessions shared to its students
    team_totals: dict[int, tuple[int, int]]  # team -> (completed sessions, income in fen)


def income_sums(session: Session, cohort_ids: list[int], period: Period) -> IncomeSums:
    """The income shares of the cohorts' students, each cohort's count of distinct
    sessions whose income was shared to its students, and every team's completed sessions
    and income. Two statements whatever the data size."""
    params = {"start": period.start, "end": period.end_exclusive}
    teams, cohort_of = _teams(session, params)
    by_team: dict[int, list] = defaultdict(list)
    for team_id, on, fen in session.connection().execute(_SESSIONS, params):
        by_team[team_id].append((on, fen))
    team_totals = {}
    for team_id, team_sessions in by_team.items():
        team_totals[team_id] = (len(team_sessions), sum(fen for _, fen in team_sessions))
        if team_id in teams:
            _split(teams[team_id], team_sessions)
    wanted = set(cohort_ids)
    sessions: Counter = Counter()
    income: Counter = Counter()
    per_cohort: Counter = Counter()
    for team in teams.values():
        for stretch in team.stretches.values():
            _share_out(stretch, sessions, income)
            for cohort_id in {cohort_of[uid] for uid in stretch.members} & wanted:
                per_cohort[cohort_id] += stretch.sessions
    students = [
        (uid, count, income[uid]) for uid, count in sessions.items() if cohort_of.get(uid) in wanted
    ]
    return IncomeSums(students, dict(per_cohort), team_totals)


def _split(team: _Team, team_sessions: list) -> None:
    """Add a team's sessions to the stretches they fall in."""
    first = min(on for on, _ in team_sessions)
    last = max(on for on, _ in team_sessions)
    if bisect_right(team.changes, first) == bisect_right(team.changes, last):
        # no one joined or left between its first and last session (the usual case)
        stretch = team.stretch_on(first)
        if stretch is not None:
            members = len(stretch.members)
            stretch.sessions += len(team_sessions)
            stretch.base_fen += sum(fen // members for _, fen in team_sessions)
            stretch.leftovers.update(fen % members for _, fen in team_sessions)
        return
    for on, fen in team_sessions:
        stretch = team.stretch_on(on)
        if stretch is None:
            continue  # nobody was in the team that day: no one's income
        base, leftover = divmod(fen, len(stretch.members))
        stretch.sessions += 1
        stretch.base_fen += base
        stretch.leftovers[leftover] += 1


def _share_out(stretch: _Stretch, sessions: Counter, income: Counter) -> None:
    """Add a stretch's sessions and shares to its members' sums."""
    # sessions whose leftover is at least p, for p = members .. 1
    at_least = 0
    extra = [0] * (len(stretch.members) + 1)
    for place in range(len(stretch.members), 0, -1):
        at_least += stretch.leftovers.get(place, 0)
        extra[place] = at_least
    for place, uid in enumerate(stretch.members, start=1):
        sessions[uid] += stretch.sessions
        income[uid] += stretch.base_fen + extra[place]
