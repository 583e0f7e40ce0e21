"""surveys: covering indexes for the dashboard filtered by category or by agent (every column its figures read)

Revision ID: 0023
Revises: 0022
Create Date: 2026-11-29 11:00:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('surveys', schema=None) as batch_op:
        batch_op.create_index('ix_surveys_program_category_day',
                              ['program_id', 'category', 'sent_day', 'score', 'scale', 'agent_id', 'script_version',
                               'unclear_replies', 'comment_at'], unique=False)
        batch_op.create_index('ix_surveys_program_agent_day',
                              ['program_id', 'agent_id', 'sent_day', 'score', 'scale', 'category', 'script_version',
                               'unclear_replies', 'comment_at'], unique=False)


def downgrade():
    with op.batch_alter_table('surveys', schema=None) as batch_op:
        batch_op.drop_index('ix_surveys_program_agent_day')
        batch_op.drop_index('ix_surveys_program_category_day')
