"""call scripts: keys unique per program (and among the scripts for all programs), no longer across programs

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29 12:00:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

SHARED = sa.text('program_id IS NULL')


def upgrade():
    with op.batch_alter_table('call_scripts', schema=None) as batch_op:
        batch_op.drop_constraint('uq_call_scripts_key_locale', type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_call_scripts_program_id_key_locale'),
                                          ['program_id', 'key', 'locale'])
        batch_op.create_index('uq_call_scripts_shared_key_locale', ['key', 'locale'], unique=True,
                              sqlite_where=SHARED, postgresql_where=SHARED)


def downgrade():
    """Fails while two programs hold the same key: rename one first."""
    with op.batch_alter_table('call_scripts', schema=None) as batch_op:
        batch_op.drop_index('uq_call_scripts_shared_key_locale')
        batch_op.drop_constraint('uq_call_scripts_program_id_key_locale', type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_call_scripts_key_locale'), ['key', 'locale'])
