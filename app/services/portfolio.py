"""The student portfolio (岗课赛证 record): programme courses, team roles, competitions with
awards, certificates, studio hours and guidance received — one page, also as PDF.

A student sees their own; teachers and admins any student's; others get NotFound.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from typing import Any

from sqlalchemy import bindparam, case, func, or_
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


# Built once, at import: building these joined statements cost more than running them
# (the page is a student's most visited after the dashboard).
_PROGRAMME = select(TrainingProgramme).where(
    TrainingProgramme.major == bindparam("major"),
    TrainingProgramme.intake_year == bindparam("intake_year"),
)
_PUBLISHED_VERSION = (
    select(ProgrammeVersion.id)
    .where(
        ProgrammeVersion.programme_id == bindparam("programme_id"),
        ProgrammeVersion.status == VersionStatus.published.value,
    )
    .order_by(ProgrammeVersion.number.desc())
    .limit(1)
)
_PLACED_COURSES = (
    select(Placement.semester, Course)
    .join(Course, Course.id == Placement.course_id)
    .where(Placement.version_id == bindparam("version_id"))
    .order_by(Placement.semester, Course.code)
)
_ROLES = (
    select(TeamMember, Team, Post)
    .join(Team, Team.id == TeamMember.team_id)
    .join(Post, Post.id == TeamMember.post_id)
    .where(TeamMember.user_id == bindparam("student_id"))
    .order_by(TeamMember.joined_on.desc())
)
_ENTRIES = (
    select(Entry, Round, Edition, Competition)
    .join(EntryMember, EntryMember.entry_id == Entry.id)
    .join(Round, Round.id == Entry.round_id)
    .join(Edition, Edition.id == Round.edition_id)
    .join(Competition, Competition.id == Edition.competition_id)
    .where(
        EntryMember.user_id == bindparam("student_id"),
        Entry.status == EntryStatus.registered.value,
    )
)
_EXTERNAL = select(ExternalResult).where(
    or_(
        ExternalResult.student_id == bindparam("student_id"),
        ExternalResult.team_id.in_(bindparam("team_ids", expanding=True)),  # type: ignore[union-attr]
    )
)
_STUDIO = (
    select(Booking.starts_at, Booking.ends_at).where(
        Booking.user_id == bindparam("student_id"),
        Booking.status.in_([BookingStatus.checked_in.value, BookingStatus.completed.value]),
    )
    if Booking is not None
    else None
)
# A log counts while the student was a member of the pairing's team on its date.
_WHILE_MEMBER = (
    select(TeamMember.id)
    .where(
        TeamMember.team_id == Pairing.team_id,
        TeamMember.user_id == bindparam("student_id"),
        TeamMember.joined_on <= GuidanceLog.held_on,
        or_(TeamMember.left_on.is_(None), TeamMember.left_on > GuidanceLog.held_on),  # type: ignore[union-attr,operator]
    )
    .exists()
)
_GUIDANCE_TOTALS = (
    select(func.count(), func.coalesce(func.sum(GuidanceLog.minutes), 0))
    .select_from(GuidanceLog)
    .join(Pairing, Pairing.id == GuidanceLog.pairing_id)
    .where(_WHILE_MEMBER)
)
_GUIDANCE_LATEST = (
    select(GuidanceLog, Team, User.full_name)
    .join(Pairing, Pairing.id == GuidanceLog.pairing_id)
    .join(Team, Team.id == Pairing.team_id)
    .join(User, User.id == GuidanceLog.author_id)
    .where(_WHILE_MEMBER)
    .order_by(GuidanceLog.held_on.desc())
    .limit(12)
)


def _courses(session: Session, cohort: Cohort | None):
    if cohort is None:
        return None, {}
    programme = session.exec(
        _PROGRAMME, params={"major": cohort.major, "intake_year": cohort.intake_year}
    ).first()
    if programme is None:
        return None, {}
    version_id = session.exec(_PUBLISHED_VERSION, params={"programme_id": programme.id}).first()
    by_semester: dict[int, list[Course]] = {}
    if version_id is not None:
        for semester, course in session.exec(_PLACED_COURSES, params={"version_id": version_id}):
            by_semester.setdefault(semester, []).append(course)
    return programme, by_semester


def _competitions(session: Session, student_id: int, stints) -> list[CompetitionLine]:
    lines = []
    rows = session.exec(_ENTRIES, params={"student_id": student_id}).all()
    for entry, round_, edition, competition in rows:
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
    team_ids = sorted({m.team_id for m in stints})
    params = {"student_id": student_id, "team_ids": team_ids}
    for result in session.exec(_EXTERNAL, params=params).all():
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
    if _STUDIO is None:
        return None, 0
    rows = session.exec(_STUDIO, params={"student_id": student_id}).all()
    hours = sum((end - start).total_seconds() for start, end in rows) / 3600
    return round(hours, 1), len(rows)


def _guidance(session: Session, student_id: int, stints) -> tuple[list, int, int]:
    if not stints:
        return [], 0, 0
    params = {"student_id": student_id}
    count, minutes = session.exec(_GUIDANCE_TOTALS, params=params).one()
    latest = session.exec(_GUIDANCE_LATEST, params=params).all()
    return [(log, team, name) for log, team, name in latest], int(minutes), int(count)


@dataclass(frozen=True)
class _OpenPeriod:
    """A period whose bounds are bound at run time (figures.session_shares reads these)."""

    start: Any
    end_exclusive: Any


@cache
def _live_statements():
    """The live record's two statements, built on first use (the evaluation's figures
    import this domain's neighbours, so they are not imported at module level)."""
    from app.services.evaluation import figures

    period = _OpenPeriod(bindparam("start"), bindparam("end"))
    student = bindparam("student_id")
    shares = figures.session_shares(period, of_member=student)  # type: ignore[arg-type]
    mine = select(shares.c.sid, shares.c.share).where(shares.c.uid == student).subquery()
    counted = LiveSession.viewers > 0  # the sessions GPM and conversion can be worked out of
    totals = select(
        func.count(),
        func.coalesce(func.sum(LiveSession.gmv_fen), 0),
        func.coalesce(func.sum(mine.c.share), 0),
        func.coalesce(func.sum(case((counted, LiveSession.gmv_fen), else_=0)), 0),
        func.coalesce(func.sum(case((counted, LiveSession.orders), else_=0)), 0),
        func.coalesce(func.sum(case((counted, LiveSession.viewers), else_=0)), 0),
    ).join(LiveSession, LiveSession.id == mine.c.sid)
    latest = (
        select(LiveSession, Team, mine.c.share)
        .join(LiveSession, LiveSession.id == mine.c.sid)
        .join(Team, Team.id == LiveSession.team_id)
        .order_by(LiveSession.session_date.desc(), LiveSession.id.desc())
        .limit(12)
    )
    return totals, latest


def _live(session: Session, student_id: int) -> LiveRecord:
    totals_statement, latest_statement = _live_statements()
    params = {
        "start": date(2000, 1, 1),
        "end": today() + timedelta(days=1),
        "student_id": student_id,
    }
    totals = session.exec(totals_statement, params=params).one()
    latest = session.exec(latest_statement, params=params).all()
    rows = [(live, team, int(share)) for live, team, share in latest]
    return LiveRecord(
        rows,
        int(totals[0]),
        int(totals[1]),
        int(totals[2]),
        rates=_rates(int(totals[3]), int(totals[4]), int(totals[5])),
        row_metrics={  # the list shows only each session's GPM
            live.id: review_metrics.some_metrics([review_metrics.Figures.of(live)], ("gpm",))
            for live, _t, _s in rows
            if live.status == "completed"
        },
    )


def _rates(gmv_fen: int, orders: int, viewers: int) -> dict:
    """GPM and conversion over the sessions with a viewer count (— when there are none)."""
    counted = review_metrics.Figures(
        gmv_fen=gmv_fen, orders=orders, refunds=0, new_followers=0, viewers=viewers or None
    )
    return review_metrics.some_metrics([counted], ("gpm", "conversion"))


def portfolio(session: Session, *, viewer: User, student_id: int) -> Portfolio:
    """Everything on the portfolio page (about a dozen statements, whatever the history)."""
    student = get_student(session, viewer=viewer, student_id=student_id)
    profile = session.get(StudentProfile, student.id)
    cohort = session.get(Cohort, profile.cohort_id) if profile and profile.cohort_id else None
    programme, courses = _courses(session, cohort)
    roles = list(session.exec(_ROLES, params={"student_id": student.id}).all())
    stints = [m for m, _t, _p in roles]
    hours, sessions = _studio(session, student.id)
    guidance, minutes, count = _guidance(session, student.id, stints)
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
