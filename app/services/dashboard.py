"""Figures for each role's dashboard: a few aggregate queries, no per-row loops."""

import threading
import time
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from cachetools import TTLCache
from sqlalchemy import bindparam, event, func
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, select

from app.config import settings
from app.models import (
    Cohort,
    CoreCompetency,
    MentorExpertise,
    MentorProfile,
    Post,
    Role,
    Skill,
    StudentProfile,
    User,
    UserSession,
)
from app.models.base import utcnow
from app.services import bookings as booking_service
from app.services import certificates as certificate_service
from app.services import clock, dashboard_kept
from app.services import curriculum as curriculum_service
from app.services import evaluation as evaluation_service
from app.services import judging as judging_service
from app.services import mentoring as mentoring_service


@dataclass
class Dashboard:
    counts: dict[str, int] = field(default_factory=dict)
    cohorts: list[tuple[Cohort, int]] = field(default_factory=list)
    cohort: Cohort | None = None
    profile: object | None = None
    posts: list[Post] = field(default_factory=list)
    sections: dict[str, object] = field(default_factory=dict)  # other domains' panels
    as_of: datetime | None = None  # when the figures were counted
    # A personal dashboard's kept part (dashboard_kept): its fragments render once.
    kept: "Dashboard | None" = None
    term: tuple[date, date] | None = None  # a student's (today, its term's first day)


_COHORT_SIZES = (
    select(StudentProfile.cohort_id, func.count().label("n"))
    .group_by(StudentProfile.cohort_id)
    .subquery()
)
_NEWEST_COHORTS = (
    select(Cohort, func.coalesce(_COHORT_SIZES.c.n, 0))
    .outerjoin(_COHORT_SIZES, _COHORT_SIZES.c.cohort_id == Cohort.id)
    .order_by(Cohort.intake_year.desc(), Cohort.major, Cohort.class_number)
    .limit(bindparam("limit"))
)
# On every teacher's dashboard: built once.
_HEADED_COHORTS = _NEWEST_COHORTS.where(Cohort.head_teacher_id == bindparam("teacher_id"))


def _cohorts_with_sizes(session: Session, *, head_teacher_id: int | None = None, limit: int = 12):
    if head_teacher_id is None:
        rows = session.exec(_NEWEST_COHORTS, params={"limit": limit})
    else:
        rows = session.exec(_HEADED_COHORTS, params={"limit": limit, "teacher_id": head_teacher_id})
    return [(cohort, n) for cohort, n in rows.all()]


def _live_sessions_since() -> tuple[datetime, datetime]:
    now = utcnow()
    return (
        now - timedelta(minutes=settings.session_idle_minutes),
        now - timedelta(hours=settings.session_absolute_hours),
    )


def _count(model, *conditions):
    return select(func.count()).select_from(model).where(*conditions).scalar_subquery()


def admin_dashboard(session: Session) -> Dashboard:
    """People by role, cohorts, catalogue size, live sessions: two statements."""
    idle_since, absolute_since = _live_sessions_since()
    figures = session.exec(
        select(
            _count(Cohort),
            _count(Skill, Skill.retired == False),  # noqa: E712
            _count(Post),
            _count(CoreCompetency),
            _count(
                UserSession,
                UserSession.last_seen_at >= idle_since,
                UserSession.created_at >= absolute_since,
            ),
        )
    ).one()
    by_role = dict(
        session.exec(
            select(User.role, func.count()).where(User.is_active).group_by(User.role)
        ).all()
    )
    counts = {role.value: by_role.get(role.value, 0) for role in Role}
    for name, value in zip(
        ("cohorts", "skills", "posts", "competencies", "sessions"), figures, strict=True
    ):
        counts[name] = value
    return Dashboard(counts=counts, cohorts=_cohorts_with_sizes(session, limit=8))


def teacher_dashboard(session: Session, *, user: User) -> Dashboard:
    """The cohorts this teacher heads, with their sizes, and the teacher's courses."""

    data = Dashboard(cohorts=_cohorts_with_sizes(session, head_teacher_id=user.id))
    data.sections["curriculum_courses"] = curriculum_service.teacher_courses(session, user=user)
    data.sections["team_overview"] = mentoring_service.my_pairings_overview(session, user=user)
    return data


# Built once (with bind parameters) rather than per request: for a statement joining a few
# entities, building it and computing its cache key cost more than running it.
_CLASS_SIZE = (
    select(func.count())
    .select_from(StudentProfile)
    .where(StudentProfile.cohort_id == Cohort.id)
    .correlate(Cohort)
    .scalar_subquery()
)
_STUDENT_PROFILE = (
    select(StudentProfile, Cohort, _CLASS_SIZE)
    .outerjoin(Cohort, Cohort.id == StudentProfile.cohort_id)
    .where(StudentProfile.user_id == bindparam("user_id"))
)


def student_dashboard(session: Session, *, user: User) -> Dashboard:
    """The student's cohort and classmates count (one statement), and their teams."""

    row = session.exec(_STUDENT_PROFILE, params={"user_id": user.id}).first()
    sections = {"team_overview": mentoring_service.student_overview(session, user=user)}
    if row is None:
        return Dashboard(sections=sections)
    profile, cohort, class_size = row
    counts = {"classmates": class_size - 1} if cohort is not None else {}
    return Dashboard(counts=counts, cohort=cohort, profile=profile, sections=sections)


def mentor_dashboard(session: Session, *, user: User) -> Dashboard:
    """The mentor's enterprise and the posts they are expert in."""
    profile = session.get(MentorProfile, user.id)
    posts = session.exec(
        select(Post)
        .join(MentorExpertise, MentorExpertise.post_id == Post.id)
        .where(MentorExpertise.mentor_id == user.id)
        .order_by(Post.sort_order)
    ).all()

    overview = mentoring_service.my_pairings_overview(session, user=user)
    return Dashboard(profile=profile, posts=list(posts), sections={"team_overview": overview})


# The administrator's dashboard is college-wide: the same figures for every administrator,
# counted over the people, booking and evaluation tables. Each worker keeps them for
# settings.dashboard_cache_seconds and drops them when it commits any change itself, so an
# administrator who has just imported a roster sees it counted. Personal dashboards are
# always counted live.
_institution_lock = threading.Lock()
_institution_cache: TTLCache | None = None


def _clock() -> float:
    return time.monotonic()


def _institution_store() -> TTLCache | None:
    global _institution_cache
    ttl = settings.dashboard_cache_seconds
    if ttl <= 0:
        return None
    if _institution_cache is None or _institution_cache.ttl != ttl:
        _institution_cache = TTLCache(maxsize=1, ttl=ttl, timer=lambda: _clock())
    return _institution_cache


def forget_institution_figures() -> None:
    with _institution_lock:
        if _institution_cache is not None:
            _institution_cache.clear()


@event.listens_for(OrmSession, "after_commit")
def _forget_after_commit(_session) -> None:
    forget_institution_figures()


def counted_dashboard(user: User) -> Dashboard | None:
    """The user's dashboard if its figures are already counted and fresh (no I/O), else None.
    Only the administrators' shared figures are ever kept."""
    if user.role != Role.admin:
        return None
    with _institution_lock:
        store = _institution_store()
        return store.get("admin") if store is not None else None


def institution_dashboard(session: Session, *, user: User) -> Dashboard:
    """The administrators' dashboard (the same for every administrator), counted at most
    once per cache period per worker."""
    with _institution_lock:
        store = _institution_store()
        cached = store.get("admin") if store is not None else None
    if cached is not None:
        return cached

    data = admin_dashboard(session)
    data.sections["bookings"] = booking_service.dashboard_bookings(session, user=user)
    data.sections["evaluation"] = evaluation_service.dashboard_panel(session, user=user)
    if store is not None:  # figures that may be reused say when they were counted
        data.as_of = utcnow()
        with _institution_lock:
            store["admin"] = data
    return data


def _personal_part(session: Session, user: User) -> Dashboard:
    """Everything of a personal dashboard but the studio bookings (kept: dashboard_kept)."""
    if user.role == Role.teacher:
        data = teacher_dashboard(session, user=user)
        data.sections["judge_tasks"] = judging_service.open_assignments(session, judge=user)
        data.sections["evaluation"] = evaluation_service.dashboard_panel(session, user=user)
    elif user.role == Role.student:
        data = student_dashboard(session, user=user)
        data.sections["my_certificates"] = certificate_service.awards_of(
            session, student_id=user.id
        )
        day = clock.today()  # for the strikes panel: the term changes with the date only
        data.term = (day, clock.term_bounds(day, session)[0])
    else:
        data = mentor_dashboard(session, user=user)
        data.sections["judge_tasks"] = judging_service.open_assignments(session, judge=user)
    return data


def dashboard_for(session: Session, *, user: User) -> Dashboard:
    """The dashboard of the user's role, with the studio panel for those who book."""

    if user.role == Role.admin:
        return institution_dashboard(session, user=user)
    kept = dashboard_kept.personal_part(
        session, user=user, compute=lambda: _personal_part(session, user)
    )
    if user.role == Role.mentor:  # mentors do not book studios
        return replace(kept, kept=kept)
    # The kept part is shared by this person's visits: each gets its own sections.
    bookings = booking_service.dashboard_bookings(session, user=user, term=kept.term)
    return replace(kept, sections={**kept.sections, "bookings": bookings}, kept=kept)
