"""booking strike forgiveness: missed check-ins staff took out of a student's strikes

Revision ID: 670bd450e77a
Revises: 57dc49ae6e45
Create Date: 2026-12-04 17:49:20.185110
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.models.base

revision: str = "670bd450e77a"
down_revision: str | None = "57dc49ae6e45"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "booking_strike_forgiveness",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("booking_id", sa.Integer(), nullable=False),
        sa.Column("forgiven_by_id", sa.Integer(), nullable=True),
        sa.Column("forgiven_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(
            ["booking_id"],
            ["booking.id"],
            name=op.f("fk_booking_strike_forgiveness_booking_id_booking"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["forgiven_by_id"],
            ["user_account.id"],
            name=op.f("fk_booking_strike_forgiveness_forgiven_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_booking_strike_forgiveness")),
        sa.UniqueConstraint("booking_id", name=op.f("uq_booking_strike_forgiveness_booking_id")),
    )


def downgrade() -> None:
    op.drop_table("booking_strike_forgiveness")
