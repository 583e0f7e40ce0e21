"""live workspace: the short-lived change feed (live_events)

Revision ID: 0020_live_events
Revises: 0009
Create Date: 2026-11-29 08:00:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0020_live_events'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'live_events',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('program_id', sa.Integer(), nullable=False),
        sa.Column('topic', sa.String(length=8), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=True),
        sa.Column('queues', sa.Boolean(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_live_events')),
    )


def downgrade():
    op.drop_table('live_events')
