"""Cohorts (班级): major + intake year + class number, a head teacher, and students."""

from dataclasses import dataclass
from math import ceil

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from app.errors import Conflict, Forbidden, FormErrors, NotFound
from app.i18n import N_
from app.i18n import lazy_gettext as _l
from app.models import Cohort, Role, StudentProfile, User
from app.schemas.base import FormValues
from app.schemas.people import CohortForm
from app.services.pagination import Page, paginate

MAJOR_MAX = 100


@dataclass
class CohortRow:
    cohort: Cohort
    head_teacher: User | None
    size: int


def _page(rows: list, total: int, *, page: int, per_page: int, base_path: str) -> Page:
    return Page(
        items=rows,
        total=total,
        number=min(page, max(1, ceil(total / per_page))),
        per_page=per_page,
        base_path=base_path,
        query={"per_page": per_page},
    )


def _with_sizes():
    sizes = (
        select(StudentProfile.cohort_id, func.count().label("n"))
        .group_by(StudentProfile.cohort_id)
        .subquery()
    )
    return (
        select(Cohort, User, func.coalesce(sizes.c.n, 0))
        .outerjoin(User, User.id == Cohort.head_teacher_id)
        .outerjoin(sizes, sizes.c.cohort_id == Cohort.id)
    )


def list_cohorts(
    session: Session, *, viewer: User, page: int = 1, per_page: int = 25
) -> Page[CohortRow]:
    """Every cohort for an administrator; a teacher sees the cohorts they head."""
    query = _with_sizes().order_by(
        Cohort.intake_year.desc(), Cohort.major, Cohort.class_number, Cohort.id
    )
    if viewer.role != Role.admin:
        query = query.where(Cohort.head_teacher_id == viewer.id)
    rows, total = paginate(session, query, page=page, per_page=per_page)
    items = [CohortRow(cohort, head, size) for cohort, head, size in rows]
    return _page(items, total, page=page, per_page=per_page, base_path="/cohorts")


def cohort_choices(session: Session) -> list[Cohort]:
    """Cohorts to choose from in forms and filters, newest intake first."""
    return list(
        session.exec(
            select(Cohort).order_by(Cohort.intake_year.desc(), Cohort.major, Cohort.class_number)
        ).all()
    )


def teacher_choices(session: Session, *, include_id: int | None = None) -> list[User]:
    """Active teachers who can head a cohort (plus the current head, whatever their state)."""
    query = select(User).where(User.role == Role.teacher)
    if include_id is not None:
        query = query.where((User.is_active == True) | (User.id == include_id))  # noqa: E712
    else:
        query = query.where(User.is_active == True)  # noqa: E712
    return list(session.exec(query.order_by(User.full_name, User.id)).all())


def get_cohort(session: Session, *, cohort_id: int, viewer: User) -> CohortRow:
    """A cohort with its head teacher and size; teachers may open only the ones they head."""
    row = session.exec(_with_sizes().where(Cohort.id == cohort_id)).first()
    if row is None:
        raise NotFound("This cohort does not exist.")
    cohort, head, size = row
    if viewer.role != Role.admin and cohort.head_teacher_id != viewer.id:
        raise Forbidden("You can open only the cohorts you head.")
    return CohortRow(cohort, head, size)


def list_students(
    session: Session, *, cohort_id: int, page: int = 1, per_page: int = 25
) -> Page[tuple[User, StudentProfile]]:
    """The students of a cohort, by student number."""
    query = (
        select(User, StudentProfile)
        .join(StudentProfile, StudentProfile.user_id == User.id)
        .where(StudentProfile.cohort_id == cohort_id)
        .order_by(StudentProfile.student_number)
    )
    rows, total = paginate(session, query, page=page, per_page=per_page)
    items = [(user, profile) for user, profile in rows]
    return _page(items, total, page=page, per_page=per_page, base_path=f"/cohorts/{cohort_id}")


def cohort_form(cohort: Cohort) -> FormValues:
    """The edit form filled with a cohort's current values."""
    return CohortForm.initial(
        major=cohort.major,
        intake_year=str(cohort.intake_year),
        class_number=str(cohort.class_number),
        head_teacher_id=str(cohort.head_teacher_id or ""),
    )


DUPLICATE = N_("This cohort already exists: the major, intake year and class number are taken.")


def _checked(
    session: Session, form: CohortForm, *, cohort_id: int | None, current_head: int | None
) -> tuple[str, int, int, int | None]:
    errors: dict[str, object] = {}
    major = " ".join(form.major.split())
    if not major:
        errors["major"] = _l("Enter the major.")
    elif len(major) > MAJOR_MAX:
        errors["major"] = _l("At most %(n)s characters.", n=MAJOR_MAX)
    year, number, head_id = form.intake_year, form.class_number, form.head_teacher_id
    if head_id is not None:
        head = session.get(User, head_id)
        usable = head is not None and head.role == Role.teacher
        if usable and not head.is_active and head.id != current_head:
            usable = False
        if not usable:
            errors["head_teacher_id"] = _l("Choose a teacher from the list.")
    if not errors:
        clash = select(Cohort.id).where(
            Cohort.major == major, Cohort.intake_year == year, Cohort.class_number == number
        )
        if cohort_id is not None:
            clash = clash.where(Cohort.id != cohort_id)
        if session.exec(clash).first() is not None:
            errors["class_number"] = _l(DUPLICATE)
    if errors:
        raise FormErrors(errors)
    return major, year, number, head_id


def _save(session: Session, cohort: Cohort) -> Cohort:
    try:
        with session.begin_nested():  # a concurrent save of the same class lands here
            session.add(cohort)
            session.flush()
    except IntegrityError as exc:
        raise FormErrors({"class_number": _l(DUPLICATE)}) from exc
    return cohort


def create_cohort(session: Session, *, form: CohortForm) -> Cohort:
    """A new cohort; a duplicate major + year + class is a field error."""
    major, year, number, head_id = _checked(session, form, cohort_id=None, current_head=None)
    cohort = Cohort(major=major, intake_year=year, class_number=number, head_teacher_id=head_id)
    return _save(session, cohort)


def load_cohort(session: Session, *, cohort_id: int) -> Cohort:
    """One cohort by id (for administrators' forms)."""
    cohort = session.get(Cohort, cohort_id)
    if cohort is None:
        raise NotFound("This cohort does not exist.")
    return cohort


def update_cohort(session: Session, *, cohort_id: int, form: CohortForm) -> Cohort:
    """Change a cohort's major, year, class number or head teacher."""
    cohort = load_cohort(session, cohort_id=cohort_id)
    major, year, number, head_id = _checked(
        session, form, cohort_id=cohort.id, current_head=cohort.head_teacher_id
    )
    cohort.major, cohort.intake_year, cohort.class_number = major, year, number
    cohort.head_teacher_id = head_id
    return _save(session, cohort)


def delete_cohort(session: Session, *, cohort_id: int) -> None:
    """Delete a cohort that has no students (the database refuses otherwise too)."""
    cohort = load_cohort(session, cohort_id=cohort_id)
    in_cohort = StudentProfile.cohort_id == cohort.id
    students = session.exec(select(func.count()).select_from(StudentProfile).where(in_cohort)).one()
    if students:
        raise Conflict(
            "Students still in this cohort: %(n)s. Move them to another cohort before deleting it.",
            n=students,
        )
    try:
        with session.begin_nested():
            session.delete(cohort)
            session.flush()
    except IntegrityError as exc:
        raise Conflict("Students were added to this cohort meanwhile; it was not deleted.") from exc
