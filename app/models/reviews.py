"""The structured part of a live session's review (复盘): follow-up actions with an owner
and a due date, ticked off by the team, and comments by the paired mentor or staff.

Actions of a session that stay open are carried over to the team's later sessions until
someone marks them done (``app.services.reviews``).
"""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Column, Index, Text
from sqlmodel import Field, SQLModel

from app.models.base import UTCDateTime, utcnow


class ActionStatus(StrEnum):
    open = "open"
    done = "done"


class ReviewAction(SQLModel, table=True):
    """One thing to change before the next broadcast, owned by a member of the team."""

    __tablename__ = "review_action"
    __table_args__ = (
        CheckConstraint("status IN ('open', 'done')", name="status"),
        Index("ix_review_action_session_status", "session_id", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="live_session.id", ondelete="CASCADE")
    text: str = Field(max_length=500)
    owner_id: int = Field(foreign_key="user_account.id", index=True, ondelete="RESTRICT")
    due_on: date | None = Field(default=None)
    status: str = Field(default=ActionStatus.open.value, max_length=8)
    sort_order: int = Field(default=0)
    done_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    done_by_id: int | None = Field(default=None, foreign_key="user_account.id", ondelete="SET NULL")
    created_by_id: int | None = Field(
        default=None, foreign_key="user_account.id", ondelete="SET NULL"
    )
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )


class ReviewComment(SQLModel, table=True):
    """A remark on a session's review by the team's paired mentor or a member of staff."""

    __tablename__ = "review_comment"

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="live_session.id", index=True, ondelete="CASCADE")
    author_id: int = Field(foreign_key="user_account.id", index=True, ondelete="RESTRICT")
    body: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
