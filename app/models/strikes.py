"""No-show strikes: a student's missed check-in counts against their booking unless staff
forgive it. The strikes themselves are the no-show bookings (see
``app.services.bookings.strikes``); only the forgiveness is stored, with who gave it,
when and why, so the student and staff read the same history."""

from datetime import datetime

from sqlalchemy import Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.models.base import UTCDateTime, utcnow


class StrikeForgiveness(SQLModel, table=True):
    """A missed check-in that no longer counts as a strike."""

    __tablename__ = "booking_strike_forgiveness"
    __table_args__ = (
        UniqueConstraint("booking_id", name="uq_booking_strike_forgiveness_booking_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    booking_id: int = Field(foreign_key="booking.id", ondelete="CASCADE")
    forgiven_by_id: int | None = Field(
        default=None, foreign_key="user_account.id", ondelete="SET NULL"
    )
    forgiven_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    reason: str = Field(max_length=500)
