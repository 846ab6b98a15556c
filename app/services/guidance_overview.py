"""What mentors, paired teachers and students see of guidance on their dashboards: a few
aggregate queries whatever the number of teams."""

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, or_
from sqlmodel import Session, select

from app.models import Post, User
from app.models.teams import ActionItem, GuidanceLog, Pairing, Team, TeamMember
from app.services.guidance import term_bounds
from app.services.pairings import PairingRow, pairing_rows_query
from app.services.team_forms import today


@dataclass
class MentorOverview:
    pairings: list[tuple[PairingRow, int, date | None]]  # row, minutes this term, last log
    open_actions: list[tuple[ActionItem, GuidanceLog, Team]]
    minutes_this_term: int
    term: tuple[date, date]

    @property
    def hours_this_term(self) -> float:
        return round(self.minutes_this_term / 60, 1)


def my_pairings_overview(session: Session, *, user: User, on: date | None = None) -> MentorOverview:
    """A mentor's or teacher's pairings with this term's minutes, open action items and hours:
    three queries whatever the number of teams."""
    start, end = term_bounds(on or today())
    mine = or_(Pairing.mentor_id == user.id, Pairing.teacher_id == user.id)
    rows = [
        PairingRow(*row)
        for row in session.exec(
            pairing_rows_query().where(mine).order_by(Team.name, Pairing.starts_on.desc())  # type: ignore[union-attr]
        ).all()
    ]
    per_pairing = {
        pairing_id: (int(minutes or 0), last)
        for pairing_id, minutes, last in session.exec(
            select(
                GuidanceLog.pairing_id,
                func.sum(GuidanceLog.minutes).filter(
                    GuidanceLog.held_on >= start, GuidanceLog.held_on < end
                ),
                func.max(GuidanceLog.held_on),
            )
            .join(Pairing, Pairing.id == GuidanceLog.pairing_id)
            .where(mine)
            .group_by(GuidanceLog.pairing_id)
        ).all()
    }
    open_actions = [
        (item, log, team)
        for item, log, team in session.exec(
            select(ActionItem, GuidanceLog, Team)
            .join(GuidanceLog, GuidanceLog.id == ActionItem.log_id)
            .join(Pairing, Pairing.id == GuidanceLog.pairing_id)
            .join(Team, Team.id == Pairing.team_id)
            .where(mine, ActionItem.done_at.is_(None))  # type: ignore[union-attr]
            .order_by(GuidanceLog.held_on, ActionItem.sort_order)
            .limit(50)
        ).all()
    ]
    pairings = [(row, *per_pairing.get(row.pairing.id, (0, None))) for row in rows]
    total = sum(minutes for _row, minutes, _last in pairings)
    return MentorOverview(pairings, open_actions, total, (start, end))


@dataclass
class StudentOverview:
    teams: list[tuple[Team, Post]]
    open_actions: list[tuple[ActionItem, GuidanceLog, Team]]
    unacknowledged: list[tuple[GuidanceLog, Team]]


def student_overview(session: Session, *, user: User) -> StudentOverview:
    """A student's current teams, their open action items and logs waiting for acknowledgement:
    three queries."""
    current = (
        select(TeamMember.team_id).where(
            TeamMember.user_id == user.id, TeamMember.left_on.is_(None)
        )  # type: ignore[union-attr]
    )
    teams = [
        (team, post)
        for team, post in session.exec(
            select(Team, Post)
            .join(TeamMember, TeamMember.team_id == Team.id)
            .join(Post, Post.id == TeamMember.post_id)
            .where(TeamMember.user_id == user.id, TeamMember.left_on.is_(None))  # type: ignore[union-attr]
            .order_by(Team.name)
        ).all()
    ]
    open_actions = [
        (item, log, team)
        for item, log, team in session.exec(
            select(ActionItem, GuidanceLog, Team)
            .join(GuidanceLog, GuidanceLog.id == ActionItem.log_id)
            .join(Pairing, Pairing.id == GuidanceLog.pairing_id)
            .join(Team, Team.id == Pairing.team_id)
            .where(Pairing.team_id.in_(current), ActionItem.done_at.is_(None))  # type: ignore[union-attr,attr-defined]
            .order_by(GuidanceLog.held_on, ActionItem.sort_order)
            .limit(50)
        ).all()
    ]
    unacknowledged = [
        (log, team)
        for log, team in session.exec(
            select(GuidanceLog, Team)
            .join(Pairing, Pairing.id == GuidanceLog.pairing_id)
            .join(Team, Team.id == Pairing.team_id)
            .where(Pairing.team_id.in_(current), GuidanceLog.acknowledged_at.is_(None))  # type: ignore[union-attr,attr-defined]
            .order_by(GuidanceLog.held_on.desc())  # type: ignore[attr-defined]
            .limit(20)
        ).all()
    ]
    return StudentOverview(teams, open_actions, unacknowledged)


def weeks_ago(weeks: int, *, on: date | None = None) -> date:
    return (on or today()) - timedelta(weeks=weeks)
