"""The student portfolio (岗课赛证 record): programme courses, team roles, competitions with
awards, certificates, studio hours and guidance received — one page, also as PDF.

A student sees their own; teachers and admins any student's; others get NotFound.
"""

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, case, func, or_
from sqlmodel import Session, select

from app.errors import NotFound
from app.models import Cohort, Post, Role, StudentProfile, User
from app.models.contests import (
    Edition,
    Entry,
    EntryMember,
    EntryStatus,
    ExternalResult,
    Round,
)
from app.models.curriculum import (
    Competition,
    Course,
    Placement,
    ProgrammeVersion,
    TrainingProgramme,
    VersionStatus,
)
from app.models.teams import GuidanceLog, LiveSession, Pairing, Team, TeamMember
from app.services import certificates as certificate_service
from app.services.clock import today
from app.services.teams import review_metrics

try:  # studios are built by another part of the app; without them there are no hours
    from app.models.studios import Booking, BookingStatus
except ImportError:  # pragma: no cover
    Booking = None


@dataclass
class CompetitionLine:
    competition: str  # name in Chinese
    competition_en: str
    year: str
    level: str
    title: str
    award: str | None
    on: date | None
    external: bool


@dataclass
class LiveRecord:
    """The completed live sessions of the student's teams while a member, with the
    student's share of each one's income (split as the evaluation splits it)."""

    latest: list[tuple[LiveSession, Team, int]] = field(default_factory=list)  # share in fen
    sessions: int = 0
    gmv_fen: int = 0  # the teams' GMV in those sessions
    income_fen: int = 0  # the student's shares
    rates: dict = field(default_factory=dict)  # GPM and conversion over all those sessions
    row_metrics: dict = field(default_factory=dict)  # each latest session's metrics


@dataclass
class Portfolio:
    student: User
    profile: StudentProfile | None
    cohort: Cohort | None
    programme: TrainingProgramme | None
    courses_by_semester: dict[int, list[Course]]
    roles: list[tuple[TeamMember, Team, Post]]
    competitions: list[CompetitionLine]
    certificates: list
    studio_hours: float | None  # None: the studios part is not installed
    studio_sessions: int
    guidance: list[tuple[GuidanceLog, Team, str]]
    guidance_minutes: int
    guidance_count: int
    live: "LiveRecord" = field(default_factory=lambda: LiveRecord())
    generated_on: date = field(default_factory=today)

    @property
    def course_count(self) -> int:
        return sum(len(v) for v in self.courses_by_semester.values())


def get_student(session: Session, *, viewer: User, student_id: int) -> User:
    student = session.get(User, student_id)
    allowed = viewer.role in (Role.admin, Role.teacher) or viewer.id == student_id
    if student is None or student.role != Role.student or not allowed:
        raise NotFound("This portfolio does not exist.")
    return student


def _courses(session: Session, cohort: Cohort | None):
    if cohort is None:
        return None, {}
    programme = session.exec(
        select(TrainingProgramme).where(
            TrainingProgramme.major == cohort.major,
            TrainingProgramme.intake_year == cohort.intake_year,
        )
    ).first()
    if programme is None:
        return None, {}
    version_id = session.exec(
        select(ProgrammeVersion.id)
        .where(
            ProgrammeVersion.programme_id == programme.id,
            ProgrammeVersion.status == VersionStatus.published.value,
        )
        .order_by(ProgrammeVersion.number.desc())
    ).first()
    by_semester: dict[int, list[Course]] = {}
    if version_id is not None:
        for placement, course in session.exec(
            select(Placement, Course)
            .join(Course, Course.id == Placement.course_id)
            .where(Placement.version_id == version_id)
            .order_by(Placement.semester, Course.code)
        ).all():
            by_semester.setdefault(placement.semester, []).append(course)
    return programme, by_semester


def _competitions(session: Session, student_id: int, stints) -> list[CompetitionLine]:
    lines = []
    for entry, round_, edition, competition in session.exec(
        select(Entry, Round, Edition, Competition)
        .join(EntryMember, EntryMember.entry_id == Entry.id)
        .join(Round, Round.id == Entry.round_id)
        .join(Edition, Edition.id == Round.edition_id)
        .join(Competition, Competition.id == Edition.competition_id)
        .where(EntryMember.user_id == student_id, Entry.status == EntryStatus.registered.value)
    ).all():
        published = round_.is_locked
        lines.append(
            CompetitionLine(
                competition.name_zh,
                competition.name_en,
                str(edition.year),
                round_.level,
                entry.title,
                entry.award if published else None,
                round_.results_on if published else round_.held_on,
                False,
            )
        )
    team_ids = {m.team_id for m in stints}
    condition = ExternalResult.student_id == student_id
    if team_ids:
        condition = or_(condition, ExternalResult.team_id.in_(team_ids))
    for result in session.exec(select(ExternalResult).where(condition)).all():
        if result.team_id is not None and not any(
            m.team_id == result.team_id
            and m.joined_on <= result.awarded_on
            and (m.left_on is None or m.left_on > result.awarded_on)
            for m in stints
        ):
            continue
        lines.append(
            CompetitionLine(
                result.competition_name,
                result.competition_name,
                result.edition,
                result.level,
                result.round_name,
                result.award,
                result.awarded_on,
                True,
            )
        )
    lines.sort(key=lambda line: line.on or date.min, reverse=True)
    return lines


def _studio(session: Session, student_id: int) -> tuple[float | None, int]:
    if Booking is None:
        return None, 0
    rows = session.exec(
        select(Booking.starts_at, Booking.ends_at).where(
            Booking.user_id == student_id,
            Booking.status.in_([BookingStatus.checked_in.value, BookingStatus.completed.value]),
        )
    ).all()
    hours = sum((end - start).total_seconds() for start, end in rows) / 3600
    return round(hours, 1), len(rows)


def _guidance(session: Session, stints) -> tuple[list, int, int]:
    if not stints:
        return [], 0, 0
    periods = [
        and_(
            Pairing.team_id == m.team_id,
            GuidanceLog.held_on >= m.joined_on,
            *([GuidanceLog.held_on < m.left_on] if m.left_on else []),
        )
        for m in stints
    ]
    base = (
        select(GuidanceLog, Team, User.full_name)
        .join(Pairing, Pairing.id == GuidanceLog.pairing_id)
        .join(Team, Team.id == Pairing.team_id)
        .join(User, User.id == GuidanceLog.author_id)
        .where(or_(*periods))
    )
    totals = session.exec(
        select(func.count(), func.coalesce(func.sum(GuidanceLog.minutes), 0))
        .select_from(GuidanceLog)
        .join(Pairing, Pairing.id == GuidanceLog.pairing_id)
        .where(or_(*periods))
    ).one()
    latest = session.exec(base.order_by(GuidanceLog.held_on.desc()).limit(12)).all()
    return [(log, team, name) for log, team, name in latest], int(totals[1]), int(totals[0])


def _live(session: Session, student_id: int) -> LiveRecord:
    from app.services.evaluation import figures
    from app.services.evaluation.scoring import Period

    shares = figures.session_shares(Period(date(2000, 1, 1), today()), of_member=student_id)
    mine = select(shares.c.sid, shares.c.share).where(shares.c.uid == student_id).subquery()
    counted = LiveSession.viewers > 0  # the sessions GPM and conversion can be worked out of
    totals = session.exec(
        select(
            func.count(),
            func.coalesce(func.sum(LiveSession.gmv_fen), 0),
            func.coalesce(func.sum(mine.c.share), 0),
            func.coalesce(func.sum(case((counted, LiveSession.gmv_fen), else_=0)), 0),
            func.coalesce(func.sum(case((counted, LiveSession.orders), else_=0)), 0),
            func.coalesce(func.sum(case((counted, LiveSession.viewers), else_=0)), 0),
        ).join(LiveSession, LiveSession.id == mine.c.sid)
    ).one()
    latest = session.exec(
        select(LiveSession, Team, mine.c.share)
        .join(LiveSession, LiveSession.id == mine.c.sid)
        .join(Team, Team.id == LiveSession.team_id)
        .order_by(LiveSession.session_date.desc(), LiveSession.id.desc())
        .limit(12)
    ).all()
    rows = [(live, team, int(share)) for live, team, share in latest]
    return LiveRecord(
        rows,
        int(totals[0]),
        int(totals[1]),
        int(totals[2]),
        rates=_rates(int(totals[3]), int(totals[4]), int(totals[5])),
        row_metrics=review_metrics.metrics_by_session(live for live, _t, _s in rows),
    )


def _rates(gmv_fen: int, orders: int, viewers: int) -> dict:
    """GPM and conversion over the sessions with a viewer count (— when there are none)."""
    counted = review_metrics.Figures(
        gmv_fen=gmv_fen, orders=orders, refunds=0, new_followers=0, viewers=viewers or None
    )
    every = review_metrics.metrics([counted])
    return {key: every[key] for key in ("gpm", "conversion")}


def portfolio(session: Session, *, viewer: User, student_id: int) -> Portfolio:
    """Everything on the portfolio page (about a dozen statements, whatever the history)."""
    student = get_student(session, viewer=viewer, student_id=student_id)
    profile = session.get(StudentProfile, student.id)
    cohort = session.get(Cohort, profile.cohort_id) if profile and profile.cohort_id else None
    programme, courses = _courses(session, cohort)
    roles = list(
        session.exec(
            select(TeamMember, Team, Post)
            .join(Team, Team.id == TeamMember.team_id)
            .join(Post, Post.id == TeamMember.post_id)
            .where(TeamMember.user_id == student.id)
            .order_by(TeamMember.joined_on.desc())
        ).all()
    )
    stints = [m for m, _t, _p in roles]
    hours, sessions = _studio(session, student.id)
    guidance, minutes, count = _guidance(session, stints)
    return Portfolio(
        student=student,
        profile=profile,
        cohort=cohort,
        programme=programme,
        courses_by_semester=courses,
        roles=roles,
        competitions=_competitions(session, student.id, stints),
        certificates=certificate_service.awards_of(session, student_id=student.id),
        studio_hours=hours,
        studio_sessions=sessions,
        guidance=guidance,
        guidance_minutes=minutes,
        guidance_count=count,
        live=_live(session, student.id),
    )
