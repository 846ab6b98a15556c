"""platform data imports: column mappings and uploaded exports

Revision ID: 53999c1457db
Revises: 6413f327b719
Create Date: 2026-12-04 06:35:38.770790
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.models.base

revision: str = "53999c1457db"
down_revision: str | None = "6413f327b719"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _when(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, app.models.base.UTCDateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "platform_mapping",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("columns", sa.JSON(), nullable=False, server_default=sa.text("'{}'")),
        sa.Column(
            "watch_time_unit", sa.String(length=16), nullable=False, server_default="seconds"
        ),
        sa.Column("money_unit", sa.String(length=16), nullable=False, server_default="yuan"),
        _when("created_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_platform_mapping")),
        sa.UniqueConstraint("name", name=op.f("uq_platform_mapping_name")),
    )
    with op.batch_alter_table("platform_mapping", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_platform_mapping_platform"), ["platform"])

    op.create_table(
        "platform_import",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("mapping_id", sa.Integer(), nullable=True),
        sa.Column("mapping_name", sa.String(length=100), nullable=False, server_default=""),
        sa.Column(
            "watch_time_unit", sa.String(length=16), nullable=False, server_default="seconds"
        ),
        sa.Column("money_unit", sa.String(length=16), nullable=False, server_default="yuan"),
        sa.Column("status", sa.String(length=16), nullable=False, server_default="preview"),
        sa.Column("filename", sa.String(length=255), nullable=False, server_default=""),
        sa.Column("rows", sa.JSON(), nullable=False, server_default=sa.text("'[]'")),
        sa.Column("choices", sa.JSON(), nullable=False, server_default=sa.text("'{}'")),
        sa.Column("row_count", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("saved_count", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        _when("created_at"),
        _when("saved_at", nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_platform_import_created_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["mapping_id"],
            ["platform_mapping.id"],
            name=op.f("fk_platform_import_mapping_id_platform_mapping"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["team.id"], name=op.f("fk_platform_import_team_id_team"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_platform_import")),
    )
    with op.batch_alter_table("platform_import", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_platform_import_created_by_id"), ["created_by_id"])
        batch_op.create_index(batch_op.f("ix_platform_import_team_id"), ["team_id"])


def downgrade() -> None:
    with op.batch_alter_table("platform_import", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_platform_import_team_id"))
        batch_op.drop_index(batch_op.f("ix_platform_import_created_by_id"))
    op.drop_table("platform_import")
    with op.batch_alter_table("platform_mapping", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_platform_mapping_platform"))
    op.drop_table("platform_mapping")
