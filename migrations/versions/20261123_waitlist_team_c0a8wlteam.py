"""Waitlist entries for a team: booking_waitlist.team_id → team (ON DELETE SET NULL)

Revision ID: c0a8wlteam
Revises: c0a7bkliveuq
Create Date: 2026-11-23 15:30:00

A team's live session can now queue for a taken slot; the booking made when it frees up
is for that team. On SQLite the foreign key needs a table rebuild (batch mode); the
waitlist table has no triggers to re-create. PostgreSQL alters in place.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c0a8wlteam"
down_revision: str | None = "c0a7bkliveuq"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FK = "fk_booking_waitlist_team_id_team"
INDEX = "ix_booking_waitlist_team_id"


def upgrade() -> None:
    with op.batch_alter_table("booking_waitlist") as batch_op:
        batch_op.add_column(sa.Column("team_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(FK, "team", ["team_id"], ["id"], ondelete="SET NULL")
        batch_op.create_index(INDEX, ["team_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("booking_waitlist") as batch_op:
        batch_op.drop_index(INDEX)
        batch_op.drop_constraint(FK, type_="foreignkey")
        batch_op.drop_column("team_id")
