"""The guidance report: hours per mentor, per team and per month, and teams with no recent
guidance (app/exports/guidance.py writes it as XLSX)."""

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import extract, func
from sqlmodel import Session, select

from app.models import User
from app.models.teams import GuidanceLog, Pairing, Team
from app.schemas.mentoring import MAX_REPORT_WEEKS
from app.services.clock import term_bounds, today

MAX_WEEKS = MAX_REPORT_WEEKS


@dataclass
class GuidanceReport:
    start: date
    end: date  # exclusive
    weeks: int
    by_author: list[tuple[User, int, int]]  # person, minutes, sessions
    by_team: list[tuple[Team, int, int]]
    by_month: list[tuple[int, int, int, int]]  # year, month, minutes, sessions
    quiet_teams: list[tuple[Team, date | None, bool]]  # team, last guidance, active pairing
    total_minutes: int

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)


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
    in_period = (GuidanceLog.held_on >= start) & (GuidanceLog.held_on < end)
    by_author = [
        (person, int(minutes), int(n))
        for person, minutes, n in session.exec(
            select(User, func.sum(GuidanceLog.minutes), func.count(GuidanceLog.id))
            .join(GuidanceLog, GuidanceLog.author_id == User.id)
            .where(in_period)
            .group_by(User.id)
            .order_by(func.sum(GuidanceLog.minutes).desc(), User.full_name)
        ).all()
    ]
    by_team = [
        (team, int(minutes), int(n))
        for team, minutes, n in session.exec(
            select(Team, func.sum(GuidanceLog.minutes), func.count(GuidanceLog.id))
            .join(Pairing, Pairing.team_id == Team.id)
            .join(GuidanceLog, GuidanceLog.pairing_id == Pairing.id)
            .where(in_period)
            .group_by(Team.id)
            .order_by(func.sum(GuidanceLog.minutes).desc(), Team.name)
        ).all()
    ]
    year = extract("year", GuidanceLog.held_on)
    month = extract("month", GuidanceLog.held_on)
    by_month = [
        (int(y), int(m), int(minutes), int(n))
        for y, m, minutes, n in session.exec(
            select(year, month, func.sum(GuidanceLog.minutes), func.count(GuidanceLog.id))
            .where(in_period)
            .group_by(year, month)
            .order_by(year, month)
        ).all()
    ]
    since = day - timedelta(weeks=weeks)
    last = (
        select(Pairing.team_id.label("team_id"), func.max(GuidanceLog.held_on).label("last"))
        .join(GuidanceLog, GuidanceLog.pairing_id == Pairing.id)
        .group_by(Pairing.team_id)
        .subquery()
    )
    active = (
        select(Pairing.team_id)
        .where(Pairing.starts_on <= day)
        .where((Pairing.ends_on.is_(None)) | (Pairing.ends_on >= day))  # type: ignore[union-attr,operator]
    )
    quiet_teams = [
        (team, last_on, bool(is_paired))
        for team, last_on, is_paired in session.exec(
            select(Team, last.c.last, Team.id.in_(active))  # type: ignore[union-attr]
            .outerjoin(last, last.c.team_id == Team.id)
            .where((last.c.last.is_(None)) | (last.c.last < since))
            .order_by(last.c.last.is_(None).desc(), last.c.last, Team.name)
            .limit(500)
        ).all()
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
