"""Role profiles: a student's number and cohort, a teacher's department, a mentor's posts."""

import re
from dataclasses import dataclass, field

from sqlalchemy import delete
from sqlmodel import Session, select

from app.i18n import lazy_gettext as _l
from app.models import (
    Cohort,
    MentorExpertise,
    MentorProfile,
    Post,
    Role,
    StudentProfile,
    TeacherProfile,
    User,
)
from app.schemas.people import PersonForm

STUDENT_NUMBER_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,31}$")
PHONE_RE = re.compile(r"^\+?[0-9][0-9 -]{4,30}$")
DEPARTMENT_MAX = 100
ENTERPRISE_MAX = 200
TITLE_MAX = 100


@dataclass
class ProfileValues:
    """A role profile, checked and cleaned, ready to save."""

    student_number: str = ""
    cohort_id: int | None = None
    phone: str | None = None
    department: str | None = None
    double_qualified: bool = False
    enterprise: str | None = None
    title: str | None = None
    expertise: list[int] = field(default_factory=list)


def _check_student(session: Session, form: PersonForm, user_id: int | None, errors: dict):
    values = ProfileValues()
    number = form.student_number.strip()
    if not number:
        errors["student_number"] = _l("Enter the student number.")
    elif not STUDENT_NUMBER_RE.match(number):
        errors["student_number"] = _l("Use up to 32 letters, digits or dashes.")
    else:
        query = select(StudentProfile.user_id).where(StudentProfile.student_number == number)
        if user_id is not None:
            query = query.where(StudentProfile.user_id != user_id)
        if session.exec(query).first() is not None:
            errors["student_number"] = _l("Another student has this student number.")
    values.student_number = number
    if form.cohort_id is not None:
        if session.get(Cohort, form.cohort_id) is None:
            errors["cohort_id"] = _l("Choose a cohort from the list.")
        values.cohort_id = form.cohort_id
    phone = form.phone.strip()
    if phone and not PHONE_RE.match(phone):
        errors["phone"] = _l("Enter a phone number of digits, e.g. 13800138000.")
    values.phone = phone or None
    return values


def _check_teacher(form: PersonForm, errors: dict) -> ProfileValues:
    department = form.department.strip()
    if len(department) > DEPARTMENT_MAX:
        errors["department"] = _l("At most %(n)s characters.", n=DEPARTMENT_MAX)
    return ProfileValues(department=department or None, double_qualified=form.double_qualified)


def _check_mentor(session: Session, form: PersonForm, errors: dict) -> ProfileValues:
    enterprise, title = form.enterprise.strip(), form.title.strip()
    if not enterprise:
        errors["enterprise"] = _l("Enter the mentor's enterprise.")
    elif len(enterprise) > ENTERPRISE_MAX:
        errors["enterprise"] = _l("At most %(n)s characters.", n=ENTERPRISE_MAX)
    if len(title) > TITLE_MAX:
        errors["title"] = _l("At most %(n)s characters.", n=TITLE_MAX)
    wanted = set(form.expertise)
    posts: list[int] = []
    if wanted:
        known = set(session.exec(select(Post.id).where(Post.id.in_(wanted))).all())
        if known != wanted:
            errors["expertise"] = _l("Choose posts from the list.")
        posts = sorted(known)
    return ProfileValues(enterprise=enterprise or None, title=title or None, expertise=posts)


def profile_problems(
    session: Session, *, role: Role, form: PersonForm, user_id: int | None = None
) -> tuple[dict[str, object], ProfileValues]:
    """Field errors of the profile a ``role`` needs, and the cleaned values."""
    errors: dict[str, object] = {}
    if role == Role.student:
        values = _check_student(session, form, user_id, errors)
    elif role == Role.teacher:
        values = _check_teacher(form, errors)
    elif role == Role.mentor:
        values = _check_mentor(session, form, errors)
    else:
        values = ProfileValues()
    return errors, values


def save_profile(session: Session, *, user: User, values: ProfileValues) -> None:
    """Create or update the profile row(s) of the user's role."""
    if user.role == Role.student:
        profile = session.get(StudentProfile, user.id) or StudentProfile(
            user_id=user.id, student_number=values.student_number
        )
        profile.student_number = values.student_number
        profile.cohort_id = values.cohort_id
        profile.phone = values.phone
    elif user.role == Role.teacher:
        profile = session.get(TeacherProfile, user.id) or TeacherProfile(user_id=user.id)
        profile.department = values.department
        profile.double_qualified = values.double_qualified
    elif user.role == Role.mentor:
        profile = session.get(MentorProfile, user.id) or MentorProfile(user_id=user.id)
        profile.enterprise = values.enterprise
        profile.title = values.title
    else:
        return
    session.add(profile)
    session.flush()
    if user.role == Role.mentor:
        _replace_expertise(session, mentor_id=user.id, post_ids=values.expertise)


def _replace_expertise(session: Session, *, mentor_id: int, post_ids: list[int]) -> None:
    current = set(
        session.exec(
            select(MentorExpertise.post_id).where(MentorExpertise.mentor_id == mentor_id)
        ).all()
    )
    wanted = set(post_ids)
    if current - wanted:
        session.exec(
            delete(MentorExpertise).where(
                MentorExpertise.mentor_id == mentor_id,
                MentorExpertise.post_id.in_(current - wanted),
            )
        )
    for post_id in sorted(wanted - current):
        session.add(MentorExpertise(mentor_id=mentor_id, post_id=post_id))
    session.flush()


def list_posts(session: Session) -> list[Post]:
    """Posts to choose a mentor's expertise from."""
    return list(session.exec(select(Post).order_by(Post.sort_order, Post.id)).all())
