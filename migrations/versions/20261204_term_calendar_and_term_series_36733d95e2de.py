"""term calendar (terms, holidays, exam weeks) and term series with their exceptions

Revision ID: 36733d95e2de
Revises: b727c7b764cf
Create Date: 2026-12-04 17:49:47.299969
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.models.base


revision: str = "36733d95e2de"
down_revision: str | None = "b727c7b764cf"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "term",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("created_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("starts_on < ends_on", name=op.f("ck_term_starts_before_ends")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_term")),
        sa.UniqueConstraint("name", name=op.f("uq_term_name")),
    )
    with op.batch_alter_table("term", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_term_starts_on"), ["starts_on"], unique=False)

    op.create_table(
        "term_period",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("term_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.CheckConstraint(
            "starts_on <= ends_on", name=op.f("ck_term_period_starts_not_after_ends")
        ),
        sa.ForeignKeyConstraint(
            ["term_id"], ["term.id"], name=op.f("fk_term_period_term_id_term"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_term_period")),
    )
    with op.batch_alter_table("term_period", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_term_period_term_id"), ["term_id"], unique=False)

    op.create_table(
        "term_series",
        sa.Column("series_id", sa.Integer(), nullable=False),
        sa.Column("term_id", sa.Integer(), nullable=False),
        sa.Column("weeks", sa.String(length=200), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["series_id"],
            ["booking_series.id"],
            name=op.f("fk_term_series_series_id_booking_series"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["team.id"], name=op.f("fk_term_series_team_id_team"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["term_id"], ["term.id"], name=op.f("fk_term_series_term_id_term"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("series_id", name=op.f("pk_term_series")),
    )
    with op.batch_alter_table("term_series", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_term_series_term_id"), ["term_id"], unique=False)

    op.create_table(
        "series_exception",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("series_id", sa.Integer(), nullable=False),
        sa.Column("occurs_on", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("booking_id", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["booking_id"],
            ["booking.id"],
            name=op.f("fk_series_exception_booking_id_booking"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_series_exception_created_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["series_id"],
            ["booking_series.id"],
            name=op.f("fk_series_exception_series_id_booking_series"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_series_exception")),
        sa.UniqueConstraint("series_id", "occurs_on", name="uq_series_exception_day"),
    )
    with op.batch_alter_table("series_exception", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_series_exception_series_id"), ["series_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("series_exception", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_series_exception_series_id"))

    op.drop_table("series_exception")
    with op.batch_alter_table("term_series", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_term_series_term_id"))

    op.drop_table("term_series")
    with op.batch_alter_table("term_period", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_term_period_term_id"))

    op.drop_table("term_period")
    with op.batch_alter_table("term", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_term_starts_on"))

    op.drop_table("term")
