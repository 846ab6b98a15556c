"""One booking per live session, kept by the database: a unique index on
booking.live_session_id (NULLs, bookings hosting no live session, may repeat).

Revision ID: c0a7bkliveuq
Revises: c0a6bklinks
Create Date: 2026-11-23 15:00:00

The live-session service already unlinks the previous booking before linking another;
two plan edits at the same moment could still both link. An index is created in place
on both databases (no table rebuild, so SQLite's overlap triggers are untouched).
"""

from collections.abc import Sequence

from alembic import op

revision: str = "c0a7bkliveuq"
down_revision: str | None = "c0a6bklinks"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEX = "ix_booking_live_session_id"


def upgrade() -> None:
    op.create_index(INDEX, "booking", ["live_session_id"], unique=True)


def downgrade() -> None:
    op.drop_index(INDEX, table_name="booking")
