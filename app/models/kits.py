"""Equipment kits: phones, ring lights, microphones, sound cards, tripods and sample stock
that students borrow for live-streaming practice, alone or with a studio booking.

An item has a number of units, kept in a studio (``studio_id``) or in the shared pool
(``studio_id`` is None). A reservation holds ``quantity`` units over ``[starts_at,
ends_at)`` while it is reserved or checked out. The database never lets the units held
at any instant exceed the item's total: a PostgreSQL trigger that locks the item row and
an SQLite trigger (under the write transaction's BEGIN IMMEDIATE), both created in the
migration, not here. Another trigger there releases a booking's kits when the booking is
cancelled, rejected or missed.
"""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Column, Index
from sqlmodel import Field, SQLModel

from app.models.base import UTCDateTime, utcnow


class ItemCategory(StrEnum):
    phone = "phone"
    ring_light = "ring_light"
    microphone = "microphone"
    sound_card = "sound_card"
    tripod = "tripod"
    sample_stock = "sample_stock"
    other = "other"


class KitStatus(StrEnum):
    reserved = "reserved"
    checked_out = "checked_out"
    returned = "returned"
    cancelled = "cancelled"


# Statuses that hold units: the database refuses more of these at once than an item has.
HOLDING_STATUSES = (KitStatus.reserved, KitStatus.checked_out)


class EquipmentItem(SQLModel, table=True):
    __tablename__ = "equipment_item"
    __table_args__ = (CheckConstraint("quantity_total >= 0", name="quantity_not_negative"),)

    id: int | None = Field(default=None, primary_key=True)
    name_zh: str = Field(default="", max_length=100)
    name_en: str = Field(default="", max_length=100)
    category: str = Field(max_length=16)
    quantity_total: int
    # The studio the units are kept in; None: the shared pool, lent with any studio.
    studio_id: int | None = Field(
        default=None, foreign_key="studio.id", index=True, ondelete="SET NULL"
    )
    is_active: bool = True
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )


class KitReservation(SQLModel, table=True):
    __tablename__ = "kit_reservation"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("starts_at < ends_at", name="starts_before_ends"),
        Index("ix_kit_reservation_item_starts", "item_id", "starts_at"),
        Index("ix_kit_reservation_user_starts", "user_id", "starts_at"),
        Index("ix_kit_reservation_status_due", "status", "due_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="equipment_item.id", ondelete="CASCADE")
    user_id: int = Field(foreign_key="user_account.id", ondelete="CASCADE")
    quantity: int
    starts_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    ends_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    # The studio booking the kit goes with (reserved in the same transaction), if any.
    booking_id: int | None = Field(
        default=None, foreign_key="booking.id", index=True, ondelete="SET NULL"
    )
    status: str = Field(default=KitStatus.reserved, max_length=16)
    checked_out_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    checked_out_by_id: int | None = Field(
        default=None, foreign_key="user_account.id", ondelete="SET NULL"
    )
    checkout_note: str = Field(default="", max_length=500)
    # When the units must be back; past it and not returned, the loan is overdue.
    due_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    returned_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    returned_by_id: int | None = Field(
        default=None, foreign_key="user_account.id", ondelete="SET NULL"
    )
    return_note: str = Field(default="", max_length=500)
    damaged: bool = False
    cancelled_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
