"""People: creating and editing users and their role profiles."""

import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime
from math import ceil

from sqlalchemy import func, or_
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from app.errors import FormErrors, Invalid, NotFound
from app.i18n import N_
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
from app.schemas.base import FormValues
from app.schemas.fields import row_id_or_none
from app.schemas.people import PersonForm
from app.security import hash_password
from app.services.accounts import auth as auth_service
from app.services.accounts import profiles as profile_service
from app.services.accounts.auth import password_problems
from app.services.pagination import Page, paginate

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def normalise_username(username: str) -> str:
    return username.strip().lower()


def email_problem(email: str | None) -> object | None:
    if email and (len(email) > 254 or not EMAIL_RE.match(email)):
        return _l("Enter a valid email address, e.g. name@example.com.")
    return None


def identity_problems(
    session: Session,
    *,
    username: str,
    email: str | None,
    full_name: str,
    exclude_id: int | None = None,
) -> dict[str, object]:
    """Field errors for the username, email and name of a new or edited user."""
    errors: dict[str, object] = {}
    if not USERNAME_RE.match(username):
        errors["username"] = _l("Use 2–64 lower-case letters, digits, dots, dashes or underscores.")
    if not full_name.strip():
        errors["full_name"] = _l("Enter the person's name.")
    elif len(full_name.strip()) > 100:
        errors["full_name"] = _l("The name is too long (at most 100 characters).")
    problem = email_problem(email)
    if problem:
        errors["email"] = problem
    clashes = select(User).where(
        or_(User.username == username, func.lower(User.email) == (email or "").lower())
    )
    if exclude_id is not None:
        clashes = clashes.where(User.id != exclude_id)
    for other in session.exec(clashes).all():
        if other.username == username:
            errors.setdefault("username", _l("This username is taken."))
        if email and other.email and other.email.lower() == email.lower():
            errors.setdefault("email", _l("Another account uses this email."))
    return errors


def create_user(
    session: Session,
    *,
    username: str,
    full_name: str,
    role: Role,
    password: str,
    email: str | None = None,
    must_change_password: bool = True,
) -> User:
    """Create an account; field errors are raised together."""
    username = normalise_username(username)
    email = (email or "").strip() or None
    errors = identity_problems(session, username=username, email=email, full_name=full_name)
    problem = password_problems(password, username=username)
    if problem:
        errors["password"] = problem
    if errors:
        raise FormErrors(errors)
    user = User(
        username=username,
        full_name=full_name.strip(),
        role=role.value,
        email=email,
        password_hash=hash_password(password),
        must_change_password=must_change_password,
    )
    session.add(user)
    session.flush()
    return user


def create_admin(
    session: Session, *, username: str, full_name: str, password: str, email: str | None = None
) -> User:
    """An administrator who chose their own password (not forced to change it)."""
    return create_user(
        session,
        username=username,
        full_name=full_name,
        role=Role.admin,
        password=password,
        email=email,
        must_change_password=False,
    )


# --- generated passwords -------------------------------------------------------------

PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: easy to read aloud


def generate_password() -> str:
    """A one-time password like ``k7mq-x2rt-p9dz`` (about 74 bits)."""
    groups = ("".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(4)) for _ in range(3))
    return "-".join(groups)


# --- lists and details ---------------------------------------------------------------


@dataclass
class PersonRow:
    """A user with whatever profile their role has (loaded in the same statement)."""

    user: User
    student: StudentProfile | None = None
    cohort: Cohort | None = None
    teacher: TeacherProfile | None = None
    mentor: MentorProfile | None = None


@dataclass
class PersonDetail(PersonRow):
    expertise: list[Post] = field(default_factory=list)
    open_sessions: int = 0
    locked_until: datetime | None = None  # too many failed logins: locked until then
    one_time_password_expires_at: datetime | None = None
    one_time_password_expired: bool = False


def _with_profiles():
    return (
        select(User, StudentProfile, Cohort, TeacherProfile, MentorProfile)
        .outerjoin(StudentProfile, StudentProfile.user_id == User.id)
        .outerjoin(Cohort, Cohort.id == StudentProfile.cohort_id)
        .outerjoin(TeacherProfile, TeacherProfile.user_id == User.id)
        .outerjoin(MentorProfile, MentorProfile.user_id == User.id)
    )


def _like(term: str) -> str:
    escaped = term.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def list_people(
    session: Session,
    *,
    q: str = "",
    role: str = "",
    cohort_id: str = "",
    page: int = 1,
    per_page: int = 25,
) -> Page[PersonRow]:
    """Users matching a search (name, username, email, student number), role and cohort."""
    query = _with_profiles()
    term = q.replace("\x00", "").strip()
    if term:
        pattern = _like(term)
        query = query.where(
            or_(
                func.lower(User.full_name).like(pattern, escape="\\"),
                func.lower(User.username).like(pattern, escape="\\"),
                func.lower(User.email).like(pattern, escape="\\"),
                func.lower(StudentProfile.student_number).like(pattern, escape="\\"),
            )
        )
    if role in set(Role):
        query = query.where(User.role == role)
    cohort = cohort_id.strip()
    cohort_key = row_id_or_none(cohort)
    if cohort_key is not None:
        query = query.where(StudentProfile.cohort_id == cohort_key)
    query = query.order_by(User.full_name, User.id)
    rows, total = paginate(session, query, page=page, per_page=per_page)
    return Page(
        items=[PersonRow(*row) for row in rows],
        total=total,
        number=min(page, max(1, ceil(total / per_page))),
        per_page=per_page,
        base_path="/people",
        query={"q": term, "role": role, "cohort": cohort, "per_page": per_page},
    )


def get_person(session: Session, *, user_id: int) -> PersonDetail:
    """One user with their profile, expertise posts and number of open sessions."""
    row = session.exec(_with_profiles().where(User.id == user_id)).first()
    if row is None:
        raise NotFound("This person does not exist.")
    detail = PersonDetail(*row)
    if detail.user.role == Role.mentor:
        detail.expertise = list(
            session.exec(
                select(Post)
                .join(MentorExpertise, MentorExpertise.post_id == Post.id)
                .where(MentorExpertise.mentor_id == user_id)
                .order_by(Post.sort_order, Post.id)
            ).all()
        )
    detail.open_sessions = auth_service.count_user_sessions(session, user_id=user_id)
    detail.locked_until = auth_service.account_locked_until(session, user=detail.user)
    detail.one_time_password_expires_at = auth_service.one_time_password_expires_at(detail.user)
    detail.one_time_password_expired = auth_service.one_time_password_expired(detail.user)
    return detail


def person_form(detail: PersonDetail) -> FormValues:
    """The edit form filled with a user's current values."""
    user, student, teacher, mentor = detail.user, detail.student, detail.teacher, detail.mentor
    return PersonForm.initial(
        role=user.role,
        username=user.username,
        full_name=user.full_name,
        email=user.email or "",
        student_number=student.student_number if student else "",
        cohort_id=str(student.cohort_id) if student and student.cohort_id else "",
        phone=(student.phone or "") if student else "",
        department=(teacher.department or "") if teacher else "",
        double_qualified=bool(teacher and teacher.double_qualified),
        enterprise=(mentor.enterprise or "") if mentor else "",
        title=(mentor.title or "") if mentor else "",
        expertise=[str(post.id) for post in detail.expertise],
    )


# --- changes -------------------------------------------------------------------------

RACE_MESSAGE = N_("Someone saved the same username, email or student number just now. Try again.")


def create_person(session: Session, *, form: PersonForm) -> tuple[User, str]:
    """A new account with its role profile and a one-time password (typed or generated)."""
    role = Role(form.role)
    username = normalise_username(form.username)
    email = form.email.strip() or None
    password = form.password if form.password.strip() else generate_password()
    errors = identity_problems(session, username=username, email=email, full_name=form.full_name)
    problem = password_problems(password, username=username)
    if problem:
        errors["password"] = problem
    profile_errors, values = profile_service.profile_problems(session, role=role, form=form)
    errors.update(profile_errors)
    if errors:
        raise FormErrors(errors)
    try:
        with session.begin_nested():  # a concurrent save of the same keys lands here
            user = create_user(
                session,
                username=username,
                full_name=form.full_name,
                role=role,
                password=password,
                email=email,
            )
            profile_service.save_profile(session, user=user, values=values)
    except IntegrityError as exc:
        raise FormErrors({"form": _l(RACE_MESSAGE)}) from exc
    return user, password


def _get_user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("This person does not exist.")
    return user


def update_person(session: Session, *, user_id: int, form: PersonForm) -> User:
    """Change a user's name, email and profile; username and role stay as created."""
    user = _get_user(session, user_id)
    email = form.email.strip() or None
    errors = identity_problems(
        session,
        username=user.username,
        email=email,
        full_name=form.full_name,
        exclude_id=user.id,
    )
    errors.pop("username", None)  # not editable: an old username must not block a save
    profile_errors, values = profile_service.profile_problems(
        session, role=Role(user.role), form=form, user_id=user.id
    )
    errors.update(profile_errors)
    if errors:
        raise FormErrors(errors)
    try:
        with session.begin_nested():
            user.full_name = form.full_name.strip()
            user.email = email
            session.add(user)
            session.flush()
            profile_service.save_profile(session, user=user, values=values)
    except IntegrityError as exc:
        raise FormErrors({"form": _l(RACE_MESSAGE)}) from exc
    return user


def set_user_active(session: Session, *, actor_id: int, user_id: int, active: bool) -> User:
    """Disable (ending every session at once) or re-enable an account."""
    user = _get_user(session, user_id)
    if not active and user.id == actor_id:
        raise Invalid("You cannot disable your own account.")
    user.is_active = active
    session.add(user)
    session.flush()
    if not active:
        auth_service.end_user_sessions(session, user_id=user.id)
    return user


def end_sessions(session: Session, *, user_id: int) -> int:
    """Log a user out everywhere; returns how many sessions ended."""
    user = _get_user(session, user_id)
    return auth_service.end_user_sessions(session, user_id=user.id)


def unlock_person(session: Session, *, user_id: int) -> User:
    """Lift the lock that failed logins put on an account."""
    user = _get_user(session, user_id)
    auth_service.unlock_account(session, user=user)
    return user


def issue_one_time_password(session: Session, *, user_id: int, password: str = "") -> str:
    """Set a password the user must change at the next login; blank means generate one."""
    user = _get_user(session, user_id)
    password = password if password.strip() else generate_password()
    auth_service.set_one_time_password(session, user=user, password=password)
    return password
