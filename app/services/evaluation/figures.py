"""The records behind the evaluation, summed on the database: a fixed number of aggregate
queries whatever the number of students (award facts, income shares of live sessions,
followers of the teams' accounts, graduate outcomes, team memberships). They run on the
session's connection (Core rows): at 10,000 students the ORM's result wrapping alone was a
tenth of the evaluation."""

from sqlalchemy import and_, case, func, or_
from sqlmodel import Session, select

from app.models import StudentProfile, User
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
from app.services.evaluation.scoring import Period


def student_ids(cohort_ids: list[int]):
    """The user ids of the cohorts' students: a subquery."""
    return select(StudentProfile.user_id).where(StudentProfile.cohort_id.in_(cohort_ids))  # type: ignore[union-attr]


def students(session: Session, cohort_ids: list[int]):
    """(user_id, student number, name, cohort_id) of the cohorts' students, in order."""
    return (
        session.connection()
        .execute(
            select(User.id, StudentProfile.student_number, User.full_name, StudentProfile.cohort_id)
            .join(StudentProfile, StudentProfile.user_id == User.id)
            .where(StudentProfile.cohort_id.in_(cohort_ids))  # type: ignore[union-attr]
            .order_by(StudentProfile.cohort_id, StudentProfile.student_number)
        )
        .all()
    )


def award_counts(session: Session, *, cohort_ids: list[int], period: Period):
    """(student_id, contest, level, award, count) of the award facts in the period."""
    facts = contest_service.award_facts(start=period.start, end=period.end).subquery()
    return (
        session.connection()
        .execute(
            select(facts.c.student_id, facts.c.contest, facts.c.level, facts.c.award, func.count())
            .where(facts.c.student_id.in_(student_ids(cohort_ids)))
            .group_by(facts.c.student_id, facts.c.contest, facts.c.level, facts.c.award)
        )
        .all()
    )


def _active_on_session():
    return and_(
        TeamMember.team_id == LiveSession.team_id,
        TeamMember.joined_on <= LiveSession.session_date,
        or_(TeamMember.left_on.is_(None), TeamMember.left_on > LiveSession.session_date),  # type: ignore[union-attr,operator]
    )


def session_shares(period: Period, *, of_member: int | None = None):
    """(sid, uid, income, share, n) for every completed session of the period and every
    member active on its date: a subquery. ``of_member`` keeps only the sessions of the
    teams that user has been in (one student's page need not split every team's income).

    A session's income is split equally among its n members in whole fen, and the fen
    left over (income mod n) go one each to the first members by student number, so the
    shares of a session always add up to its income (largest remainder: every remainder is
    equal, the order decides). The evaluation of whole cohorts sums the same split in one
    pass in Python (``income.income_sums``); a test holds the two to the same figures."""
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
            *_teams_of(of_member),
        )
        .subquery()
    )
    ordered = (
        select(
            pairs.c.sid,
            pairs.c.uid,
            pairs.c.income,
            func.count().over(partition_by=pairs.c.sid).label("n"),
            func.row_number()
            .over(
                partition_by=pairs.c.sid,
                order_by=(StudentProfile.student_number, pairs.c.uid),
            )
            .label("place"),
        )
        .outerjoin(StudentProfile, StudentProfile.user_id == pairs.c.uid)
        .subquery()
    )
    base = ordered.c.income // ordered.c.n  # floor division of integers: whole fen
    leftover = ordered.c.income - base * ordered.c.n
    return select(
        ordered.c.sid,
        ordered.c.uid,
        ordered.c.income,
        (base + case((ordered.c.place <= leftover, 1), else_=0)).label("share"),
        ordered.c.n,
    ).subquery()


def _teams_of(user_id: int | None) -> list:
    if user_id is None:
        return []
    teams = select(TeamMember.team_id).where(TeamMember.user_id == user_id)
    return [LiveSession.team_id.in_(teams)]  # type: ignore[attr-defined]


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


def follower_sums(session: Session, cohort_ids: list[int], period: Period):
    """(user_id, followers, growth) summed over the accounts of each student's teams."""
    accounts = account_figures(period)
    members = memberships(period)
    pairs = (
        select(members.c.user_id, accounts.c.account_id, accounts.c.followers, accounts.c.growth)
        .distinct()
        .join(accounts, accounts.c.team_id == members.c.team_id)
        .where(members.c.user_id.in_(student_ids(cohort_ids)))
        .subquery()
    )
    return (
        session.connection()
        .execute(
            select(pairs.c.user_id, func.sum(pairs.c.followers), func.sum(pairs.c.growth)).group_by(
                pairs.c.user_id
            )
        )
        .all()
    )


def outcome_dated(period: Period, outcome_dates: str):
    """The condition on an outcome's date under the scheme's ``outcome_dates`` rule."""
    if outcome_dates == "within_period":
        return and_(
            GraduateOutcome.outcome_on >= period.start, GraduateOutcome.outcome_on <= period.end
        )
    return GraduateOutcome.outcome_on <= period.end


def outcomes(session: Session, cohort_ids: list[int], period: Period, outcome_dates: str):
    """(user_id, outcome, organisation) of the outcomes that count in the period."""
    return (
        session.connection()
        .execute(
            select(
                GraduateOutcome.student_id, GraduateOutcome.outcome, GraduateOutcome.organisation
            ).where(
                GraduateOutcome.student_id.in_(student_ids(cohort_ids)),
                outcome_dated(period, outcome_dates),
            )
        )
        .all()
    )


def team_names(session: Session, cohort_ids: list[int], period: Period):
    """(user_id, team_id, team name) of the teams each student was in, by name."""
    members = memberships(period)
    return (
        session.connection()
        .execute(
            select(members.c.user_id, Team.id, Team.name)
            .join(Team, Team.id == members.c.team_id)
            .where(members.c.user_id.in_(student_ids(cohort_ids)))
            .order_by(Team.name)
        )
        .all()
    )


def team_followers(session: Session, team_ids: list[int], period: Period):
    """Per team: followers and growth of its accounts in the period. (Its sessions and
    income come from the pass that splits them: ``income.income_sums``.)"""
    if not team_ids:
        return {}
    accounts = account_figures(period)
    followers = (
        session.connection()
        .execute(
            select(accounts.c.team_id, func.sum(accounts.c.followers), func.sum(accounts.c.growth))
            .where(accounts.c.team_id.in_(team_ids))
            .group_by(accounts.c.team_id)
        )
        .all()
    )
    return {t: (int(f or 0), int(g or 0)) for t, f, g in followers}
