"""One waiting waitlist entry per person, studio and start (a partial unique index)

Revision ID: d209adf148d3
Revises: b3109a578dc3
Create Date: 2026-12-03 13:54:02

Two requests racing to queue the same person for the same time could both pass the
service's duplicate check. The index makes the database refuse the second. Duplicates
already queued are resolved first: the earliest entry keeps its place, the others are
marked as left.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "d209adf148d3"
down_revision: str | None = "b3109a578dc3"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEX = "ix_booking_waitlist_waiting_once"
WAITING = sa.text("status = 'waiting'")


def upgrade() -> None:
    op.execute(
        "UPDATE booking_waitlist SET status = 'left', resolved_at = created_at "
        "WHERE status = 'waiting' AND id NOT IN ("
        " SELECT min(id) FROM booking_waitlist WHERE status = 'waiting'"
        " GROUP BY user_id, studio_id, starts_at)"
    )
    op.create_index(
        INDEX,
        "booking_waitlist",
        ["user_id", "studio_id", "starts_at"],
        unique=True,
        postgresql_where=WAITING,
        sqlite_where=WAITING,
    )


def downgrade() -> None:
    op.drop_index(INDEX, table_name="booking_waitlist")
