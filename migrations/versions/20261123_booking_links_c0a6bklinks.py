"""Booking links: booking.team_id → team, booking.live_session_id → live_session

Revision ID: c0a6bklinks
Revises: c0a5evaluatn
Create Date: 2026-11-23 12:30:00

Both foreign keys are ON DELETE SET NULL: deleting a team or a live session keeps the
booking (the room was still used) and drops the link.

On SQLite a foreign key can only be added by rebuilding the table
(`batch_alter_table(..., recreate="always")`), which drops the booking table's triggers,
so the overlap triggers of the studios migration (c0a2studios0) are created again after
each rebuild, exactly as that migration wrote them. On PostgreSQL the constraints are
added in place and the exclusion constraint is untouched.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "c0a6bklinks"
down_revision: str | None = "c0a5evaluatn"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Copied from c0a2studios0 (a migration must not import another): keep them identical.
ACTIVE = "('pending', 'approved', 'checked_in', 'completed')"
OVERLAP_MESSAGE = "booking overlaps an active booking of the same studio"

FK_TEAM = "fk_booking_team_id_team"
FK_SESSION = "fk_booking_live_session_id_live_session"


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def _create_sqlite_overlap_triggers() -> None:
    """The SQLite part of c0a2studios0's _create_overlap_guards(), unchanged."""
    clash = (
        "SELECT RAISE(ABORT, '" + OVERLAP_MESSAGE + "') WHERE EXISTS ("
        "SELECT 1 FROM booking AS b WHERE b.studio_id = NEW.studio_id "
        f"AND b.status IN {ACTIVE} AND b.id IS NOT NEW.id "
        "AND b.starts_at < NEW.blocked_until AND NEW.starts_at < b.blocked_until);"
    )
    op.execute("DROP TRIGGER IF EXISTS booking_no_overlap_insert")
    op.execute("DROP TRIGGER IF EXISTS booking_no_overlap_update")
    op.execute(
        "CREATE TRIGGER booking_no_overlap_insert BEFORE INSERT ON booking "
        f"WHEN NEW.status IN {ACTIVE} BEGIN {clash} END"
    )
    op.execute(
        "CREATE TRIGGER booking_no_overlap_update BEFORE UPDATE OF "
        "studio_id, starts_at, blocked_until, status ON booking "
        f"WHEN NEW.status IN {ACTIVE} BEGIN {clash} END"
    )


def upgrade() -> None:
    if _sqlite():
        with op.batch_alter_table("booking", recreate="always") as batch_op:
            batch_op.create_foreign_key(FK_TEAM, "team", ["team_id"], ["id"], ondelete="SET NULL")
            batch_op.create_foreign_key(
                FK_SESSION, "live_session", ["live_session_id"], ["id"], ondelete="SET NULL"
            )
        _create_sqlite_overlap_triggers()
    else:
        op.create_foreign_key(FK_TEAM, "booking", "team", ["team_id"], ["id"], ondelete="SET NULL")
        op.create_foreign_key(
            FK_SESSION,
            "booking",
            "live_session",
            ["live_session_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    if _sqlite():
        with op.batch_alter_table("booking", recreate="always") as batch_op:
            batch_op.drop_constraint(FK_SESSION, type_="foreignkey")
            batch_op.drop_constraint(FK_TEAM, type_="foreignkey")
        _create_sqlite_overlap_triggers()
    else:
        op.drop_constraint(FK_SESSION, "booking", type_="foreignkey")
        op.drop_constraint(FK_TEAM, "booking", type_="foreignkey")
