"""data revision token: cached evaluations are kept under it until their data changes

Revision ID: 57dc49ae6e45
Revises: 53999c1457db
Create Date: 2026-12-04 17:56:45.801779
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "57dc49ae6e45"
down_revision: str | None = "53999c1457db"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "data_revision",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_data_revision")),
    )


def downgrade() -> None:
    op.drop_table("data_revision")
