"""Who may see which cohort's evaluation: administrators every cohort, teachers the
cohorts they head, a student their own score page."""

from sqlalchemy import bindparam
from sqlmodel import Session, select

from app.errors import Forbidden, NotFound
from app.models import Cohort, Role, StudentProfile, User

# Built once: every evaluation page and the staff dashboards start here.
_ALL_COHORTS = select(Cohort).order_by(
    Cohort.intake_year.desc(), Cohort.major, Cohort.class_number, Cohort.id
)
_HEADED_COHORTS = _ALL_COHORTS.where(Cohort.head_teacher_id == bindparam("teacher_id"))


def visible_cohorts(session: Session, *, user: User) -> list[Cohort]:
    if user.role == Role.teacher.value:
        return list(session.exec(_HEADED_COHORTS, params={"teacher_id": user.id}).all())
    if user.role != Role.admin.value:
        return []
    return list(session.exec(_ALL_COHORTS).all())


def check_cohort(session: Session, *, user: User, cohort_id: int) -> Cohort:
    """The cohort, if the user may see its evaluation (403 otherwise)."""
    cohort = session.get(Cohort, cohort_id)
    if cohort is None:
        raise NotFound("This cohort does not exist.")
    if user.role == Role.admin.value:
        return cohort
    if user.role == Role.teacher.value and cohort.head_teacher_id == user.id:
        return cohort
    raise Forbidden("Only administrators and the cohort's head teacher see its evaluation.")


def check_cohorts(session: Session, *, user: User, cohort_ids: list[int]) -> list[Cohort]:
    return [check_cohort(session, user=user, cohort_id=c) for c in sorted(set(cohort_ids))]


def check_student(session: Session, *, user: User, student_id: int) -> tuple[User, StudentProfile]:
    """A student whose score page the user may open: their own, or one of a visible cohort."""
    row = session.exec(
        select(User, StudentProfile)
        .join(StudentProfile, StudentProfile.user_id == User.id)
        .where(User.id == student_id)
    ).first()
    if row is None:
        raise NotFound("This student does not exist.")
    student, profile = row
    if user.role == Role.student.value:
        if user.id != student.id:
            raise Forbidden("Students see only their own evaluation.")
    elif profile.cohort_id is None:
        if user.role != Role.admin.value:
            raise Forbidden("Only administrators see students without a cohort.")
    else:
        check_cohort(session, user=user, cohort_id=profile.cohort_id)
    if profile.cohort_id is None:
        raise NotFound("This student has no cohort, so no evaluation.")
    return student, profile
