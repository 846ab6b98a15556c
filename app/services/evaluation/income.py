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
"""

from bisect import bisect_right
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import bindparam, or_
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
    joined_on: date
    left_on: date | None


_SESSIONS = (
    select(LiveSession.team_id, LiveSession.session_date, LiveSession.income_fen).where(
        LiveSession.status == SessionStatus.completed.value,
        LiveSession.session_date >= bindparam("start"),
        LiveSession.session_date < bindparam("end"),
    )  # in no order: sorting 50,000 rows was a third of reading them
)
_STINTS = (
    select(
        TeamMember.team_id,
        TeamMember.user_id,
        TeamMember.joined_on,
        TeamMember.left_on,
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

    def stretch_on(self, on: date) -> _Stretch | None:
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


def income_sums(session: Session, cohort_ids: list[int], period: Period):
    """Each student of the cohorts: ``(user_id, sessions, income share in fen)``, and per
    cohort the number of distinct sessions whose income was shared to its students:
    ``(students, {cohort_id: n})``. Two statements whatever the data size."""
    params = {"start": period.start, "end": period.end_exclusive}
    teams, cohort_of = _teams(session, params)
    for team_id, on, income in session.connection().execute(_SESSIONS, params).all():
        team = teams.get(team_id)
        stretch = team.stretch_on(on) if team else None
        if stretch is None:
            continue  # nobody was in the team that day: no one's income
        members = len(stretch.members)
        base, leftover = divmod(income, members)
        stretch.sessions += 1
        stretch.base_fen += base
        stretch.leftovers[leftover] += 1
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
    return students, dict(per_cohort)


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
