"""cases: index (program_id, created_at, category) for the cases opened per category in "this week"

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28 19:20:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.create_index('ix_cases_program_created', ['program_id', 'created_at', 'category'], unique=False)


def downgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index('ix_cases_program_created')
