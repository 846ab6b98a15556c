"""Notifications: the in-app notification centre, each user's e-mail preferences, the
outbox of e-mails and group-robot messages still to send, and the robots' webhooks.

A notification stores its kind and the parameters of its message, never the text: it is
rendered when read, in the reader's language (``app.services.notifications``).
"""

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.models.base import UTCDateTime, utcnow


class NotificationKind(StrEnum):
    booking_approved = "booking_approved"
    booking_rejected = "booking_rejected"
    booking_cancelled = "booking_cancelled"
    waitlist_offer = "waitlist_offer"
    guidance_to_acknowledge = "guidance_to_acknowledge"
    action_due = "action_due"
    exam_result = "exam_result"
    certificate_issued = "certificate_issued"


class Channel(StrEnum):
    email = "email"
    wecom = "wecom"  # 企业微信 group robot
    dingtalk = "dingtalk"  # 钉钉 group robot


class DeliveryStatus(StrEnum):
    pending = "pending"
    sent = "sent"
    failed = "failed"  # gave up after the last attempt


class Notification(SQLModel, table=True):
    """One message in a user's notification centre."""

    __tablename__ = "notification"
    __table_args__ = (
        # the bell counts unread rows of one recipient on every page
        Index("ix_notification_recipient_read", "recipient_id", "read_at"),
        Index("ix_notification_recipient_created", "recipient_id", "created_at"),
        # a reminder made by the clock (action due) is made once, whoever runs the clock
        UniqueConstraint("recipient_id", "dedupe_key", name="uq_notification_dedupe"),
    )

    id: int | None = Field(default=None, primary_key=True)
    recipient_id: int = Field(foreign_key="user_account.id", ondelete="CASCADE")
    kind: str = Field(max_length=32)
    params: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    link: str = Field(default="", max_length=300)
    dedupe_key: str | None = Field(default=None, max_length=100)
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    read_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))


class NotificationPreference(SQLModel, table=True):
    """Whether a user also gets one kind by e-mail. In-app notifications are always kept:
    the centre is the record of what happened to one's bookings, logs and exams."""

    __tablename__ = "notification_preference"

    user_id: int = Field(foreign_key="user_account.id", primary_key=True, ondelete="CASCADE")
    kind: str = Field(max_length=32, primary_key=True)
    email: bool = Field(default=True)


class WebhookEndpoint(SQLModel, table=True):
    """A WeCom or DingTalk group robot that hears a studio's or a team's events."""

    __tablename__ = "notification_webhook"
    __table_args__ = (
        CheckConstraint("kind IN ('wecom', 'dingtalk')", name="kind"),
        CheckConstraint("(studio_id IS NULL) <> (team_id IS NULL)", name="one_owner"),
    )

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=16)
    url: str = Field(max_length=500)
    secret: str = Field(default="", max_length=200)  # DingTalk "加签" signing secret
    studio_id: int | None = Field(
        default=None, foreign_key="studio.id", index=True, ondelete="CASCADE"
    )
    team_id: int | None = Field(default=None, foreign_key="team.id", index=True, ondelete="CASCADE")
    created_by_id: int | None = Field(
        default=None, foreign_key="user_account.id", ondelete="SET NULL"
    )
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )


class Delivery(SQLModel, table=True):
    """An e-mail or robot message to send outside any request, retried with backoff.

    ``payload`` holds the kind, params and link; the text is rendered at sending time in
    ``locale``. A worker claims a row by moving ``next_attempt_at`` forward in a guarded
    UPDATE, so several workers never send one row twice at once."""

    __tablename__ = "notification_delivery"
    __table_args__ = (
        CheckConstraint("channel IN ('email', 'wecom', 'dingtalk')", name="channel"),
        CheckConstraint("status IN ('pending', 'sent', 'failed')", name="status"),
        Index("ix_notification_delivery_due", "status", "next_attempt_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(max_length=16)
    target: str = Field(default="", max_length=320)  # the e-mail address
    endpoint_id: int | None = Field(
        default=None, foreign_key="notification_webhook.id", index=True, ondelete="CASCADE"
    )
    locale: str = Field(default="zh_CN", max_length=8)
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    status: str = Field(default=DeliveryStatus.pending.value, max_length=8)
    attempts: int = Field(default=0)
    next_attempt_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    sent_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    last_error: str = Field(default="", max_length=500)
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
