"""surveys: daily totals per pair of dimensions (a reward or vendor with an agent, category, script, reward or
vendor), the other dimension's key in ``pair_key``

Revision ID: 0025
Revises: 0024
Create Date: 2026-11-29 13:00:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None


def upgrade():
    """``flask surveys rebuild-stats`` then fills the pairs."""
    with op.batch_alter_table('survey_days', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pair_key', sa.String(length=200), server_default='', nullable=False))
        batch_op.drop_constraint('uq_survey_days_program_id_dimension_day_key_scale', type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_survey_days_program_id_dimension_day_key_pair_key_scale'),
                                          ['program_id', 'dimension', 'day', 'key', 'pair_key', 'scale'])


def downgrade():
    op.execute(sa.text("DELETE FROM survey_days WHERE dimension IN ('reward_agent', 'reward_category', "
                       "'reward_script', 'reward_reward', 'reward_vendor', 'vendor_agent', 'vendor_category', "
                       "'vendor_script', 'vendor_vendor')"))
    with op.batch_alter_table('survey_days', schema=None) as batch_op:
        batch_op.drop_constraint('uq_survey_days_program_id_dimension_day_key_pair_key_scale', type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_survey_days_program_id_dimension_day_key_scale'),
                                          ['program_id', 'dimension', 'day', 'key', 'scale'])
        batch_op.drop_column('pair_key')
