"""Figures of a team's live sessions: totals, daily GMV and income, income per team and per
member over a period (completed sessions only; planned and cancelled ones count nothing)."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func
from sqlmodel import Session, select

from app.models.teams import LiveSession, SessionStatus, TeamMember


@dataclass
class Totals:
    sessions: int = 0
    minutes: int = 0
    gmv_fen: int = 0
    orders: int = 0
    refunds: int = 0
    income_fen: int = 0
    new_followers: int = 0
    peak_viewers: int = 0


def _completed():
    return LiveSession.status == SessionStatus.completed.value


def team_totals(session: Session, *, team_id: int) -> Totals:
    """Sums over the team's completed sessions: one query."""
    row = session.exec(
        select(
            func.count(LiveSession.id),
            func.coalesce(func.sum(LiveSession.actual_minutes), 0),
            func.coalesce(func.sum(LiveSession.gmv_fen), 0),
            func.coalesce(func.sum(LiveSession.orders), 0),
            func.coalesce(func.sum(LiveSession.refunds), 0),
            func.coalesce(func.sum(LiveSession.income_fen), 0),
            func.coalesce(func.sum(LiveSession.new_followers), 0),
            func.coalesce(func.max(LiveSession.peak_viewers), 0),
        ).where(LiveSession.team_id == team_id, _completed())
    ).one()
    return Totals(*(int(value) for value in row))


def daily_figures(
    session: Session, *, team_id: int, limit: int = 120
) -> list[tuple[date, int, int]]:
    """(date, GMV fen, income fen) per day with completed sessions, oldest first."""
    rows = session.exec(
        select(
            LiveSession.session_date,
            func.sum(LiveSession.gmv_fen),
            func.sum(LiveSession.income_fen),
        )
        .where(LiveSession.team_id == team_id, _completed())
        .group_by(LiveSession.session_date)
        .order_by(LiveSession.session_date.desc())  # type: ignore[attr-defined]
        .limit(limit)
    ).all()
    return [(day, int(gmv or 0), int(income or 0)) for day, gmv, income in reversed(rows)]


def income_by_team(
    session: Session, *, start: date, end: date, team_ids: list[int] | None = None
) -> dict[int, int]:
    """Income (fen) of completed sessions dated in ``[start, end)``, per team."""
    query = (
        select(LiveSession.team_id, func.sum(LiveSession.income_fen))
        .where(_completed(), LiveSession.session_date >= start, LiveSession.session_date < end)
        .group_by(LiveSession.team_id)
    )
    if team_ids is not None:
        query = query.where(LiveSession.team_id.in_(team_ids))  # type: ignore[attr-defined]
    return {team_id: int(total or 0) for team_id, total in session.exec(query).all()}


def income_by_member(
    session: Session, *, start: date, end: date, user_ids: list[int] | None = None
) -> dict[int, int]:
    """Per student, the income (fen) of completed sessions dated in ``[start, end)`` of the
    teams they were a member of on the session's date (each session counted once)."""
    pairs = (
        select(LiveSession.id.label("sid"), TeamMember.user_id.label("uid"))  # type: ignore[union-attr,attr-defined]
        .distinct()
        .join(TeamMember, TeamMember.team_id == LiveSession.team_id)
        .where(
            _completed(),
            LiveSession.session_date >= start,
            LiveSession.session_date < end,
            TeamMember.joined_on <= LiveSession.session_date,
            (TeamMember.left_on.is_(None)) | (TeamMember.left_on > LiveSession.session_date),  # type: ignore[union-attr,operator]
        )
    )
    if user_ids is not None:
        pairs = pairs.where(TeamMember.user_id.in_(user_ids))  # type: ignore[attr-defined]
    pairs = pairs.subquery()
    rows = session.exec(
        select(pairs.c.uid, func.sum(LiveSession.income_fen))
        .join(LiveSession, LiveSession.id == pairs.c.sid)
        .group_by(pairs.c.uid)
    ).all()
    return {user_id: int(total or 0) for user_id, total in rows}
