"""Curriculum: competitions, certificates, courses, modules, programmes

Revision ID: c0a1curricul
Revises: d5c48dd3e19c
Create Date: 2026-11-23 11:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa  # noqa: F401
import sqlmodel  # noqa: F401
from alembic import op  # noqa: F401

import app.models.base  # noqa: F401

revision: str = "c0a1curricul"
down_revision: str | None = "d5c48dd3e19c"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
