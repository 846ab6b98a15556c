"""Waitlist offers: a freed slot is held for the first in line ("offered" bookings).

Revision ID: b727c7b764cf
Revises: 670bd450e77a
Create Date: 2026-12-04 17:49:12.427570

An offered booking holds the room, so the database's overlap guard must count it as
active: the PostgreSQL exclusion constraint and the SQLite triggers of the studios
migration (c0a2studios0) are created again with 'offered' among the active statuses.
Downgrading deletes the open offers (holds, not bookings) and restores the old guards.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.models.base

revision: str = "b727c7b764cf"
down_revision: str | None = "670bd450e77a"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# c0a2studios0's guards with these statuses (a migration must not import another).
OLD_ACTIVE = "('pending', 'approved', 'checked_in', 'completed')"
NEW_ACTIVE = "('pending', 'approved', 'checked_in', 'completed', 'offered')"
OVERLAP_MESSAGE = "booking overlaps an active booking of the same studio"


def _create_overlap_guards(active: str) -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("ALTER TABLE booking DROP CONSTRAINT IF EXISTS ex_booking_no_overlap")
        op.execute(
            "ALTER TABLE booking ADD CONSTRAINT ex_booking_no_overlap EXCLUDE USING gist "
            "(studio_id WITH =, tstzrange(starts_at, blocked_until, '[)') WITH &&) "
            f"WHERE (status IN {active})"
        )
    elif dialect == "sqlite":
        clash = (
            "SELECT RAISE(ABORT, '" + OVERLAP_MESSAGE + "') WHERE EXISTS ("
            "SELECT 1 FROM booking AS b WHERE b.studio_id = NEW.studio_id "
            f"AND b.status IN {active} AND b.id IS NOT NEW.id "
            "AND b.starts_at < NEW.blocked_until AND NEW.starts_at < b.blocked_until);"
        )
        op.execute("DROP TRIGGER IF EXISTS booking_no_overlap_insert")
        op.execute("DROP TRIGGER IF EXISTS booking_no_overlap_update")
        op.execute(
            "CREATE TRIGGER booking_no_overlap_insert BEFORE INSERT ON booking "
            f"WHEN NEW.status IN {active} BEGIN {clash} END"
        )
        op.execute(
            "CREATE TRIGGER booking_no_overlap_update BEFORE UPDATE OF "
            "studio_id, starts_at, blocked_until, status ON booking "
            f"WHEN NEW.status IN {active} BEGIN {clash} END"
        )


def upgrade() -> None:
    with op.batch_alter_table("booking", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("offer_expires_at", app.models.base.UTCDateTime(timezone=True), nullable=True)
        )
    with op.batch_alter_table("booking_waitlist", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("offered_at", app.models.base.UTCDateTime(timezone=True), nullable=True)
        )
    with op.batch_alter_table("studio", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("offer_hold_minutes", sa.Integer(), server_default="30", nullable=False)
        )
    _create_overlap_guards(NEW_ACTIVE)


def downgrade() -> None:
    op.execute("UPDATE booking_waitlist SET booking_id = NULL WHERE status = 'offered'")
    op.execute("UPDATE booking_waitlist SET status = 'waiting' WHERE status = 'offered'")
    op.execute("UPDATE booking_waitlist SET status = 'promoted' WHERE status = 'accepted'")
    op.execute("UPDATE booking_waitlist SET status = 'left' WHERE status IN ('declined', 'lapsed')")
    op.execute("DELETE FROM booking WHERE status = 'offered'")
    with op.batch_alter_table("studio", schema=None) as batch_op:
        batch_op.drop_column("offer_hold_minutes")
    with op.batch_alter_table("booking_waitlist", schema=None) as batch_op:
        batch_op.drop_column("offered_at")
    with op.batch_alter_table("booking", schema=None) as batch_op:
        batch_op.drop_column("offer_expires_at")
    _create_overlap_guards(OLD_ACTIVE)  # after the column drop: on SQLite it rebuilds the table
