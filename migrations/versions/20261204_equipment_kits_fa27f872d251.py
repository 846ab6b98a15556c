"""Equipment kits: items and their reservations

Revision ID: fa27f872d251
Revises: d4599d85ba4e
Create Date: 2026-12-04 17:54:48.709389

Besides the tables, the database itself refuses to over-allocate an item: at no instant
may the units held by reserved or checked-out reservations exceed the item's total. The
busiest instant of a new range is its start or the start of another reservation inside
it, so the guard sums the holders at each of those instants. On PostgreSQL a trigger
function first locks the item's row (FOR NO KEY UPDATE), so two transactions reserving
the same item queue and the second sees the first's units; on SQLite a trigger aborts the
write, and the write transaction (BEGIN IMMEDIATE) already serialises writers.

A second trigger releases the kits reserved with a studio booking when the booking is
cancelled, rejected or missed, however its status changes (also in bulk). On SQLite a
later `batch_alter_table("booking")` drops it; such a migration must create it again.
The models do not declare these, so `alembic check` does not compare them.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import app.models.base

revision: str = "fa27f872d251"
down_revision: str | None = "d4599d85ba4e"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

HOLDING = "('reserved', 'checked_out')"
RELEASING = "('cancelled', 'rejected', 'no_show')"
OVER_MESSAGE = "kit reservation exceeds the units of the item"


def _busiest_instant_over(total: str, not_self: str) -> str:
    """SQL that is true when, at some instant of NEW's range, NEW and the other holders
    of the item need more than ``total`` units."""
    others = "r.item_id = NEW.item_id AND r.status IN " + HOLDING + f" AND r.id {not_self} NEW.id"
    return (
        "EXISTS (SELECT 1 FROM (SELECT NEW.starts_at AS p UNION "
        f"SELECT r.starts_at FROM kit_reservation AS r WHERE {others} "
        "AND r.starts_at > NEW.starts_at AND r.starts_at < NEW.ends_at) AS points "
        "WHERE NEW.quantity + (SELECT COALESCE(SUM(r.quantity), 0) FROM kit_reservation AS r "
        f"WHERE {others} AND r.starts_at <= points.p AND points.p < r.ends_at) > {total})"
    )


def _create_guards() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(
            "CREATE FUNCTION kit_reservation_within_stock() RETURNS trigger "
            "LANGUAGE plpgsql AS $$ DECLARE total integer; BEGIN "
            "IF NEW.status NOT IN " + HOLDING + " THEN RETURN NEW; END IF; "
            "SELECT quantity_total INTO total FROM equipment_item WHERE id = NEW.item_id "
            "FOR NO KEY UPDATE; "
            f"IF {_busiest_instant_over('total', 'IS DISTINCT FROM')} THEN "
            f"RAISE EXCEPTION '{OVER_MESSAGE}' USING ERRCODE = '23514'; END IF; "
            "RETURN NEW; END $$"
        )
        op.execute(
            "CREATE TRIGGER kit_reservation_within_stock BEFORE INSERT OR UPDATE OF "
            "item_id, quantity, starts_at, ends_at, status ON kit_reservation "
            "FOR EACH ROW EXECUTE FUNCTION kit_reservation_within_stock()"
        )
        op.execute(
            "CREATE FUNCTION booking_releases_kits() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN UPDATE kit_reservation SET status = 'cancelled', cancelled_at = now() "
            "WHERE booking_id = NEW.id AND status = 'reserved'; RETURN NULL; END $$"
        )
        op.execute(
            "CREATE TRIGGER booking_releases_kits AFTER UPDATE OF status ON booking "
            f"FOR EACH ROW WHEN (NEW.status IN {RELEASING} "
            "AND OLD.status IS DISTINCT FROM NEW.status) "
            "EXECUTE FUNCTION booking_releases_kits()"
        )
    elif dialect == "sqlite":
        total = "(SELECT quantity_total FROM equipment_item WHERE id = NEW.item_id)"
        over = (
            f"SELECT RAISE(ABORT, '{OVER_MESSAGE}') WHERE {_busiest_instant_over(total, 'IS NOT')};"
        )
        op.execute(
            "CREATE TRIGGER kit_reservation_within_stock_insert BEFORE INSERT ON "
            f"kit_reservation WHEN NEW.status IN {HOLDING} BEGIN {over} END"
        )
        op.execute(
            "CREATE TRIGGER kit_reservation_within_stock_update BEFORE UPDATE OF "
            "item_id, quantity, starts_at, ends_at, status ON kit_reservation "
            f"WHEN NEW.status IN {HOLDING} BEGIN {over} END"
        )
        op.execute(
            "CREATE TRIGGER booking_releases_kits AFTER UPDATE OF status ON booking "
            f"WHEN NEW.status IN {RELEASING} AND OLD.status IS NOT NEW.status BEGIN "
            "UPDATE kit_reservation SET status = 'cancelled', "
            "cancelled_at = COALESCE(NEW.cancelled_at, NEW.decided_at) "
            "WHERE booking_id = NEW.id AND status = 'reserved'; END"
        )


def _drop_guards() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS booking_releases_kits ON booking")
        op.execute("DROP FUNCTION IF EXISTS booking_releases_kits()")
        op.execute("DROP TRIGGER IF EXISTS kit_reservation_within_stock ON kit_reservation")
        op.execute("DROP FUNCTION IF EXISTS kit_reservation_within_stock()")
    elif dialect == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS booking_releases_kits")
        op.execute("DROP TRIGGER IF EXISTS kit_reservation_within_stock_insert")
        op.execute("DROP TRIGGER IF EXISTS kit_reservation_within_stock_update")


def upgrade() -> None:
    op.create_table(
        "equipment_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name_zh", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("name_en", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("category", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("quantity_total", sa.Integer(), nullable=False),
        sa.Column("studio_id", sa.Integer(), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("created_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "quantity_total >= 0", name=op.f("ck_equipment_item_quantity_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["studio_id"],
            ["studio.id"],
            name=op.f("fk_equipment_item_studio_id_studio"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_equipment_item")),
    )
    with op.batch_alter_table("equipment_item", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_equipment_item_studio_id"), ["studio_id"], unique=False
        )

    op.create_table(
        "kit_reservation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("starts_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ends_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("booking_id", sa.Integer(), nullable=True),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("checked_out_at", app.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("checked_out_by_id", sa.Integer(), nullable=True),
        sa.Column("checkout_note", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("due_at", app.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("returned_at", app.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("returned_by_id", sa.Integer(), nullable=True),
        sa.Column("return_note", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("damaged", sa.Boolean(), nullable=False),
        sa.Column("cancelled_at", app.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_kit_reservation_quantity_positive")),
        sa.CheckConstraint(
            "starts_at < ends_at", name=op.f("ck_kit_reservation_starts_before_ends")
        ),
        sa.ForeignKeyConstraint(
            ["booking_id"],
            ["booking.id"],
            name=op.f("fk_kit_reservation_booking_id_booking"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["checked_out_by_id"],
            ["user_account.id"],
            name=op.f("fk_kit_reservation_checked_out_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["equipment_item.id"],
            name=op.f("fk_kit_reservation_item_id_equipment_item"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["returned_by_id"],
            ["user_account.id"],
            name=op.f("fk_kit_reservation_returned_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_kit_reservation_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kit_reservation")),
    )
    with op.batch_alter_table("kit_reservation", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_kit_reservation_booking_id"), ["booking_id"], unique=False
        )
        batch_op.create_index(
            "ix_kit_reservation_item_starts", ["item_id", "starts_at"], unique=False
        )
        batch_op.create_index("ix_kit_reservation_status_due", ["status", "due_at"], unique=False)
        batch_op.create_index(
            "ix_kit_reservation_user_starts", ["user_id", "starts_at"], unique=False
        )
    _create_guards()


def downgrade() -> None:
    _drop_guards()
    with op.batch_alter_table("kit_reservation", schema=None) as batch_op:
        batch_op.drop_index("ix_kit_reservation_user_starts")
        batch_op.drop_index("ix_kit_reservation_status_due")
        batch_op.drop_index("ix_kit_reservation_item_starts")
        batch_op.drop_index(batch_op.f("ix_kit_reservation_booking_id"))

    op.drop_table("kit_reservation")
    with op.batch_alter_table("equipment_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_equipment_item_studio_id"))

    op.drop_table("equipment_item")
