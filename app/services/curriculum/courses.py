"""Courses: the list with filters, creating and editing them, and who may edit (owners, admins)."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import bindparam, exists, func, or_
from sqlmodel import Session, select

from app.errors import Conflict, Forbidden, FormErrors, NotFound
from app.i18n import lazy_gettext as _l
from app.models import Role, Skill, User
from app.models.curriculum import (
    Course,
    CourseModule,
    CourseOwner,
    ModuleSkill,
    Placement,
)
from app.schemas.curriculum import CourseForm, NewCourseForm, OwnerForm

CODE_MAX = 32
TITLE_MAX = 200
DESCRIPTION_MAX = 2000
HOURS_MAX = 2000
CREDITS_MAX = Decimal("99.9")
SEARCH_MAX = 100


@dataclass
class CourseRow:
    """A course in the list, with its owners and the hours its modules add up to."""

    course: Course
    owners: list[User] = field(default_factory=list)
    module_hours: int = 0

    @property
    def difference(self) -> int:
        return self.module_hours - self.course.hours


def is_owner(session: Session, *, course_id: int, user_id: int) -> bool:
    """Whether the user is one of the course's owning teachers."""
    return session.get(CourseOwner, (course_id, user_id)) is not None


def can_edit(session: Session, *, course: Course, user: User) -> bool:
    """Admins and the course's owners edit it; everyone else reads."""
    if user.role == Role.admin:
        return True
    return user.role == Role.teacher and is_owner(session, course_id=course.id, user_id=user.id)


def require_editor(session: Session, *, course: Course, user: User) -> None:
    """Raise Forbidden unless the user may edit the course."""
    if not can_edit(session, course=course, user=user):
        raise Forbidden("Only the course's owners and administrators can change it.")


def get_course(session: Session, course_id: int) -> Course:
    """One course, or NotFound."""
    course = session.get(Course, course_id)
    if course is None:
        raise NotFound("This course does not exist.")
    return course


# Built once: every course list and the teachers' dashboard decorate courses with these.
_OWNERS_OF = (
    select(CourseOwner.course_id, User)
    .join(User, User.id == CourseOwner.user_id)
    .where(CourseOwner.course_id.in_(bindparam("course_ids", expanding=True)))
    .order_by(User.full_name, User.id)
)
_MODULE_HOURS_OF = (
    select(CourseModule.course_id, func.coalesce(func.sum(CourseModule.hours), 0))
    .where(CourseModule.course_id.in_(bindparam("course_ids", expanding=True)))
    .group_by(CourseModule.course_id)
)


def owners_of(session: Session, course_ids: list[int]) -> dict[int, list[User]]:
    """Owners per course, in one statement."""
    grouped: dict[int, list[User]] = defaultdict(list)
    if not course_ids:
        return grouped
    rows = session.exec(_OWNERS_OF, params={"course_ids": course_ids}).all()
    for course_id, user in rows:
        grouped[course_id].append(user)
    return grouped


def module_hours_of(session: Session, course_ids: list[int]) -> dict[int, int]:
    """The sum of module hours per course, in one statement."""
    if not course_ids:
        return {}
    rows = session.exec(_MODULE_HOURS_OF, params={"course_ids": course_ids}).all()
    return {course_id: int(total) for course_id, total in rows}


def course_query(
    *,
    semester: int | None = None,
    kind: str | None = None,
    post_id: int | None = None,
    owner_id: int | None = None,
    search: str = "",
):
    """The filtered list query (no statement is issued here)."""
    query = select(Course)
    if semester:
        query = query.where(Course.semester == semester)
    if kind:
        query = query.where(Course.kind == kind)
    if owner_id:
        query = query.where(
            exists().where(CourseOwner.course_id == Course.id, CourseOwner.user_id == owner_id)
        )
    if post_id:
        query = query.where(
            exists()
            .where(CourseModule.course_id == Course.id)
            .where(ModuleSkill.module_id == CourseModule.id)
            .where(Skill.id == ModuleSkill.skill_id, Skill.post_id == post_id)
        )
    term = search.strip()[:SEARCH_MAX]
    if term:
        query = query.where(
            or_(
                Course.code.icontains(term, autoescape=True),
                Course.title_zh.icontains(term, autoescape=True),
                Course.title_en.icontains(term, autoescape=True),
            )
        )
    return query.order_by(Course.semester, Course.code)


def rows_for(session: Session, courses: list[Course]) -> list[CourseRow]:
    """Decorate courses with owners and module hours (two statements)."""
    ids = [c.id for c in courses]
    owners, hours = owners_of(session, ids), module_hours_of(session, ids)
    return [CourseRow(c, owners.get(c.id, []), hours.get(c.id, 0)) for c in courses]


def list_teachers(session: Session) -> list[User]:
    """Active teachers, for owner pickers and the owner filter."""
    return list(
        session.exec(
            select(User)
            .where(User.role == Role.teacher, User.is_active == True)  # noqa: E712
            .order_by(User.full_name, User.id)
        ).all()
    )


# --- writes ----------------------------------------------------------------------------------


def create_course(session: Session, *, actor: User, form: NewCourseForm) -> Course:
    """Create a course; a teacher who creates it becomes its first owner."""
    if actor.role not in (Role.admin, Role.teacher):
        raise Forbidden("Only teachers and administrators can create courses.")
    if session.exec(select(Course.id).where(Course.code == form.code)).first() is not None:
        raise FormErrors({"code": _l("Another course already has this code.")})
    course = Course(**form.model_dump())
    session.add(course)
    session.flush()
    if actor.role == Role.teacher:
        session.add(CourseOwner(course_id=course.id, user_id=actor.id))
        session.flush()
    return course


def update_course(session: Session, *, actor: User, course_id: int, form: CourseForm) -> Course:
    """Change a course's titles, semester, credits, hours, kind and descriptions."""
    course = get_course(session, course_id)
    require_editor(session, course=course, user=actor)
    for name, value in form.model_dump().items():
        setattr(course, name, value)
    session.add(course)
    session.flush()
    return course


def delete_course(session: Session, *, actor: User, course_id: int) -> None:
    """Delete a course that no programme places."""
    course = get_course(session, course_id)
    require_editor(session, course=course, user=actor)
    placed = session.exec(select(Placement.id).where(Placement.course_id == course.id)).first()
    if placed is not None:
        raise Conflict(
            "A training programme places this course; take it out of the programme first."
        )
    session.delete(course)
    session.flush()


def add_owner(session: Session, *, actor: User, course_id: int, form: OwnerForm) -> User:
    """Make a teacher an owner of the course."""
    course = get_course(session, course_id)
    require_editor(session, course=course, user=actor)
    teacher = session.get(User, form.owner_id) if form.owner_id else None
    if teacher is None or teacher.role != Role.teacher or not teacher.is_active:
        raise FormErrors({"owner_id": _l("Choose a teacher.")})
    if not is_owner(session, course_id=course.id, user_id=teacher.id):
        session.add(CourseOwner(course_id=course.id, user_id=teacher.id))
        session.flush()
    return teacher


def remove_owner(session: Session, *, actor: User, course_id: int, user_id: int) -> None:
    """Take a teacher off the course's owners; the last owner stays unless an admin removes it."""
    course = get_course(session, course_id)
    require_editor(session, course=course, user=actor)
    link = session.get(CourseOwner, (course.id, user_id))
    if link is None:
        raise NotFound("This teacher does not own the course.")
    count = session.exec(
        select(func.count()).select_from(CourseOwner).where(CourseOwner.course_id == course.id)
    ).one()
    if count <= 1 and actor.role != Role.admin:
        raise Conflict("A course keeps at least one owner.")
    session.delete(link)
    session.flush()


_OWN_COURSES = (  # on every teacher's dashboard: built once
    select(Course)
    .join(CourseOwner, CourseOwner.course_id == Course.id)
    .where(CourseOwner.user_id == bindparam("user_id"))
    .order_by(Course.semester, Course.code)
)


def teacher_courses(session: Session, *, user: User) -> list[CourseRow]:
    """A teacher's own courses with module-hour totals, for the dashboard (three statements)."""
    courses = list(session.exec(_OWN_COURSES, params={"user_id": user.id}).all())
    return rows_for(session, courses)
