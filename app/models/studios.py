"""Practice studios, their opening hours and blackouts, bookings, waitlists and feeds.

Times are UTC (``UTCDateTime``); opening hours are local wall-clock minutes after
midnight, so a studio that opens at 08:00 opens at 08:00 on both sides of a DST change.
A booking occupies ``[starts_at, blocked_until)``: its own ``[starts_at, ends_at)`` plus
the studio's buffer, so two active bookings of one studio can never overlap (the
database enforces it: a PostgreSQL exclusion constraint, an SQLite trigger; both are
created in the migration, not here).
"""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Column, Index, LargeBinary, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from app.models.base import UTCDateTime, bump_sequence_on_change, utcnow


class BookingStatus(StrEnum):
    pending = "pending"
    approved = "approved"
    rejected = "rejected"
    cancelled = "cancelled"
    checked_in = "checked_in"
    no_show = "no_show"
    completed = "completed"
    # Held for the first in a waitlist until ``offer_expires_at``: it holds the room (so
    # the overlap guard refuses everyone else) until they accept it or the hold ends.
    offered = "offered"


# Statuses that hold the room: the database refuses two of these overlapping.
ACTIVE_STATUSES = (
    BookingStatus.pending,
    BookingStatus.approved,
    BookingStatus.checked_in,
    BookingStatus.completed,
    BookingStatus.offered,
)


class Purpose(StrEnum):
    course = "course"  # course practice (a teacher, optionally recurring)
    competition = "competition"  # competition training
    live_session = "live_session"  # entrepreneurship live session (for a team)
    personal = "personal"  # personal practice


class WaitlistStatus(StrEnum):
    waiting = "waiting"
    promoted = "promoted"  # got the slot straight away (before offers): ``booking_id`` is set
    offered = "offered"  # holds an offer: ``booking_id`` is the held (offered) booking
    accepted = "accepted"  # took the offer: ``booking_id`` is their booking
    declined = "declined"  # turned the offer down
    lapsed = "lapsed"  # let the offer's hold run out
    left = "left"  # the student left the queue
    expired = "expired"  # the slot started before it freed up


class Studio(SQLModel, table=True):
    __table_args__ = (
        CheckConstraint("slot_minutes > 0", name="slot_positive"),
        CheckConstraint("min_minutes <= max_minutes", name="min_le_max"),
    )

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100, unique=True)
    location: str = Field(default="", max_length=200)
    capacity: int = Field(default=1)
    equipment: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    slot_minutes: int = Field(default=30)
    min_minutes: int = Field(default=30)
    max_minutes: int = Field(default=240)
    advance_days: int = Field(default=14)
    buffer_minutes: int = Field(default=0)
    # How long a freed slot is held for the first person on its waitlist to accept it.
    offer_hold_minutes: int = Field(default=30, sa_column_kwargs={"server_default": "30"})
    requires_approval: bool = Field(default=False)
    # The teacher who approves; None means any administrator.
    approver_id: int | None = Field(
        default=None, foreign_key="user_account.id", index=True, ondelete="SET NULL"
    )
    is_active: bool = Field(default=True)
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )

    @property
    def equipment_items(self) -> list[str]:
        return [line.strip() for line in self.equipment.splitlines() if line.strip()]


class StudioHours(SQLModel, table=True):
    """Opening hours on one weekday (0 = Monday), as local minutes after midnight."""

    __tablename__ = "studio_hours"
    __table_args__ = (CheckConstraint("opens < closes", name="opens_before_closes"),)

    studio_id: int = Field(foreign_key="studio.id", primary_key=True, ondelete="CASCADE")
    weekday: int = Field(primary_key=True)
    opens: int
    closes: int


class StudioPhoto(SQLModel, table=True):
    __tablename__ = "studio_photo"

    studio_id: int = Field(foreign_key="studio.id", primary_key=True, ondelete="CASCADE")
    content_type: str = Field(max_length=32)
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class StudioBlackout(SQLModel, table=True):
    """A period when the studio cannot be booked (maintenance, exams), with a reason."""

    __tablename__ = "studio_blackout"
    __table_args__ = (
        CheckConstraint("starts_at < ends_at", name="starts_before_ends"),
        Index("ix_studio_blackout_studio_starts", "studio_id", "starts_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    studio_id: int = Field(foreign_key="studio.id", ondelete="CASCADE")
    starts_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    ends_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    reason: str = Field(max_length=200)
    created_by_id: int | None = Field(
        default=None, foreign_key="user_account.id", ondelete="SET NULL"
    )
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )


class BookingSeries(SQLModel, table=True):
    """A teacher's recurring booking: the occurrences are ordinary bookings."""

    __tablename__ = "booking_series"

    id: int | None = Field(default=None, primary_key=True)
    studio_id: int = Field(foreign_key="studio.id", index=True, ondelete="CASCADE")
    user_id: int = Field(foreign_key="user_account.id", index=True, ondelete="CASCADE")
    purpose: str = Field(max_length=16)
    title: str = Field(default="", max_length=200)
    weekdays: str = Field(max_length=16)  # e.g. "0,2" = Monday and Wednesday
    start_minute: int
    minutes: int
    first_date: str = Field(max_length=10)  # local dates, ISO
    last_date: str = Field(max_length=10)
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )


class Booking(SQLModel, table=True):
    __table_args__ = (
        CheckConstraint("starts_at < ends_at", name="starts_before_ends"),
        CheckConstraint("ends_at <= blocked_until", name="ends_within_block"),
        Index("ix_booking_studio_starts", "studio_id", "starts_at"),
        Index("ix_booking_user_starts", "user_id", "starts_at"),
        Index("ix_booking_status_starts", "status", "starts_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    studio_id: int = Field(foreign_key="studio.id", ondelete="CASCADE")
    user_id: int = Field(foreign_key="user_account.id", ondelete="CASCADE")
    purpose: str = Field(max_length=16)
    title: str = Field(default="", max_length=200)
    starts_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    ends_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    blocked_until: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    status: str = Field(max_length=16)
    series_id: int | None = Field(
        default=None, foreign_key="booking_series.id", index=True, ondelete="SET NULL"
    )
    # The team a booking is for (required for a live session), and the live session it
    # hosts (one booking per live session; set from the live session's plan).
    team_id: int | None = Field(
        default=None, foreign_key="team.id", index=True, ondelete="SET NULL"
    )
    live_session_id: int | None = Field(
        default=None, foreign_key="live_session.id", ondelete="SET NULL", index=True, unique=True
    )
    decided_by_id: int | None = Field(
        default=None, foreign_key="user_account.id", ondelete="SET NULL"
    )
    decided_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    decision_reason: str = Field(default="", max_length=500)
    cancelled_by_id: int | None = Field(
        default=None, foreign_key="user_account.id", ondelete="SET NULL"
    )
    cancelled_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    cancel_reason: str = Field(default="", max_length=500)
    checked_in_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    checked_in_by_id: int | None = Field(
        default=None, foreign_key="user_account.id", ondelete="SET NULL"
    )
    # An offered booking's hold ends here (then it passes to the next in the waitlist).
    offer_expires_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    # How often the booking changed as calendars see it (RFC 5545 SEQUENCE): bumped by
    # bump_sequence_on_change below, so a subscribed calendar replaces its old copy.
    sequence: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )

    @property
    def hours(self) -> float:
        return (self.ends_at - self.starts_at).total_seconds() / 3600


bump_sequence_on_change(Booking, "studio_id", "title", "starts_at", "ends_at", "status", "purpose")


class WaitlistEntry(SQLModel, table=True):
    """Someone queueing for a taken slot, for themselves or for a team they book for; when
    the slot frees up, the first in line whose rules still allow it gets an offer held for
    the studio's ``offer_hold_minutes`` (see services/bookings/offers.py)."""

    __tablename__ = "booking_waitlist"
    __table_args__ = (
        CheckConstraint("starts_at < ends_at", name="starts_before_ends"),
        Index("ix_booking_waitlist_studio_starts", "studio_id", "starts_at"),
        Index("ix_booking_waitlist_user_status", "user_id", "status"),
        # One waiting entry per person, studio and start, even when two requests race.
        Index(
            "ix_booking_waitlist_waiting_once",
            "user_id",
            "studio_id",
            "starts_at",
            unique=True,
            postgresql_where=text("status = 'waiting'"),
            sqlite_where=text("status = 'waiting'"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    studio_id: int = Field(foreign_key="studio.id", ondelete="CASCADE")
    user_id: int = Field(foreign_key="user_account.id", ondelete="CASCADE")
    purpose: str = Field(max_length=16)
    title: str = Field(default="", max_length=200)
    starts_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    ends_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    status: str = Field(default=WaitlistStatus.waiting, max_length=16)
    booking_id: int | None = Field(default=None, foreign_key="booking.id", ondelete="SET NULL")
    # The team the booking will be for (live sessions need one); its rules are checked
    # again at promotion, so an entry whose team is gone is passed over.
    team_id: int | None = Field(
        default=None, foreign_key="team.id", index=True, ondelete="SET NULL"
    )
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    offered_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    resolved_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))


class BookingRefusal(SQLModel, table=True):
    """A booking the rules refused: counted as unmet demand in the utilisation report."""

    __tablename__ = "booking_refusal"
    __table_args__ = (Index("ix_booking_refusal_studio_starts", "studio_id", "starts_at"),)

    id: int | None = Field(default=None, primary_key=True)
    studio_id: int = Field(foreign_key="studio.id", ondelete="CASCADE")
    user_id: int = Field(foreign_key="user_account.id", ondelete="CASCADE")
    rule: str = Field(max_length=16)
    starts_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    ends_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )


class CalendarFeed(SQLModel, table=True):
    """The secret token of an ICS feed: one per user, studio or team; regenerable.

    A studio's feed has two addresses: ``token`` for staff (purposes and notes) and
    ``busy_token`` for students (busy or free only); both change together."""

    __tablename__ = "calendar_feed"
    __table_args__ = (
        UniqueConstraint("user_id", name="uq_calendar_feed_user_id"),
        UniqueConstraint("studio_id", name="uq_calendar_feed_studio_id"),
        UniqueConstraint("team_id", name="uq_calendar_feed_team_id"),
        Index("ix_calendar_feed_busy_token", "busy_token", unique=True),
    )

    id: int | None = Field(default=None, primary_key=True)
    token: str = Field(max_length=64, unique=True)
    busy_token: str | None = Field(default=None, max_length=64)
    user_id: int | None = Field(default=None, foreign_key="user_account.id", ondelete="CASCADE")
    studio_id: int | None = Field(default=None, foreign_key="studio.id", ondelete="CASCADE")
    team_id: int | None = Field(default=None, foreign_key="team.id", ondelete="CASCADE")
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
