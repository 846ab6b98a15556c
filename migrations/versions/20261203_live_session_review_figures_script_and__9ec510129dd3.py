"""live session review figures, script and readiness

Revision ID: 9ec510129dd3
Revises: 8333f8f6bc55
Create Date: 2026-12-03 23:47:49.427736
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.models.base

revision: str = "9ec510129dd3"
down_revision: str | None = "8333f8f6bc55"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    with op.batch_alter_table("live_session", schema=None) as batch_op:
        batch_op.add_column(sa.Column("viewers_target", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("orders_target", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("viewers", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("avg_watch_seconds", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("interactions", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("ad_spend_fen", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("script", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(
            sa.Column("ready_at", app.models.base.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("ready_by_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_live_session_ready_by_id_user_account"),
            "user_account",
            ["ready_by_id"],
            ["id"],
            ondelete="SET NULL",
        )

    with op.batch_alter_table("live_session_product", schema=None) as batch_op:
        batch_op.add_column(sa.Column("claims", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:

    with op.batch_alter_table("live_session_product", schema=None) as batch_op:
        batch_op.drop_column("claims")

    with op.batch_alter_table("live_session", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_live_session_ready_by_id_user_account"), type_="foreignkey"
        )
        batch_op.drop_column("ready_by_id")
        batch_op.drop_column("ready_at")
        batch_op.drop_column("script")
        batch_op.drop_column("ad_spend_fen")
        batch_op.drop_column("interactions")
        batch_op.drop_column("avg_watch_seconds")
        batch_op.drop_column("viewers")
        batch_op.drop_column("orders_target")
        batch_op.drop_column("viewers_target")
