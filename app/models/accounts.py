"""Users, their server-side sessions and login attempts."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, Index
from sqlmodel import Field, SQLModel

from app.models.base import UTCDateTime, utcnow


class Role(StrEnum):
    admin = "admin"
    teacher = "teacher"
    student = "student"
    mentor = "mentor"


class User(SQLModel, table=True):
    __tablename__ = "user_account"

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=64, unique=True)
    email: str | None = Field(default=None, max_length=254, unique=True)
    full_name: str = Field(max_length=100)
    role: str = Field(max_length=16, index=True)
    password_hash: str = Field(max_length=255)
    is_active: bool = Field(default=True)
    must_change_password: bool = Field(default=False)
    locale: str | None = Field(default=None, max_length=8)
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    # When the password was last set: a one-time password expires some days after it.
    password_changed_at: datetime | None = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=True)
    )
    # When an administrator last unlocked the account: failed logins before it no longer
    # count toward the lock.
    unlocked_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))


class UserSession(SQLModel, table=True):
    """A login. The cookie carries a signed random id; only its SHA-256 is stored."""

    __tablename__ = "user_session"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    user_id: int = Field(foreign_key="user_account.id", index=True, ondelete="CASCADE")
    csrf_token: str = Field(max_length=64)
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    last_seen_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    ip_address: str | None = Field(default=None, max_length=64)
    user_agent: str | None = Field(default=None, max_length=255)


class LoginAttempt(SQLModel, table=True):
    """One login try; failures within the window lock the account key, and too many from
    one address (across accounts) lock that address."""

    __tablename__ = "login_attempt"
    __table_args__ = (
        Index("ix_login_attempt_key_at", "account_key", "attempted_at"),
        Index("ix_login_attempt_ip_at", "ip_address", "attempted_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    account_key: str = Field(max_length=254)
    succeeded: bool
    attempted_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    ip_address: str | None = Field(default=None, max_length=64)
