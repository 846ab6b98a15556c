"""Where a session stands among the recorded sessions of its class and of its year group.

A standing is a plain count, “higher than 72% of 38 other sessions”, made only when at least
MIN_COMPARED other sessions have the metric: with fewer, a percentage says more than the
data does. Ratios are compared by cross-multiplying whole numbers in SQL (a/b < c/d as
a·d < c·b with b, d > 0), so no float rounding decides a tie and one statement per group
counts every metric whatever the number of sessions.
"""

from dataclasses import dataclass

from sqlalchemy import BigInteger, and_, case, cast, func
from sqlmodel import Session, select

from app.models.people import Cohort
from app.models.teams import LiveSession, SessionStatus, TeamCohort

MIN_COMPARED = 5
# (metric key, numerator column, denominator column or None for the figure itself)
COMPARED = (
    ("gmv", "gmv_fen", None),
    ("aov", "gmv_fen", "orders"),
    ("conversion", "orders", "viewers"),
    ("gpm", "gmv_fen", "viewers"),
    ("interaction_rate", "interactions", "viewers"),
    ("follow_rate", "new_followers", "viewers"),
)
CLASS, YEAR = "class", "year"


@dataclass(frozen=True)
class Standing:
    metric: str
    compared: int  # other sessions of the group with this metric
    below: int  # of those, how many have a lower value

    @property
    def percent(self) -> int | None:
        """The share of the compared sessions below this one, when there are enough."""
        if self.compared < MIN_COMPARED:
            return None
        return (self.below * 100 + self.compared // 2) // self.compared


@dataclass(frozen=True)
class GroupStanding:
    kind: str  # CLASS or YEAR
    cohort: Cohort  # the class, or one class of the year group (for its major and year)
    standings: dict[str, Standing]


def _column(name: str):
    return cast(getattr(LiveSession, name), BigInteger)


def _own_parts(live: LiveSession, numerator: str, denominator: str | None):
    top = getattr(live, numerator)
    bottom = getattr(live, denominator) if denominator else 1
    if top is None or bottom is None or bottom <= 0:
        return None
    return top, bottom


def _counts(session: Session, live: LiveSession, cohort_ids: list[int]) -> dict[str, Standing]:
    """One statement: for each metric, the group's other sessions with it and those below."""
    columns, keys = [], []
    for key, numerator, denominator in COMPARED:
        own = _own_parts(live, numerator, denominator)
        if own is None:
            continue
        top, bottom = _column(numerator), _column(denominator) if denominator else 1
        known = top.is_not(None)
        if denominator:  # NULL > 0 is not true: sessions without the figure drop out
            known = and_(known, _column(denominator) > 0)
        lower = and_(known, top * own[1] < bottom * own[0])
        columns += [func.sum(case((known, 1), else_=0)), func.sum(case((lower, 1), else_=0))]
        keys.append(key)
    if not keys:
        return {}
    teams = select(TeamCohort.team_id).where(TeamCohort.cohort_id.in_(cohort_ids)).distinct()
    row = session.exec(
        select(*columns).where(
            LiveSession.team_id.in_(teams),
            LiveSession.status == SessionStatus.completed.value,
            LiveSession.id != live.id,
        )
    ).one()
    return {
        key: Standing(key, int(row[2 * i] or 0), int(row[2 * i + 1] or 0))
        for i, key in enumerate(keys)
    }


def session_standing(session: Session, live: LiveSession) -> list[GroupStanding]:
    """The session among its team's class and that class's year group (same major and
    intake year); a team in no class stands nowhere. A completed session only."""
    if live.status != SessionStatus.completed.value:
        return []
    cohort = session.exec(
        select(Cohort)
        .join(TeamCohort, TeamCohort.cohort_id == Cohort.id)
        .where(TeamCohort.team_id == live.team_id)
        .order_by(Cohort.id)
    ).first()
    if cohort is None:
        return []
    year_ids = list(
        session.exec(
            select(Cohort.id).where(
                Cohort.major == cohort.major, Cohort.intake_year == cohort.intake_year
            )
        ).all()
    )
    groups = [GroupStanding(CLASS, cohort, _counts(session, live, [cohort.id]))]
    if len(year_ids) > 1:  # a year group of one class would repeat the class
        groups.append(GroupStanding(YEAR, cohort, _counts(session, live, year_ids)))
    return groups
