"""Studios and bookings

Revision ID: c0a2studios0
Revises: c0a1curricul
Create Date: 2026-11-23 11:30:00

Besides the tables, the database itself refuses overlapping active bookings of a studio:
on PostgreSQL an exclusion constraint (btree_gist) over (studio_id, [starts_at,
blocked_until)); on SQLite triggers that abort an insert or update that would overlap.
The models do not declare them, so `alembic check` does not compare them.

Careful: on SQLite, a later `batch_alter_table("booking")` rebuilds the table and drops
its triggers; such a migration must call _create_overlap_guards()'s SQLite part again.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import app.models.base

revision: str = "c0a2studios0"
down_revision: str | None = "c0a1curricul"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ACTIVE = "('pending', 'approved', 'checked_in', 'completed')"
OVERLAP_MESSAGE = "booking overlaps an active booking of the same studio"


def _create_overlap_guards() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
        op.execute(
            "ALTER TABLE booking ADD CONSTRAINT ex_booking_no_overlap EXCLUDE USING gist "
            "(studio_id WITH =, tstzrange(starts_at, blocked_until, '[)') WITH &&) "
            f"WHERE (status IN {ACTIVE})"
        )
    elif dialect == "sqlite":
        clash = (
            "SELECT RAISE(ABORT, '" + OVERLAP_MESSAGE + "') WHERE EXISTS ("
            "SELECT 1 FROM booking AS b WHERE b.studio_id = NEW.studio_id "
            f"AND b.status IN {ACTIVE} AND b.id IS NOT NEW.id "
            "AND b.starts_at < NEW.blocked_until AND NEW.starts_at < b.blocked_until);"
        )
        op.execute(
            "CREATE TRIGGER booking_no_overlap_insert BEFORE INSERT ON booking "
            f"WHEN NEW.status IN {ACTIVE} BEGIN {clash} END"
        )
        op.execute(
            "CREATE TRIGGER booking_no_overlap_update BEFORE UPDATE OF "
            "studio_id, starts_at, blocked_until, status ON booking "
            f"WHEN NEW.status IN {ACTIVE} BEGIN {clash} END"
        )


def _drop_overlap_guards() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("ALTER TABLE booking DROP CONSTRAINT IF EXISTS ex_booking_no_overlap")
    elif dialect == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS booking_no_overlap_insert")
        op.execute("DROP TRIGGER IF EXISTS booking_no_overlap_update")


def upgrade() -> None:
    op.create_table(
        "studio",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("location", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("equipment", sa.Text(), server_default="", nullable=False),
        sa.Column("slot_minutes", sa.Integer(), nullable=False),
        sa.Column("min_minutes", sa.Integer(), nullable=False),
        sa.Column("max_minutes", sa.Integer(), nullable=False),
        sa.Column("advance_days", sa.Integer(), nullable=False),
        sa.Column("buffer_minutes", sa.Integer(), nullable=False),
        sa.Column("requires_approval", sa.Boolean(), nullable=False),
        sa.Column("approver_id", sa.Integer(), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("created_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("min_minutes <= max_minutes", name=op.f("ck_studio_min_le_max")),
        sa.CheckConstraint("slot_minutes > 0", name=op.f("ck_studio_slot_positive")),
        sa.ForeignKeyConstraint(
            ["approver_id"],
            ["user_account.id"],
            name=op.f("fk_studio_approver_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_studio")),
        sa.UniqueConstraint("name", name=op.f("uq_studio_name")),
    )
    with op.batch_alter_table("studio", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_studio_approver_id"), ["approver_id"], unique=False)

    op.create_table(
        "booking_refusal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("studio_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("rule", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("starts_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ends_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["studio_id"],
            ["studio.id"],
            name=op.f("fk_booking_refusal_studio_id_studio"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_booking_refusal_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_booking_refusal")),
    )
    with op.batch_alter_table("booking_refusal", schema=None) as batch_op:
        batch_op.create_index(
            "ix_booking_refusal_studio_starts", ["studio_id", "starts_at"], unique=False
        )

    op.create_table(
        "booking_series",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("studio_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("weekdays", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("start_minute", sa.Integer(), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("first_date", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("last_date", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("created_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["studio_id"],
            ["studio.id"],
            name=op.f("fk_booking_series_studio_id_studio"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_booking_series_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_booking_series")),
    )
    with op.batch_alter_table("booking_series", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_booking_series_studio_id"), ["studio_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_booking_series_user_id"), ["user_id"], unique=False)

    op.create_table(
        "calendar_feed",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("studio_id", sa.Integer(), nullable=True),
        sa.Column("created_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["studio_id"],
            ["studio.id"],
            name=op.f("fk_calendar_feed_studio_id_studio"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_calendar_feed_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_feed")),
        sa.UniqueConstraint("studio_id", name="uq_calendar_feed_studio_id"),
        sa.UniqueConstraint("token", name=op.f("uq_calendar_feed_token")),
        sa.UniqueConstraint("user_id", name="uq_calendar_feed_user_id"),
    )
    op.create_table(
        "studio_blackout",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("studio_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ends_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "starts_at < ends_at", name=op.f("ck_studio_blackout_starts_before_ends")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_studio_blackout_created_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["studio_id"],
            ["studio.id"],
            name=op.f("fk_studio_blackout_studio_id_studio"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_studio_blackout")),
    )
    with op.batch_alter_table("studio_blackout", schema=None) as batch_op:
        batch_op.create_index(
            "ix_studio_blackout_studio_starts", ["studio_id", "starts_at"], unique=False
        )

    op.create_table(
        "studio_hours",
        sa.Column("studio_id", sa.Integer(), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("opens", sa.Integer(), nullable=False),
        sa.Column("closes", sa.Integer(), nullable=False),
        sa.CheckConstraint("opens < closes", name=op.f("ck_studio_hours_opens_before_closes")),
        sa.ForeignKeyConstraint(
            ["studio_id"],
            ["studio.id"],
            name=op.f("fk_studio_hours_studio_id_studio"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("studio_id", "weekday", name=op.f("pk_studio_hours")),
    )
    op.create_table(
        "studio_photo",
        sa.Column("studio_id", sa.Integer(), nullable=False),
        sa.Column("content_type", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["studio_id"],
            ["studio.id"],
            name=op.f("fk_studio_photo_studio_id_studio"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("studio_id", name=op.f("pk_studio_photo")),
    )
    op.create_table(
        "booking",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("studio_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("starts_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ends_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("blocked_until", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("series_id", sa.Integer(), nullable=True),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("live_session_id", sa.Integer(), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", app.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("decision_reason", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("cancelled_by_id", sa.Integer(), nullable=True),
        sa.Column("cancelled_at", app.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("cancel_reason", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("checked_in_at", app.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("checked_in_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("ends_at <= blocked_until", name=op.f("ck_booking_ends_within_block")),
        sa.CheckConstraint("starts_at < ends_at", name=op.f("ck_booking_starts_before_ends")),
        sa.ForeignKeyConstraint(
            ["cancelled_by_id"],
            ["user_account.id"],
            name=op.f("fk_booking_cancelled_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["checked_in_by_id"],
            ["user_account.id"],
            name=op.f("fk_booking_checked_in_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["user_account.id"],
            name=op.f("fk_booking_decided_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["series_id"],
            ["booking_series.id"],
            name=op.f("fk_booking_series_id_booking_series"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["studio_id"],
            ["studio.id"],
            name=op.f("fk_booking_studio_id_studio"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_booking_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_booking")),
    )
    with op.batch_alter_table("booking", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_booking_series_id"), ["series_id"], unique=False)
        batch_op.create_index("ix_booking_status_starts", ["status", "starts_at"], unique=False)
        batch_op.create_index("ix_booking_studio_starts", ["studio_id", "starts_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_booking_team_id"), ["team_id"], unique=False)
        batch_op.create_index("ix_booking_user_starts", ["user_id", "starts_at"], unique=False)

    op.create_table(
        "booking_waitlist",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("studio_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("starts_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ends_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("booking_id", sa.Integer(), nullable=True),
        sa.Column("created_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", app.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "starts_at < ends_at", name=op.f("ck_booking_waitlist_starts_before_ends")
        ),
        sa.ForeignKeyConstraint(
            ["booking_id"],
            ["booking.id"],
            name=op.f("fk_booking_waitlist_booking_id_booking"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["studio_id"],
            ["studio.id"],
            name=op.f("fk_booking_waitlist_studio_id_studio"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_booking_waitlist_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_booking_waitlist")),
    )
    with op.batch_alter_table("booking_waitlist", schema=None) as batch_op:
        batch_op.create_index(
            "ix_booking_waitlist_studio_starts", ["studio_id", "starts_at"], unique=False
        )
        batch_op.create_index(
            "ix_booking_waitlist_user_status", ["user_id", "status"], unique=False
        )
    _create_overlap_guards()


def downgrade() -> None:
    _drop_overlap_guards()
    with op.batch_alter_table("booking_waitlist", schema=None) as batch_op:
        batch_op.drop_index("ix_booking_waitlist_user_status")
        batch_op.drop_index("ix_booking_waitlist_studio_starts")

    op.drop_table("booking_waitlist")
    with op.batch_alter_table("booking", schema=None) as batch_op:
        batch_op.drop_index("ix_booking_user_starts")
        batch_op.drop_index(batch_op.f("ix_booking_team_id"))
        batch_op.drop_index("ix_booking_studio_starts")
        batch_op.drop_index("ix_booking_status_starts")
        batch_op.drop_index(batch_op.f("ix_booking_series_id"))

    op.drop_table("booking")
    op.drop_table("studio_photo")
    op.drop_table("studio_hours")
    with op.batch_alter_table("studio_blackout", schema=None) as batch_op:
        batch_op.drop_index("ix_studio_blackout_studio_starts")

    op.drop_table("studio_blackout")
    op.drop_table("calendar_feed")
    with op.batch_alter_table("booking_series", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_booking_series_user_id"))
        batch_op.drop_index(batch_op.f("ix_booking_series_studio_id"))

    op.drop_table("booking_series")
    with op.batch_alter_table("booking_refusal", schema=None) as batch_op:
        batch_op.drop_index("ix_booking_refusal_studio_starts")

    op.drop_table("booking_refusal")
    with op.batch_alter_table("studio", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_studio_approver_id"))

    op.drop_table("studio")
