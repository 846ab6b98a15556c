"""The guidance report: hours per mentor, per team and per month, and teams with no recent
guidance (app/exports/guidance.py writes it as XLSX).

The page's report is shared by every member of staff and read often, so it is kept per
worker under the "guidance_report" data token (app/services/revisions.py) until a log, a
pairing, a team, a term or a person's name or role changes; its tables render once per
kept report and language (templates/guidance/_report_tables.html). The export computes
afresh."""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import NamedTuple

from sqlalchemy import bindparam, extract, func
from sqlmodel import Session, select

from app.models import User
from app.models.teams import GuidanceLog, Pairing, Team
from app.models.terms import Term
from app.schemas.mentoring import MAX_REPORT_WEEKS
from app.services import revisions
from app.services.clock import term_bounds, today

MAX_WEEKS = MAX_REPORT_WEEKS
# Quiet teams shown before "show all": at a big college hundreds of teams are quiet, and
# listing them all made the page ~100 KiB, most of its cost, though it is read for its totals.
QUIET_SHOWN = 25
REVISION = "guidance_report"
revisions.track(
    REVISION, {GuidanceLog, Pairing, Team, Term}, user_fields=("full_name", "username", "role")
)
_KEPT = revisions.Keeper(REVISION, size=8)


class Person(NamedTuple):
    id: int
    full_name: str
    username: str
    role: str


class TeamRow(NamedTuple):
    id: int
    name: str
    stage: str


@dataclass
class GuidanceReport:
    start: date
    end: date  # exclusive
    weeks: int
    by_author: list[tuple[Person, int, int]]  # person, minutes, sessions
    by_team: list[tuple[TeamRow, int, int]]
    by_month: list[tuple[int, int, int, int]]  # year, month, minutes, sessions
    quiet_teams: list[tuple[TeamRow, date | None, bool]]  # team, last guidance, active pairing
    total_minutes: int

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)

    @property
    def quiet_shown(self) -> int:
        return QUIET_SHOWN


# Built once: building these joined, grouped statements costs more than running them.
_IN_PERIOD = (GuidanceLog.held_on >= bindparam("start")) & (GuidanceLog.held_on < bindparam("end"))
_BY_AUTHOR = (
    select(
        User.id,
        User.full_name,
        User.username,
        User.role,
        func.sum(GuidanceLog.minutes),
        func.count(GuidanceLog.id),
    )
    .join(GuidanceLog, GuidanceLog.author_id == User.id)
    .where(_IN_PERIOD)
    .group_by(User.id, User.full_name, User.username, User.role)
    .order_by(func.sum(GuidanceLog.minutes).desc(), User.full_name)
)
_BY_TEAM = (
    select(
        Team.id, Team.name, Team.stage, func.sum(GuidanceLog.minutes), func.count(GuidanceLog.id)
    )
    .join(Pairing, Pairing.team_id == Team.id)
    .join(GuidanceLog, GuidanceLog.pairing_id == Pairing.id)
    .where(_IN_PERIOD)
    .group_by(Team.id, Team.name, Team.stage)
    .order_by(func.sum(GuidanceLog.minutes).desc(), Team.name)
)
_YEAR = extract("year", GuidanceLog.held_on)
_MONTH = extract("month", GuidanceLog.held_on)
_BY_MONTH = (
    select(_YEAR, _MONTH, func.sum(GuidanceLog.minutes), func.count(GuidanceLog.id))
    .where(_IN_PERIOD)
    .group_by(_YEAR, _MONTH)
    .order_by(_YEAR, _MONTH)
)
_LAST = (
    select(Pairing.team_id.label("team_id"), func.max(GuidanceLog.held_on).label("last"))
    .join(GuidanceLog, GuidanceLog.pairing_id == Pairing.id)
    .group_by(Pairing.team_id)
    .subquery()
)
_ACTIVE = (
    select(Pairing.team_id)
    .where(Pairing.starts_on <= bindparam("day"))
    .where((Pairing.ends_on.is_(None)) | (Pairing.ends_on >= bindparam("day")))  # type: ignore[union-attr,operator]
)
_QUIET = (
    select(Team.id, Team.name, Team.stage, _LAST.c.last, Team.id.in_(_ACTIVE))  # type: ignore[union-attr]
    .outerjoin(_LAST, _LAST.c.team_id == Team.id)
    .where((_LAST.c.last.is_(None)) | (_LAST.c.last < bindparam("since")))
    .order_by(_LAST.c.last.is_(None).desc(), _LAST.c.last, Team.name)
    .limit(500)
)


def guidance_report(
    session: Session,
    *,
    start: date | None = None,
    end: date | None = None,
    weeks: int = 4,
    on: date | None = None,
) -> GuidanceReport:
    """Aggregates over logs held in ``[start, end)`` (default: this term): five queries."""
    day = on or today()
    term_start, term_end = term_bounds(day, session)
    start, end = start or term_start, end or term_end
    weeks = max(1, min(weeks, MAX_WEEKS))
    period = {"start": start, "end": end}
    by_author = [
        (Person(*person), int(minutes), int(n))
        for *person, minutes, n in session.exec(_BY_AUTHOR, params=period).all()
    ]
    by_team = [
        (TeamRow(*team), int(minutes), int(n))
        for *team, minutes, n in session.exec(_BY_TEAM, params=period).all()
    ]
    by_month = [
        (int(y), int(m), int(minutes), int(n))
        for y, m, minutes, n in session.exec(_BY_MONTH, params=period).all()
    ]
    quiet = session.exec(_QUIET, params={"day": day, "since": day - timedelta(weeks=weeks)})
    quiet_teams = [
        (TeamRow(team_id, name, stage), last_on, bool(is_paired))
        for team_id, name, stage, last_on, is_paired in quiet.all()
    ]
    return GuidanceReport(
        start=start,
        end=end,
        weeks=weeks,
        by_author=by_author,
        by_team=by_team,
        by_month=by_month,
        quiet_teams=quiet_teams,
        total_minutes=sum(minutes for _p, minutes, _n in by_author),
    )


def kept_guidance_report(
    session: Session,
    *,
    start: date | None = None,
    end: date | None = None,
    weeks: int = 4,
    on: date | None = None,
) -> GuidanceReport:
    """The report kept under the data's token, or computed (and kept)."""
    day = on or today()
    key = (start, end, weeks, day)
    return _KEPT.get(
        session, key, lambda: guidance_report(session, start=start, end=end, weeks=weeks, on=day)
    )
