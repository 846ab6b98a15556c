"""Logging in and out, server-side sessions, lockout and passwords."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from math import ceil

from sqlalchemy import bindparam, delete, func, or_, update
from sqlalchemy import inspect as sa_inspect
from sqlalchemy import select as sa_select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import instance_state
from sqlmodel import Session, select

from app.config import settings
from app.errors import FormErrors, Invalid, TooManyAttempts
from app.i18n import N_
from app.i18n import lazy_gettext as _l
from app.models import LoginAttempt, User, UserSession
from app.models.base import utcnow
from app.models.notifications import Notification
from app.security import (
    DUMMY_PASSWORD_HASH,
    hash_password,
    new_token,
    token_digest,
    verify_password,
)
from app.services.revisions import ALL_TOKENS

MIN_PASSWORD_LENGTH = 8
TOUCH_INTERVAL = timedelta(seconds=60)
ACCOUNT_LOCKED = N_("Too many failed logins. Try again in %(minutes)s minutes.")
ADDRESS_LOCKED = N_(
    "Too many failed logins from this network address. Try again in %(minutes)s minutes."
)


@dataclass(frozen=True)
class ActiveSession:
    session_id: int
    csrf_token: str
    last_seen_at: datetime
    user: User
    unread_notifications: int = 0  # the bell in the top bar
    data_tokens: str | None = None  # revisions.ALL_TOKENS, when asked for with the lookup


def find_user_by_login(session: Session, login: str) -> User | None:
    """The user whose username or email is ``login`` (case-insensitive)."""
    key = login.strip().lower()
    if not key:
        return None
    return session.exec(
        select(User).where(or_(func.lower(User.username) == key, func.lower(User.email) == key))
    ).first()


class LoginRefused(TooManyAttempts):
    """Too many failed logins (of the account, or from the address): wait and retry."""

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message, minutes=max(1, ceil(retry_after / 60)))
        self.retry_after = retry_after


def _lifted_at(times: list[datetime], limit: int, window: timedelta) -> datetime | None:
    """When a lock on ``limit`` failures within ``window`` lifts (times newest first)."""
    if limit <= 0 or len(times) < limit:
        return None
    return times[limit - 1] + window


def _account_failures(
    session: Session, user: User | None, account_key: str, since: datetime, limit: int
) -> list[datetime]:
    """The latest failures of an account since its last success (or unlock), newest first."""
    last_success = (
        select(func.max(LoginAttempt.attempted_at))
        .where(LoginAttempt.account_key == account_key, LoginAttempt.succeeded)
        .scalar_subquery()
    )
    if user is not None and user.unlocked_at is not None:
        since = max(since, user.unlocked_at)
    query = (
        select(LoginAttempt.attempted_at)
        .where(
            LoginAttempt.account_key == account_key,
            LoginAttempt.succeeded == False,  # noqa: E712
            LoginAttempt.attempted_at >= since,
            or_(last_success.is_(None), LoginAttempt.attempted_at > last_success),
        )
        .order_by(LoginAttempt.attempted_at.desc())
        .limit(limit)
    )
    return list(session.exec(query).all())


def _address_failures(session: Session, ip: str, since: datetime, limit: int) -> list[datetime]:
    """The latest failures from one address, whatever accounts they tried, newest first."""
    query = (
        select(LoginAttempt.attempted_at)
        .where(
            LoginAttempt.ip_address == ip,
            LoginAttempt.succeeded == False,  # noqa: E712
            LoginAttempt.attempted_at >= since,
        )
        .order_by(LoginAttempt.attempted_at.desc())
        .limit(limit)
    )
    return list(session.exec(query).all())


def account_locked_until(session: Session, *, user: User, now: datetime | None = None):
    """When the lock of an account lifts, or None if it is not locked."""
    now = now or utcnow()
    window = timedelta(minutes=settings.login_lock_minutes)
    limit = settings.login_max_failures
    times = _account_failures(session, user, f"user:{user.id}", now - window, limit)
    lifted = _lifted_at(times, limit, window)
    return lifted if lifted is not None and lifted > now else None


def one_time_password_expired(user: User, *, now: datetime | None = None) -> bool:
    """True when the user still has a one-time password and it is too old to log in with."""
    expires = one_time_password_expires_at(user)
    return expires is not None and expires <= (now or utcnow())


def one_time_password_expires_at(user: User) -> datetime | None:
    if not user.must_change_password or user.password_changed_at is None:
        return None
    return user.password_changed_at + timedelta(days=settings.one_time_password_days)


def _refuse_if_throttled(
    session: Session, *, user: User | None, account_key: str, ip: str | None, now: datetime
) -> None:
    window = timedelta(minutes=settings.login_lock_minutes)
    if ip:
        limit = settings.login_address_max_failures
        lifted = _lifted_at(_address_failures(session, ip, now - window, limit), limit, window)
        if lifted is not None and lifted > now:
            raise LoginRefused(
                ADDRESS_LOCKED,
                retry_after=ceil((lifted - now).total_seconds()),
            )
    limit = settings.login_max_failures
    times = _account_failures(session, user, account_key, now - window, limit)
    lifted = _lifted_at(times, limit, window)
    if lifted is not None and lifted > now:
        raise LoginRefused(
            ACCOUNT_LOCKED,
            retry_after=ceil((lifted - now).total_seconds()),
        )


def authenticate(session: Session, *, login: str, password: str, ip: str | None = None) -> User:
    """Check credentials; every try is recorded. Repeated failures lock the account, and
    too many from one address (across accounts) make that address wait."""
    now = utcnow()
    user = find_user_by_login(session, login)
    account_key = f"user:{user.id}" if user else f"name:{login.strip().lower()[:240]}"
    _refuse_if_throttled(session, user=user, account_key=account_key, ip=ip, now=now)
    ok = verify_password(password, user.password_hash if user else DUMMY_PASSWORD_HASH)
    ok = ok and user is not None and user.is_active
    expired = ok and one_time_password_expired(user, now=now)
    session.add(
        LoginAttempt(
            account_key=account_key,
            succeeded=ok and not expired,
            attempted_at=now,
            ip_address=ip[:64] if ip else None,
        )
    )
    session.flush()
    if expired:
        raise Invalid(
            "Your one-time password has expired. Ask an administrator to issue a new one."
        )
    if not ok:
        raise Invalid("Wrong username or password, or the account is disabled.")
    return user


def unlock_account(session: Session, *, user: User) -> None:
    """Failed logins so far no longer count toward the account's lock (its address limit
    stays: that guards against whoever made them)."""
    user.unlocked_at = utcnow()
    session.add(user)
    session.flush()


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


# The bell's unread count rides along with the session lookup: every page shows it, and
# as a correlated subquery over the (recipient_id, read_at) index it costs no statement.
_UNREAD = (
    sa_select(func.count())
    .select_from(Notification)
    .where(Notification.recipient_id == User.id, Notification.read_at.is_(None))
    .scalar_subquery()
    .label("unread_notifications")
)

# Built once: the lookup runs on every request, so it skips statement construction and
# the ORM session; the row becomes a detached User, as if loaded by a closed session.
_SESSION_LOOKUP = (
    sa_select(
        UserSession.id.label("session_id"),
        UserSession.csrf_token,
        UserSession.created_at.label("session_created_at"),
        UserSession.last_seen_at,
        _UNREAD,
        *User.__table__.columns,
    )
    .join_from(UserSession, User, User.id == UserSession.user_id)
    .where(UserSession.token_hash == bindparam("token_hash"))
)
# The same, with every kept result's data token: a page read in the lookup's transaction
# then needs no statement of its own to know whether its kept results still hold.
_SESSION_LOOKUP_WITH_TOKENS = _SESSION_LOOKUP.add_columns(ALL_TOKENS.label("data_tokens"))
_USER_COLUMNS = tuple(column.key for column in User.__table__.columns)
_USER_CLASS = sa_inspect(User).class_manager


def _detached_user(row) -> User:
    """A User as the ORM would load it (no __init__, which validates), then detached."""
    user = _USER_CLASS.new_instance()
    instance_state(user).dict.update({key: getattr(row, key) for key in _USER_COLUMNS})
    make_transient_to_detached(user)
    return user


def resolve_session(
    connection: Connection,
    token: str,
    *,
    now: datetime | None = None,
    with_tokens: bool = False,
) -> ActiveSession | None:
    """The live session for a cookie token, found by one indexed lookup, or None;
    ``with_tokens`` reads the data tokens of the kept results along (``data_tokens``)."""
    now = now or utcnow()
    lookup = _SESSION_LOOKUP_WITH_TOKENS if with_tokens else _SESSION_LOOKUP
    row = connection.execute(lookup, {"token_hash": token_digest(token)}).first()
    if row is None:
        return None
    idle_limit = timedelta(minutes=settings.session_idle_minutes)
    absolute_limit = timedelta(hours=settings.session_absolute_hours)
    if (
        not row.is_active
        or now - row.last_seen_at > idle_limit
        or now - row.session_created_at > absolute_limit
    ):
        return None
    return ActiveSession(
        row.session_id,
        row.csrf_token,
        row.last_seen_at,
        _detached_user(row),
        row.unread_notifications or 0,
        row.data_tokens if with_tokens else None,
    )


def touch_session(connection: Connection, *, session_id: int, now: datetime | None = None) -> None:
    """Record activity so the idle timeout restarts (once per interval, whoever comes first).

    It takes a Core connection: this bookkeeping is not a change anyone's cached figures
    depend on, so it must not fire the ORM's after-commit hooks."""
    now = now or utcnow()
    connection.execute(
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
    user.password_changed_at = utcnow()
    session.add(user)
    query = delete(UserSession).where(UserSession.user_id == user.id)
    if keep_session_id is not None:
        query = query.where(UserSession.id != keep_session_id)
    session.exec(query)
    session.flush()


def set_one_time_password(session: Session, *, user: User, password: str) -> None:
    """An admin sets a password that must be changed at the next login (and within
    ONE_TIME_PASSWORD_DAYS); it also lifts a lock, so the person can use it at once."""
    problem = password_problems(password, username=user.username)
    if problem:
        raise FormErrors({"password": problem})
    now = utcnow()
    user.password_hash = hash_password(password)
    user.must_change_password = True
    user.password_changed_at = now
    user.unlocked_at = now
    session.add(user)
    end_user_sessions(session, user_id=user.id)
    session.flush()


def set_locale(session: Session, *, user: User, locale: str) -> None:
    session.exec(update(User).where(User.id == user.id).values(locale=locale))
