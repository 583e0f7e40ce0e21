"""conversations: threading and merge columns on cases, each program's conversation settings; notes that were
"visible to the participant" never reached them, so they become what they were, internal notes

Revision ID: 0013_conversations
Revises: 0009
Create Date: 2026-11-29 12:30:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0013_conversations'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('participant_texted_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('merged_into_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_cases_merged_into_id_cases'), 'cases', ['merged_into_id'], ['id'])
    op.create_table('conversation_settings',
    sa.Column('program_id', sa.Integer(), nullable=False),
    sa.Column('reopen_days', sa.Integer(), nullable=False),
    sa.Column('acknowledge', sa.JSON(), nullable=False),
    sa.Column('notify_shipped', sa.Boolean(), nullable=False),
    sa.Column('notify_reshipped', sa.Boolean(), nullable=False),
    sa.Column('notify_delivered', sa.Boolean(), nullable=False),
    sa.Column('survey_wait_days', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['program_id'], ['programs.id'], name=op.f('fk_conversation_settings_program_id_programs'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('program_id', name=op.f('pk_conversation_settings'))
    )
    events = sa.table('case_events', sa.column('kind', sa.String), sa.column('is_public', sa.Boolean))
    op.execute(events.update().where(events.c.kind == 'note', events.c.is_public.is_(True))
               .values(is_public=False))


def downgrade():
    """The notes stay internal: which ones were marked public is not kept."""
    op.drop_table('conversation_settings')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_cases_merged_into_id_cases'), type_='foreignkey')
        batch_op.drop_column('merged_into_id')
        batch_op.drop_column('participant_texted_at')
