"""Certificate types and who may sit which level.

Eligibility rules are data: the levels a work type offers and each level's minimum
training hours (``certificate_level``), and per type whether the level below must be held
first and whether hours are checked (``certificate_rule``; defaults when absent).
Training hours completed = hours of the modules, in the published programme the student's
cohort follows (its own intake's, or else the latest earlier one of its major), that
teach units of the level's syllabus, in semesters already finished, plus hours recorded
by hand (``training_record``).
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func
from sqlmodel import Session, select

from app.errors import NotFound
from app.i18n import lazy_gettext as _l
from app.models import Cohort, StudentProfile
from app.models.certificates import (
    AwardStatus,
    CertificateAward,
    CertificateRule,
    TrainingRecord,
)
from app.models.curriculum import (
    CertificateLevel,
    CertificateType,
    CertificateUnit,
    CourseModule,
    ModuleCertificateUnit,
    Placement,
    ProgrammeVersion,
    TrainingProgramme,
    VersionStatus,
)
from app.services.clock import today


def get_type(session: Session, type_id: int) -> CertificateType:
    cert = session.get(CertificateType, type_id)
    if cert is None:
        raise NotFound("This certificate does not exist.")
    return cert


def type_choices(session: Session) -> list[CertificateType]:
    return list(session.exec(select(CertificateType).order_by(CertificateType.sort_order)))


def levels_offered(session: Session, type_id: int) -> dict[int, int]:
    """{level: minimum training hours} of a certificate type."""
    return dict(
        session.exec(
            select(CertificateLevel.level, CertificateLevel.min_training_hours).where(
                CertificateLevel.certificate_type_id == type_id
            )
        ).all()
    )


def rule_for(session: Session, type_id: int) -> CertificateRule:
    return session.get(CertificateRule, type_id) or CertificateRule(certificate_type_id=type_id)


# --- eligibility -------------------------------------------------------------------------------


def semesters_completed(intake_year: int, on: date) -> int:
    """Semesters finished by ``on`` for an intake starting in September (at most 6)."""
    months = (on.year - intake_year) * 12 + on.month - 9
    return max(0, min(6, (months + 1) // 6))


def followed_version(session: Session, cohort: Cohort) -> int | None:
    """The published programme version a cohort follows: its own intake's, or else the
    latest published programme of its major for an earlier intake (a cohort whose own
    programme is still in draft keeps the one it was taught by); None when there is none."""
    query = (
        select(ProgrammeVersion.id)
        .join(TrainingProgramme, TrainingProgramme.id == ProgrammeVersion.programme_id)
        .where(
            TrainingProgramme.major == cohort.major,
            TrainingProgramme.intake_year <= cohort.intake_year,
            ProgrammeVersion.status == VersionStatus.published.value,
        )
        .order_by(TrainingProgramme.intake_year.desc(), ProgrammeVersion.number.desc())
    )
    return session.exec(query).first()


def _cohort_of(session: Session, student_id: int) -> Cohort | None:
    return session.exec(
        select(Cohort)
        .join(StudentProfile, StudentProfile.cohort_id == Cohort.id)
        .where(StudentProfile.user_id == student_id)
    ).first()


def programme_hours(
    session: Session, *, student_id: int, type_id: int, level: int, on: date
) -> int:
    """Hours of modules teaching the level's syllabus units, in finished semesters of the
    programme the student's cohort follows."""
    cohort = _cohort_of(session, student_id)
    if cohort is None:
        return 0
    done = semesters_completed(cohort.intake_year, on)
    version_id = followed_version(session, cohort)
    if done == 0 or version_id is None:
        return 0
    modules = (
        select(CourseModule.id, CourseModule.hours)
        .join(Placement, Placement.course_id == CourseModule.course_id)
        .join(ModuleCertificateUnit, ModuleCertificateUnit.module_id == CourseModule.id)
        .join(CertificateUnit, CertificateUnit.id == ModuleCertificateUnit.unit_id)
        .where(
            Placement.version_id == version_id,
            Placement.semester <= done,
            CertificateUnit.certificate_type_id == type_id,
            CertificateUnit.level >= level,
        )
        .distinct()
        .subquery()
    )
    return int(session.exec(select(func.coalesce(func.sum(modules.c.hours), 0))).one())


def recorded_hours(session: Session, *, student_id: int, type_id: int) -> int:
    return int(
        session.exec(
            select(func.coalesce(func.sum(TrainingRecord.hours), 0)).where(
                TrainingRecord.student_id == student_id,
                TrainingRecord.certificate_type_id == type_id,
            )
        ).one()
    )


def held_levels(session: Session, *, student_id: int, type_id: int, on: date) -> set[int]:
    """Levels of the type the student holds a valid (unrevoked, unexpired) award at."""
    rows = session.exec(
        select(CertificateAward).where(
            CertificateAward.holder_id == student_id,
            CertificateAward.certificate_type_id == type_id,
        )
    ).all()
    return {a.level for a in rows if a.status_on(on) == AwardStatus.valid}


@dataclass
class Eligibility:
    problems: list  # lazy messages naming each missing condition
    hours_done: int
    hours_needed: int

    @property
    def ok(self) -> bool:
        return not self.problems


def check_eligibility(
    session: Session, *, student_id: int, type_id: int, level: int, on: date | None = None
) -> Eligibility:
    """Whether a student may sit (or be issued) a level, naming every missing condition."""
    on = on or today()
    cert = get_type(session, type_id)
    offered = levels_offered(session, type_id)
    rule = rule_for(session, type_id)
    problems: list = []
    needed = offered.get(level, 0)
    if level not in offered:
        problems.append(
            _l(
                "%(work_type)s is offered at levels %(levels)s only.",
                work_type=cert.work_type_zh or cert.name_zh,
                levels="、".join(str(n) for n in sorted(offered, reverse=True)) or "—",
            )
        )
    done = programme_hours(
        session, student_id=student_id, type_id=type_id, level=level, on=on
    ) + recorded_hours(session, student_id=student_id, type_id=type_id)
    if rule.checks_training_hours and level in offered and done < needed:
        problems.append(
            _l(
                "Training hours: %(done)s of the %(needed)s required are completed.",
                done=done,
                needed=needed,
            )
        )
        cohort = _cohort_of(session, student_id)
        if cohort is None or followed_version(session, cohort) is None:
            problems.append(
                _l(
                    "No published training programme is followed by the student's cohort, "
                    "so only hours recorded by hand count. Publish the cohort's programme, "
                    "or record the hours."
                )
            )
    held = held_levels(session, student_id=student_id, type_id=type_id, on=on)
    below_held = any(h <= level + 1 for h in held)
    if (
        rule.requires_level_below
        and level < rule.entry_level
        and level in offered
        and not below_held
    ):
        problems.append(
            _l("Level %(below)s of this certificate must be held first.", below=level + 1)
        )
    if any(h <= level for h in held):
        problems.append(_l("The student already holds this level or a higher one."))
    return Eligibility(problems, done, needed)
