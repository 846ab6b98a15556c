"""Competition editions, judging, external results, certificates and exams

Revision ID: c0a4contests
Revises: 3a26a0dad711
Create Date: 2026-11-23 12:15:00
"""

from collections.abc import Sequence

import sqlalchemy as sa  # noqa: F401
import sqlmodel  # noqa: F401
from alembic import op  # noqa: F401

import app.models.base  # noqa: F401

revision: str = "c0a4contests"
down_revision: str | None = "3a26a0dad711"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
