"""The student portfolio (岗课赛证 record): programme courses, team roles, competitions with
awards, certificates, studio hours and guidance received — one page, also as PDF.

A student sees their own; teachers and admins any student's; others get NotFound.

The page reads columns, not entities, with statements built once at import; each list's
totals ride on its rows as window aggregates (computed before the LIMIT), so the page
issues the same ten statements whatever the history.
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

    latest: list = field(default_factory=list)  # rows: session_date, team_name, theme, share...
    sessions: int = 0
    gmv_fen: int = 0  # the teams' GMV in those sessions
    income_fen: int = 0  # the student's shares
    rates: dict = field(default_factory=dict)  # GPM and conversion over all those sessions
    row_metrics: dict = field(default_factory=dict)  # each latest session's metrics


@dataclass
class Portfolio:
    student: Any  # a row: id, full_name, role
    profile: Any  # a row with student_number, or None
    cohort: Cohort | None
    courses_by_semester: dict[int, list]  # rows: title_zh, title_en
    roles: list  # rows: team_id, team_name, name_zh, name_en (the post), joined_on, left_on
    competitions: list[CompetitionLine]
    certificates: list
    studio_hours: float | None  # None: the studios part is not installed
    studio_sessions: int
    guidance: list  # rows: held_on, minutes, team_name, author
    guidance_minutes: int
    guidance_count: int
    live: "LiveRecord" = field(default_factory=lambda: LiveRecord())
    generated_on: date = field(default_factory=today)

    @property
    def course_count(self) -> int:
        return sum(len(v) for v in self.courses_by_semester.values())


# Built once, at import: building these joined statements cost more than running them
# (the page is a student's most visited after the dashboard).
_STUDENT = (
    select(
        User.id,
        User.full_name,
        User.role,
        StudentProfile.user_id.label("profile_id"),  # type: ignore[attr-defined]
        StudentProfile.student_number,
        Cohort,
    )
    .outerjoin(StudentProfile, StudentProfile.user_id == User.id)
    .outerjoin(Cohort, Cohort.id == StudentProfile.cohort_id)
    .where(User.id == bindparam("student_id"))
)
# The latest published version of the programme of the cohort's major and intake year.
_PUBLISHED_VERSION = (
    select(ProgrammeVersion.id)
    .join(TrainingProgramme, TrainingProgramme.id == ProgrammeVersion.programme_id)
    .where(
        TrainingProgramme.major == bindparam("major"),
        TrainingProgramme.intake_year == bindparam("intake_year"),
        ProgrammeVersion.status == VersionStatus.published.value,
    )
    .order_by(ProgrammeVersion.number.desc())
    .limit(1)
    .scalar_subquery()
)
_PLACED_COURSES = (
    select(Placement.semester, Course.title_zh, Course.title_en)
    .join(Course, Course.id == Placement.course_id)
    .where(Placement.version_id == _PUBLISHED_VERSION)
    .order_by(Placement.semester, Course.code)
)
_ROLES = (
    select(
        TeamMember.team_id,
        TeamMember.joined_on,
        TeamMember.left_on,
        Team.name.label("team_name"),
        Post.name_zh,
        Post.name_en,
    )
    .join(Team, Team.id == TeamMember.team_id)
    .join(Post, Post.id == TeamMember.post_id)
    .where(TeamMember.user_id == bindparam("student_id"))
    .order_by(TeamMember.joined_on.desc())
)
_ENTRIES = (
    select(
        Competition.name_zh,
        Competition.name_en,
        Edition.year,
        Round.level,
        Round.published_at,
        Round.results_on,
        Round.held_on,
        Entry.title,
        Entry.award,
    )
    .select_from(Entry)
    .join(EntryMember, EntryMember.entry_id == Entry.id)
    .join(Round, Round.id == Entry.round_id)
    .join(Edition, Edition.id == Round.edition_id)
    .join(Competition, Competition.id == Edition.competition_id)
    .where(
        EntryMember.user_id == bindparam("student_id"),
        Entry.status == EntryStatus.registered.value,
    )
)
_EXTERNAL = select(  # columns: the row also holds the evidence file
    ExternalResult.team_id,
    ExternalResult.competition_name,
    ExternalResult.edition,
    ExternalResult.level,
    ExternalResult.round_name,
    ExternalResult.award,
    ExternalResult.awarded_on,
).where(
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
_GUIDANCE = (
    select(
        GuidanceLog.held_on,
        GuidanceLog.minutes,
        Team.name.label("team_name"),
        User.full_name.label("author"),
        func.count().over().label("total_count"),
        func.sum(GuidanceLog.minutes).over().label("total_minutes"),
    )
    .join(Pairing, Pairing.id == GuidanceLog.pairing_id)
    .join(Team, Team.id == Pairing.team_id)
    .join(User, User.id == GuidanceLog.author_id)
    .where(_WHILE_MEMBER)
    .order_by(GuidanceLog.held_on.desc(), GuidanceLog.id.desc())
    .limit(12)
)


def _rows(session: Session, statement, params: dict) -> list:
    """A column statement's rows, run on the session's connection: Core rows, without the
    ORM's execution and result wrapping (a tenth of a millisecond a statement, and the
    page runs ten)."""
    return session.connection().execute(statement, params).all()


def _student(session: Session, *, viewer: User, student_id: int):
    row = session.exec(_STUDENT, params={"student_id": student_id}).first()
    allowed = viewer.role in (Role.admin, Role.teacher) or viewer.id == student_id
    if row is None or row.role != Role.student or not allowed:
        raise NotFound("This portfolio does not exist.")
    return row


def _courses(session: Session, cohort: Cohort | None) -> dict[int, list]:
    if cohort is None:
        return {}
    params = {"major": cohort.major, "intake_year": cohort.intake_year}
    by_semester: dict[int, list] = {}
    for row in _rows(session, _PLACED_COURSES, params):
        by_semester.setdefault(row.semester, []).append(row)
    return by_semester


def _while_member(stints, team_id: int, on: date) -> bool:
    return any(
        m.team_id == team_id and m.joined_on <= on and (m.left_on is None or m.left_on > on)
        for m in stints
    )


def _competitions(session: Session, student_id: int, stints) -> list[CompetitionLine]:
    lines = []
    for row in _rows(session, _ENTRIES, {"student_id": student_id}):
        published = row.published_at is not None
        lines.append(
            CompetitionLine(
                row.name_zh,
                row.name_en,
                str(row.year),
                row.level,
                row.title,
                row.award if published else None,
                row.results_on if published else row.held_on,
                False,
            )
        )
    team_ids = sorted({m.team_id for m in stints})
    params = {"student_id": student_id, "team_ids": team_ids}
    for result in _rows(session, _EXTERNAL, params):
        if result.team_id is not None and not _while_member(
            stints, result.team_id, result.awarded_on
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
    rows = _rows(session, _STUDIO, {"student_id": student_id})
    hours = sum((end - start).total_seconds() for start, end in rows) / 3600
    return round(hours, 1), len(rows)


def _guidance(session: Session, student_id: int, stints) -> tuple[list, int, int]:
    if not stints:
        return [], 0, 0
    latest = _rows(session, _GUIDANCE, {"student_id": student_id})
    if not latest:
        return [], 0, 0
    return latest, int(latest[0].total_minutes or 0), int(latest[0].total_count)


@dataclass(frozen=True)
class _OpenPeriod:
    """A period whose bounds are bound at run time (figures.session_shares reads these)."""

    start: Any
    end_exclusive: Any


@cache
def _live_statement():
    """The live record's latest sessions with the totals over all of them as window
    aggregates: one pass over the income split. Built on first use (the evaluation's
    figures import this domain's neighbours, so they are not imported at module level)."""
    from app.services.evaluation import figures

    period = _OpenPeriod(bindparam("start"), bindparam("end"))
    student = bindparam("student_id")
    shares = figures.session_shares(period, of_member=student)  # type: ignore[arg-type]
    mine = select(shares.c.sid, shares.c.share).where(shares.c.uid == student).subquery()
    counted = LiveSession.viewers > 0  # the sessions GPM and conversion can be worked out of
    return (
        select(
            LiveSession.id,
            LiveSession.session_date,
            LiveSession.theme,
            LiveSession.status,
            LiveSession.gmv_fen,
            LiveSession.income_fen,
            LiveSession.orders,
            LiveSession.refunds,
            LiveSession.new_followers,
            LiveSession.viewers,
            LiveSession.avg_watch_seconds,
            LiveSession.interactions,
            LiveSession.ad_spend_fen,
            Team.name.label("team_name"),
            mine.c.share,
            func.count().over().label("total_sessions"),
            func.sum(LiveSession.gmv_fen).over().label("total_gmv"),
            func.sum(mine.c.share).over().label("total_share"),
            func.sum(case((counted, LiveSession.gmv_fen), else_=0)).over().label("counted_gmv"),
            func.sum(case((counted, LiveSession.orders), else_=0)).over().label("counted_orders"),
            func.sum(case((counted, LiveSession.viewers), else_=0)).over().label("counted_viewers"),
        )
        .select_from(mine)
        .join(LiveSession, LiveSession.id == mine.c.sid)
        .join(Team, Team.id == LiveSession.team_id)
        .order_by(LiveSession.session_date.desc(), LiveSession.id.desc())
        .limit(12)
    )


def _live(session: Session, student_id: int) -> LiveRecord:
    params = {
        "start": date(2000, 1, 1),
        "end": today() + timedelta(days=1),
        "student_id": student_id,
    }
    rows = _rows(session, _live_statement(), params)
    if not rows:
        return LiveRecord(rates=_rates(0, 0, 0))
    first = rows[0]
    return LiveRecord(
        rows,
        int(first.total_sessions),
        int(first.total_gmv or 0),
        int(first.total_share or 0),
        rates=_rates(
            int(first.counted_gmv or 0),
            int(first.counted_orders or 0),
            int(first.counted_viewers or 0),
        ),
        row_metrics={  # the list shows only each session's GPM
            row.id: review_metrics.some_metrics([review_metrics.Figures.of(row)], ("gpm",))
            for row in rows
            if row.status == "completed"
        },
    )


def _rates(gmv_fen: int, orders: int, viewers: int) -> dict:
    """GPM and conversion over the sessions with a viewer count (— when there are none)."""
    counted = review_metrics.Figures(
        gmv_fen=gmv_fen, orders=orders, refunds=0, new_followers=0, viewers=viewers or None
    )
    return review_metrics.some_metrics([counted], ("gpm", "conversion"))


def portfolio(session: Session, *, viewer: User, student_id: int) -> Portfolio:
    """Everything on the portfolio page (ten statements, whatever the history)."""
    student = _student(session, viewer=viewer, student_id=student_id)
    cohort = student.Cohort
    roles = _rows(session, _ROLES, {"student_id": student.id})
    hours, sessions = _studio(session, student.id)
    guidance, minutes, count = _guidance(session, student.id, roles)
    return Portfolio(
        student=student,
        profile=student if student.profile_id is not None else None,
        cohort=cohort,
        courses_by_semester=_courses(session, cohort),
        roles=roles,
        competitions=_competitions(session, student.id, roles),
        certificates=certificate_service.awards_of(session, student_id=student.id),
        studio_hours=hours,
        studio_sessions=sessions,
        guidance=guidance,
        guidance_minutes=minutes,
        guidance_count=count,
        live=_live(session, student.id),
    )
