"""A captain's request for an entry, and staff's decision on it (contest_entry)

Revision ID: 8333f8f6bc55
Revises: 1533aabc5087
Create Date: 2026-12-03 17:31:51

A team's captain may ask to enter an edition; the entry waits as ``requested`` until an
administrator or an advising teacher confirms it (``registered``) or declines it with a
reason. Existing entries were all registered by staff and keep an empty reason. A partial
unique index keeps one waiting request per team and round when two submissions race (no
existing row is ``requested``, so nothing needs resolving first).
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import app.models.base

revision: str = "8333f8f6bc55"
down_revision: str | None = "1533aabc5087"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEX = "ix_contest_entry_requested_once"
REQUESTED = sa.text("status = 'requested'")


def upgrade() -> None:
    with op.batch_alter_table("contest_entry", schema=None) as batch_op:
        batch_op.add_column(sa.Column("decided_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("decided_at", app.models.base.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column(
                "decline_reason",
                sqlmodel.sql.sqltypes.AutoString(length=500),
                server_default="",
                nullable=False,
            )
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_contest_entry_decided_by_id_user_account"),
            "user_account",
            ["decided_by_id"],
            ["id"],
            ondelete="SET NULL",
        )
    op.create_index(
        INDEX,
        "contest_entry",
        ["round_id", "team_id"],
        unique=True,
        postgresql_where=REQUESTED,
        sqlite_where=REQUESTED,
    )


def downgrade() -> None:
    op.drop_index(INDEX, table_name="contest_entry")
    with op.batch_alter_table("contest_entry", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_contest_entry_decided_by_id_user_account"), type_="foreignkey"
        )
        batch_op.drop_column("decline_reason")
        batch_op.drop_column("decided_at")
        batch_op.drop_column("decided_by_id")
