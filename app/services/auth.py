"""Logging in and out, server-side sessions, lockout and passwords."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, or_, update
from sqlmodel import Session, select

from app.config import settings
from app.errors import FormErrors, Invalid, TooManyAttempts
from app.i18n import lazy_gettext as _l
from app.models import LoginAttempt, User, UserSession
from app.models.base import utcnow
from app.security import (
    DUMMY_PASSWORD_HASH,
    hash_password,
    new_token,
    token_digest,
    verify_password,
)

MIN_PASSWORD_LENGTH = 8
TOUCH_INTERVAL = timedelta(seconds=60)


@dataclass(frozen=True)
class ActiveSession:
    session_id: int
    csrf_token: str
    last_seen_at: datetime
    user: User


def find_user_by_login(session: Session, login: str) -> User | None:
    """The user whose username or email is ``login`` (case-insensitive)."""
    key = login.strip().lower()
    if not key:
        return None
    return session.exec(
        select(User).where(or_(func.lower(User.username) == key, func.lower(User.email) == key))
    ).first()


def _recent_failures(session: Session, account_key: str, now: datetime) -> int:
    since = now - timedelta(minutes=settings.login_lock_minutes)
    last_success = (
        select(func.max(LoginAttempt.attempted_at))
        .where(LoginAttempt.account_key == account_key, LoginAttempt.succeeded)
        .scalar_subquery()
    )
    query = select(func.count()).where(
        LoginAttempt.account_key == account_key,
        LoginAttempt.succeeded == False,  # noqa: E712
        LoginAttempt.attempted_at >= since,
        or_(last_success.is_(None), LoginAttempt.attempted_at > last_success),
    )
    return session.exec(query).one()


def authenticate(session: Session, *, login: str, password: str, ip: str | None = None) -> User:
    """Check credentials; every try is recorded, and repeated failures lock the account."""
    now = utcnow()
    user = find_user_by_login(session, login)
    account_key = f"user:{user.id}" if user else f"name:{login.strip().lower()[:240]}"
    if _recent_failures(session, account_key, now) >= settings.login_max_failures:
        raise TooManyAttempts(
            "Too many failed logins. Try again in %(minutes)s minutes.",
            minutes=settings.login_lock_minutes,
        )
    ok = verify_password(password, user.password_hash if user else DUMMY_PASSWORD_HASH)
    ok = ok and user is not None and user.is_active
    session.add(
        LoginAttempt(account_key=account_key, succeeded=ok, attempted_at=now, ip_address=ip)
    )
    session.flush()
    if not ok:
        raise Invalid("Wrong username or password, or the account is disabled.")
    return user


def start_session(
    session: Session, *, user: User, ip: str | None = None, user_agent: str | None = None
) -> str:
    """Open a new server-side session and return the raw token for the cookie."""
    token = new_token()
    session.add(
        UserSession(
            token_hash=token_digest(token),
            user_id=user.id,
            csrf_token=new_token(),
            ip_address=ip,
            user_agent=(user_agent or "")[:255],
        )
    )
    session.flush()
    return token


def resolve_session(
    session: Session, token: str, *, now: datetime | None = None
) -> ActiveSession | None:
    """The live session for a cookie token, found by one indexed lookup, or None."""
    now = now or utcnow()
    row = session.exec(
        select(UserSession, User)
        .join(User, User.id == UserSession.user_id)
        .where(UserSession.token_hash == token_digest(token))
    ).first()
    if row is None:
        return None
    user_session, user = row
    idle_limit = timedelta(minutes=settings.session_idle_minutes)
    absolute_limit = timedelta(hours=settings.session_absolute_hours)
    if (
        not user.is_active
        or now - user_session.last_seen_at > idle_limit
        or now - user_session.created_at > absolute_limit
    ):
        return None
    return ActiveSession(user_session.id, user_session.csrf_token, user_session.last_seen_at, user)


def touch_session(session: Session, *, session_id: int, now: datetime | None = None) -> None:
    """Record activity so the idle timeout restarts (once per interval, whoever comes first)."""
    now = now or utcnow()
    session.exec(
        update(UserSession)
        .where(UserSession.id == session_id, UserSession.last_seen_at < now - TOUCH_INTERVAL)
        .values(last_seen_at=now)
    )


def end_session(session: Session, *, token: str) -> None:
    session.exec(delete(UserSession).where(UserSession.token_hash == token_digest(token)))


def end_user_sessions(session: Session, *, user_id: int) -> int:
    """End every session of a user (disabled, password reset, or on an admin's request)."""
    result = session.exec(delete(UserSession).where(UserSession.user_id == user_id))
    return result.rowcount or 0


def count_user_sessions(session: Session, *, user_id: int) -> int:
    return session.exec(
        select(func.count()).select_from(UserSession).where(UserSession.user_id == user_id)
    ).one()


def password_problems(password: str, *, username: str = "") -> str | None:
    if len(password) < MIN_PASSWORD_LENGTH:
        return _l("Use at least %(n)s characters.", n=MIN_PASSWORD_LENGTH)
    if username and password.lower() == username.lower():
        return _l("The password must not be the username.")
    return None


def change_password(
    session: Session,
    *,
    user: User,
    current: str,
    new: str,
    confirm: str,
    keep_session_id: int | None,
) -> None:
    """A user changes their own password; their other sessions end."""
    errors = {}
    if not verify_password(current, user.password_hash):
        errors["current_password"] = _l("The current password is wrong.")
    problem = password_problems(new, username=user.username)
    if problem:
        errors["new_password"] = problem
    elif verify_password(new, user.password_hash):
        errors["new_password"] = _l("Choose a password different from the current one.")
    if new != confirm:
        errors["confirm_password"] = _l("The two passwords differ.")
    if errors:
        raise FormErrors(errors)
    user.password_hash = hash_password(new)
    user.must_change_password = False
    session.add(user)
    query = delete(UserSession).where(UserSession.user_id == user.id)
    if keep_session_id is not None:
        query = query.where(UserSession.id != keep_session_id)
    session.exec(query)
    session.flush()


def set_one_time_password(session: Session, *, user: User, password: str) -> None:
    """An admin sets a password that must be changed at the next login."""
    problem = password_problems(password, username=user.username)
    if problem:
        raise FormErrors({"password": problem})
    user.password_hash = hash_password(password)
    user.must_change_password = True
    session.add(user)
    end_user_sessions(session, user_id=user.id)
    session.flush()


def set_locale(session: Session, *, user: User, locale: str) -> None:
    session.exec(update(User).where(User.id == user.id).values(locale=locale))
