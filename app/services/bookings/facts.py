"""What the booking rules read about one attempt, in one statement.

``rules.check_rules`` needs, for one booker and one time: the booker's missed check-ins
this term (``strikes``), the studio's blackouts over the time, the booker's and the team's
active bookings in that week (the quotas) and the studio's active bookings near the time
(the clash). Read as five queries, they were five round trips of every press in a booking
rush; on PostgreSQL a press's cost is per statement. Here they are one UNION ALL whose
rows are tagged by what they are for; the rules themselves stay in ``checks`` and
``strikes`` and are applied to these rows in their order.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache

from sqlalchemy import Integer, String, bindparam, literal, literal_column, null, union_all
from sqlmodel import Session, select

from app.models.studios import ACTIVE_STATUSES, Booking, StudioBlackout
from app.models.teams import Team, TeamMember
from app.services import clock
from app.services.bookings import strikes


@dataclass(frozen=True)
class NearBooking:
    """An active booking near the time, with the columns the clash rule reads."""

    id: int
    studio_id: int
    user_id: int
    starts_at: datetime
    ends_at: datetime
    blocked_until: datetime
    status: str
    offer_expires_at: datetime | None


@dataclass(frozen=True)
class Blackout:
    studio_id: int
    starts_at: datetime
    ends_at: datetime
    reason: str


@dataclass(frozen=True)
class TeamChoice:
    """A team the booker may book for, as the booking form lists it."""

    id: int
    name: str


@dataclass
class AttemptFacts:
    """The rows one booking attempt is judged on (what ``read_facts`` was asked for)."""

    strike_starts: list[datetime] = field(default_factory=list)  # oldest first
    blackouts: list[Blackout] = field(default_factory=list)
    week: list[tuple[int, datetime, datetime]] = field(default_factory=list)  # the booker's
    team_week: list[tuple[datetime, datetime]] = field(default_factory=list)
    near: list[NearBooking] = field(default_factory=list)
    teams: list["TeamChoice"] = field(default_factory=list)  # by name

    def week_hours(self, exclude_id: int | None = None) -> float:
        return sum((e - s).total_seconds() / 3600 for i, s, e in self.week if i != exclude_id)

    def team_week_hours(self) -> float:
        return sum((e - s).total_seconds() / 3600 for s, e in self.team_week)


_C = Booking.__table__.c
_X = StudioBlackout.__table__.c
_NO_INT, _NO_TEXT = null().cast(Integer), null().cast(String)
_NO_TIME = null().cast(_C.starts_at.type)
_ACTIVE = _C.status.in_([s.value for s in ACTIVE_STATUSES])
_WEEK = (_C.starts_at >= bindparam("week_start"), _C.starts_at < bindparam("week_end"))


def _row(kind, id_, studio_id, user_id, starts, ends, blocked, status, expires, reason):
    return select(
        literal(kind, String).label("kind"),
        id_.label("id"),
        studio_id.label("studio_id"),
        user_id.label("user_id"),
        starts.label("starts_at"),
        ends.label("ends_at"),
        blocked.label("blocked_until"),
        status.label("status"),
        expires.label("offer_expires_at"),
        reason.label("reason"),
    )


@cache
def _statement(*, strikes_too: bool, week_too: bool, team_too: bool, choices: str | None):
    """Built once per shape: every booking attempt runs one of them."""
    # The near bookings come first: their typed columns type the union's result.
    parts = [
        _row(
            "near", _C.id, _C.studio_id, _C.user_id, _C.starts_at, _C.ends_at,
            _C.blocked_until, _C.status, _C.offer_expires_at, _NO_TEXT,
        ).where(
            _C.studio_id == bindparam("studio_id"),
            _ACTIVE,
            _C.starts_at < bindparam("blocked_until"),
            _C.blocked_until > bindparam("starts_at"),
        ),
        _row(
            "blackout", _X.id, _X.studio_id, _NO_INT, _X.starts_at, _X.ends_at,
            _NO_TIME, _NO_TEXT, _NO_TIME, _X.reason,
        ).where(
            _X.studio_id == bindparam("studio_id"),
            _X.starts_at < bindparam("ends_at"),
            _X.ends_at > bindparam("starts_at"),
        ),
    ]  # fmt: skip
    if strikes_too:  # the strike is defined once, in strikes
        parts.append(
            _row(
                "strike", _C.id, _NO_INT, _NO_INT, _C.starts_at, _NO_TIME,
                _NO_TIME, _NO_TEXT, _NO_TIME, _NO_TEXT,
            ).where(_C.user_id == bindparam("user_id"), *strikes.MISSED, ~strikes.FORGIVEN)
        )  # fmt: skip
    if week_too:
        parts.append(
            _row(
                "week", _C.id, _NO_INT, _NO_INT, _C.starts_at, _C.ends_at,
                _NO_TIME, _NO_TEXT, _NO_TIME, _NO_TEXT,
            ).where(_C.user_id == bindparam("user_id"), _ACTIVE, *_WEEK)
        )  # fmt: skip
    if team_too:
        parts.append(
            _row(
                "team", _C.id, _NO_INT, _NO_INT, _C.starts_at, _C.ends_at,
                _NO_TIME, _NO_TEXT, _NO_TIME, _NO_TEXT,
            ).where(_C.team_id == bindparam("team_id"), _ACTIVE, *_WEEK)
        )  # fmt: skip
    if choices is not None:  # the form showing the answer lists them: every team for staff
        team = select(Team.id, Team.name)
        if choices == "mine":
            team = team.where(Team.id.in_(_MY_TEAMS))  # type: ignore[union-attr]
        team = team.subquery()
        parts.append(
            _row(
                "choice", team.c.id, _NO_INT, _NO_INT, _NO_TIME, _NO_TIME,
                _NO_TIME, _NO_TEXT, _NO_TIME, team.c.name,
            )
        )  # fmt: skip
    # By the team's name, as the database orders it (the other rows' order is immaterial).
    return union_all(*parts).order_by(literal_column("reason"))


_MY_TEAMS = select(TeamMember.team_id).where(
    TeamMember.user_id == bindparam("user_id"),
    TeamMember.left_on.is_(None),  # type: ignore[union-attr]
)


def read_facts(
    session: Session,
    *,
    studio_id: int,
    buffer_minutes: int,
    starts_at: datetime,
    ends_at: datetime,
    now: datetime,
    user_id: int,
    strikes_since: datetime | None = None,
    week: bool = False,
    team_id: int | None = None,
    team_choices: str | None = None,
) -> AttemptFacts:
    """The rows the rules judge an attempt on: strikes when ``strikes_since`` (the term's
    first instant) is given, the booker's week when ``week``, the team's with ``team_id``;
    with ``team_choices`` ("all" or "mine"), the teams the booking form lists."""
    week_start, week_end = clock.week_range(clock.monday_of(clock.local_date(starts_at)))
    params = {
        "studio_id": studio_id,
        "starts_at": starts_at,
        "ends_at": ends_at,
        "blocked_until": ends_at + timedelta(minutes=buffer_minutes),
        "user_id": user_id,
        "team_id": team_id,
        "week_start": week_start,
        "week_end": week_end,
        "term_start": strikes_since,
        "cutoff": strikes.missed_cutoff(now),
    }
    statement = _statement(
        strikes_too=strikes_since is not None,
        week_too=week,
        team_too=team_id is not None,
        choices=team_choices,
    )
    facts = AttemptFacts()
    for row in session.connection().execute(statement, params):
        if row.kind == "near":
            facts.near.append(
                NearBooking(
                    row.id, row.studio_id, row.user_id, row.starts_at, row.ends_at,
                    row.blocked_until, row.status, row.offer_expires_at,
                )
            )  # fmt: skip
        elif row.kind == "blackout":
            facts.blackouts.append(Blackout(row.studio_id, row.starts_at, row.ends_at, row.reason))
        elif row.kind == "strike":
            facts.strike_starts.append((row.starts_at, row.id))
        elif row.kind == "week":
            facts.week.append((row.id, row.starts_at, row.ends_at))
        elif row.kind == "team":
            facts.team_week.append((row.starts_at, row.ends_at))
        else:
            facts.teams.append(TeamChoice(row.id, row.reason))
    facts.strike_starts = [start for start, _id in sorted(facts.strike_starts)]
    return facts
