"""ad rules and script sign offs (广告法 check of live scripts)

Revision ID: 6413f327b719
Revises: 224e84f3bc5e
Create Date: 2026-12-04 06:28:03.399775
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import app.models.base

revision: str = "6413f327b719"
down_revision: str | None = "224e84f3bc5e"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "ad_rule",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("pattern", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("is_regex", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("category", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("category_zh", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("category_en", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column(
            "severity",
            sqlmodel.sql.sqltypes.AutoString(length=16),
            nullable=False,
            server_default="forbidden",
        ),
        sa.Column("source_zh", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("source_en", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("rewrite_zh", sa.Text(), nullable=False, server_default=""),
        sa.Column("rewrite_en", sa.Text(), nullable=False, server_default=""),
        sa.Column("exceptions", sa.Text(), nullable=False, server_default=""),
        sa.Column("cleared_by", sa.Text(), nullable=False, server_default=""),
        sa.Column(
            "note", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False, server_default=""
        ),
        sa.Column("is_active", sa.Boolean(), nullable=False, server_default=sa.true()),
        sa.Column("sort_order", sa.Integer(), nullable=False, server_default="0"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ad_rule")),
        sa.UniqueConstraint("code", name=op.f("uq_ad_rule_code")),
    )
    with op.batch_alter_table("ad_rule", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ad_rule_category"), ["category"], unique=False)

    op.create_table(
        "script_sign_off",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("hit_key", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("note", sa.Text(), nullable=False, server_default=""),
        sa.Column("teacher_id", sa.Integer(), nullable=True),
        sa.Column("signed_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["live_session.id"],
            name=op.f("fk_script_sign_off_session_id_live_session"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["teacher_id"],
            ["user_account.id"],
            name=op.f("fk_script_sign_off_teacher_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_script_sign_off")),
        sa.UniqueConstraint("session_id", "hit_key", name="uq_script_sign_off_hit"),
    )
    with op.batch_alter_table("script_sign_off", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_script_sign_off_session_id"), ["session_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("script_sign_off", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_script_sign_off_session_id"))

    op.drop_table("script_sign_off")
    with op.batch_alter_table("ad_rule", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ad_rule_category"))

    op.drop_table("ad_rule")
