"""Training programmes (人才培养方案): versions, semester placements, totals, the admin's
bounds, publishing (a published version is frozen) and new versions."""

from dataclasses import dataclass, field
from decimal import Decimal
from typing import ClassVar

from sqlmodel import Session, select

from app.errors import Conflict, Forbidden, FormErrors, NotFound
from app.i18n import lazy_gettext as _l
from app.models import Role, User
from app.models.base import utcnow
from app.models.curriculum import (
    SEMESTERS,
    Course,
    Placement,
    ProgrammeVersion,
    TrainingProgramme,
    VersionStatus,
)
from app.schemas.curriculum import ProgrammeForm
from app.services.curriculum import bounds as bounds_service
from app.services.curriculum.labels import KIND_LABELS

MAJOR_MAX = 100


@dataclass
class PlacedCourse:
    placement: Placement
    course: Course

    @property
    def credits(self) -> Decimal:
        p = self.placement
        return p.credits if p.credits is not None else self.course.credits

    @property
    def theory_hours(self) -> int:
        p = self.placement
        return p.theory_hours if p.theory_hours is not None else self.course.theory_hours

    @property
    def practice_hours(self) -> int:
        p = self.placement
        return p.practice_hours if p.practice_hours is not None else self.course.practice_hours

    @property
    def hours(self) -> int:
        return self.theory_hours + self.practice_hours


@dataclass
class Totals:
    credits: Decimal = Decimal("0")
    theory_hours: int = 0
    practice_hours: int = 0
    courses: int = 0

    @property
    def hours(self) -> int:
        return self.theory_hours + self.practice_hours

    def add(self, placed: PlacedCourse) -> None:
        self.credits += placed.credits
        self.theory_hours += placed.theory_hours
        self.practice_hours += placed.practice_hours
        self.courses += 1


@dataclass
class Semester:
    number: int
    courses: list[PlacedCourse] = field(default_factory=list)
    totals: Totals = field(default_factory=Totals)


@dataclass(eq=False)
class VersionView:
    programme: TrainingProgramme
    version: ProgrammeVersion
    versions: list[ProgrammeVersion]
    semesters: list[Semester]
    totals: Totals
    issues: list  # bound checks that fail: lazy messages
    # for the kept page's fragment, which sees nothing but this view
    kind_labels: ClassVar[dict] = KIND_LABELS

    @property
    def courses(self) -> list[PlacedCourse]:
        return [c for s in self.semesters for c in s.courses]


def require_admin(actor: User) -> None:
    if actor.role != Role.admin:
        raise Forbidden("Only administrators can change training programmes.")


def list_programmes(session: Session) -> list[tuple[TrainingProgramme, list[ProgrammeVersion]]]:
    """Every programme with its versions, newest first (two statements)."""
    programmes = session.exec(
        select(TrainingProgramme).order_by(
            TrainingProgramme.intake_year.desc(), TrainingProgramme.major
        )
    ).all()
    versions: dict[int, list[ProgrammeVersion]] = {}
    for v in session.exec(select(ProgrammeVersion).order_by(ProgrammeVersion.number.desc())):
        versions.setdefault(v.programme_id, []).append(v)
    return [(p, versions.get(p.id, [])) for p in programmes]


def get_programme(session: Session, programme_id: int) -> TrainingProgramme:
    """One programme, or NotFound."""
    programme = session.get(TrainingProgramme, programme_id)
    if programme is None:
        raise NotFound("This training programme does not exist.")
    return programme


def get_version(session: Session, *, programme_id: int, version_id: int) -> ProgrammeVersion:
    """A version of the given programme, or NotFound."""
    version = session.get(ProgrammeVersion, version_id)
    if version is None or version.programme_id != programme_id:
        raise NotFound("This version of the programme does not exist.")
    return version


def latest_version(session: Session, programme_id: int) -> ProgrammeVersion:
    """The newest version of a programme."""
    version = session.exec(
        select(ProgrammeVersion)
        .where(ProgrammeVersion.programme_id == programme_id)
        .order_by(ProgrammeVersion.number.desc())
    ).first()
    if version is None:
        raise NotFound("This version of the programme does not exist.")
    return version


def create_programme(session: Session, *, actor: User, form: ProgrammeForm):
    """A new programme for a major and intake year, with an empty draft version 1."""
    require_admin(actor)
    major, year = form.major, form.intake_year
    clash = session.exec(
        select(TrainingProgramme.id).where(
            TrainingProgramme.major == major, TrainingProgramme.intake_year == year
        )
    ).first()
    if clash is not None:
        raise FormErrors({"major": _l("This major already has a programme for that intake year.")})
    programme = TrainingProgramme(major=major, intake_year=year)
    session.add(programme)
    session.flush()
    version = ProgrammeVersion(programme_id=programme.id, number=1)
    session.add(version)
    session.flush()
    return programme, version


def placed_courses(session: Session, version_id: int) -> list[PlacedCourse]:
    """The version's placements with their courses (one statement)."""
    rows = session.exec(
        select(Placement, Course)
        .join(Course, Course.id == Placement.course_id)
        .where(Placement.version_id == version_id)
        .order_by(Placement.semester, Course.code)
    ).all()
    return [PlacedCourse(p, c) for p, c in rows]


def version_view(session: Session, *, programme_id: int, version_id: int) -> VersionView:
    """A version by semester with totals and bound checks (a fixed number of statements)."""
    programme = get_programme(session, programme_id)
    version = get_version(session, programme_id=programme_id, version_id=version_id)
    versions = list(
        session.exec(
            select(ProgrammeVersion)
            .where(ProgrammeVersion.programme_id == programme.id)
            .order_by(ProgrammeVersion.number.desc())
        ).all()
    )
    semesters = [Semester(n) for n in SEMESTERS]
    totals = Totals()
    for placed in placed_courses(session, version.id):
        semester = semesters[placed.placement.semester - 1]
        semester.courses.append(placed)
        semester.totals.add(placed)
        totals.add(placed)
    issues = bounds_service.check_bounds(programme, semesters, totals)
    return VersionView(programme, version, versions, semesters, totals, issues)


# --- publishing and new versions (placements.py edits a draft) -------------------------------


def require_draft(version: ProgrammeVersion) -> None:
    """Published versions are frozen."""
    if version.status != VersionStatus.draft:
        raise Conflict(
            "Version %(n)s is published and frozen. Start a new version to change the programme.",
            n=version.number,
        )


def publish_version(
    session: Session, *, actor: User, programme_id: int, version_id: int
) -> ProgrammeVersion:
    """Freeze a draft: its courses' credits and hours are copied into the placements."""
    require_admin(actor)
    version = get_version(session, programme_id=programme_id, version_id=version_id)
    require_draft(version)
    placed = placed_courses(session, version.id)
    if not placed:
        raise Conflict("Place at least one course before publishing.")
    for item in placed:
        item.placement.credits = item.course.credits
        item.placement.theory_hours = item.course.theory_hours
        item.placement.practice_hours = item.course.practice_hours
        session.add(item.placement)
    version.status = VersionStatus.published
    version.published_at = utcnow()
    session.add(version)
    session.flush()
    return version


def new_version(session: Session, *, actor: User, programme_id: int) -> ProgrammeVersion:
    """Start a draft as a copy of the newest version (only when no draft is open)."""
    require_admin(actor)
    programme = get_programme(session, programme_id)
    last = latest_version(session, programme.id)
    if last.status == VersionStatus.draft:
        raise Conflict("Version %(n)s is still a draft; edit it instead.", n=last.number)
    version = ProgrammeVersion(programme_id=programme.id, number=last.number + 1)
    session.add(version)
    session.flush()
    for item in placed_courses(session, last.id):
        session.add(
            Placement(
                version_id=version.id, course_id=item.course.id, semester=item.placement.semester
            )
        )
    session.flush()
    return version
