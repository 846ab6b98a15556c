"""People: creating and editing users and their role profiles."""

import re

from sqlalchemy import func, or_
from sqlmodel import Session, select

from app.errors import FormErrors
from app.i18n import lazy_gettext as _l
from app.models import Role, User
from app.security import hash_password
from app.services.auth import password_problems

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def normalise_username(username: str) -> str:
    return username.strip().lower()


def email_problem(email: str | None) -> object | None:
    if email and not EMAIL_RE.match(email):
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
