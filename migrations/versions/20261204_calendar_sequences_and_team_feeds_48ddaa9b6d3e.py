"""Calendar sequences (RFC 5545 SEQUENCE) on bookings and live sessions; team feeds.

Revision ID: 48ddaa9b6d3e
Revises: 9ec510129dd3
Create Date: 2026-12-04 06:33:19.732061
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '48ddaa9b6d3e'
down_revision: str | None = '9ec510129dd3'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('booking', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sequence', sa.Integer(), server_default='0', nullable=False))

    with op.batch_alter_table('calendar_feed', schema=None) as batch_op:
        batch_op.add_column(sa.Column('team_id', sa.Integer(), nullable=True))
        batch_op.create_unique_constraint('uq_calendar_feed_team_id', ['team_id'])
        batch_op.create_foreign_key(batch_op.f('fk_calendar_feed_team_id_team'), 'team', ['team_id'], ['id'], ondelete='CASCADE')

    with op.batch_alter_table('live_session', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sequence', sa.Integer(), server_default='0', nullable=False))



def downgrade() -> None:
    with op.batch_alter_table('live_session', schema=None) as batch_op:
        batch_op.drop_column('sequence')

    with op.batch_alter_table('calendar_feed', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_calendar_feed_team_id_team'), type_='foreignkey')
        batch_op.drop_constraint('uq_calendar_feed_team_id', type_='unique')
        batch_op.drop_column('team_id')

    with op.batch_alter_table('booking', schema=None) as batch_op:
        batch_op.drop_column('sequence')

