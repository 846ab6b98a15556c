"""Login limits, expiring one-time passwords, and the studio feed's busy/free address

Revision ID: b3109a578dc3
Revises: c0a8wlteam
Create Date: 2026-12-03 13:33:45

- login_attempt gets an index on (ip_address, attempted_at): failed logins are now also
  counted per address, across accounts.
- user_account.password_changed_at: a one-time password expires some days after it was
  set. Existing accounts start their clock at this migration, so nobody waiting for a
  first login is shut out by the upgrade itself.
- user_account.unlocked_at: an administrator's unlock; earlier failures stop counting.
- calendar_feed.busy_token: a studio feed's second address, busy/free only (for
  students); existing studio feeds get one.

Columns are added in place on both databases (no table rebuild, so SQLite keeps every
trigger and foreign key as it is).
"""

import secrets
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
import sqlmodel
from alembic import op

import app.models.base

revision: str = "b3109a578dc3"
down_revision: str | None = "c0a8wlteam"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_COLUMN = app.models.base.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_index("ix_login_attempt_ip_at", "login_attempt", ["ip_address", "attempted_at"])
    op.add_column("user_account", sa.Column("password_changed_at", UTC_COLUMN, nullable=True))
    op.add_column("user_account", sa.Column("unlocked_at", UTC_COLUMN, nullable=True))
    users = sa.table("user_account", sa.column("password_changed_at", UTC_COLUMN))
    op.execute(users.update().values(password_changed_at=datetime.now(UTC)))

    op.add_column(
        "calendar_feed",
        sa.Column("busy_token", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    )
    feeds = sa.table(
        "calendar_feed",
        sa.column("id", sa.Integer),
        sa.column("studio_id", sa.Integer),
        sa.column("busy_token", sa.String),
    )
    connection = op.get_bind()
    studio_feeds = (
        connection.execute(sa.select(feeds.c.id).where(feeds.c.studio_id.is_not(None)))
        .scalars()
        .all()
    )
    for feed_id in studio_feeds:
        connection.execute(
            feeds.update().where(feeds.c.id == feed_id).values(busy_token=secrets.token_urlsafe(32))
        )
    op.create_index("ix_calendar_feed_busy_token", "calendar_feed", ["busy_token"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_calendar_feed_busy_token", table_name="calendar_feed")
    op.drop_column("calendar_feed", "busy_token")
    op.drop_column("user_account", "unlocked_at")
    op.drop_column("user_account", "password_changed_at")
    op.drop_index("ix_login_attempt_ip_at", table_name="login_attempt")
