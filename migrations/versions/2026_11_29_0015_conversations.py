"""conversations: threading and merge columns on cases, each program's conversation settings; notes that were
"visible to the participant" never reached them, so they become what they were, internal notes

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-29 12:30:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


MERGED_INTO_FK = 'fk_cases_merged_into_id_cases'


def upgrade():
    # Not batch mode: on SQLite it would copy the cases table and drop the old one, and dropping a table with
    # foreign keys on deletes its rows first, cascading to every case's timeline. SQLite adds a nullable
    # column (with its reference) in place.
    op.add_column('cases', sa.Column('participant_texted_at', sa.DateTime(timezone=True), nullable=True))
    bind = op.get_bind()
    if bind.dialect.name != 'sqlite':
        op.add_column('cases', sa.Column('merged_into_id', sa.Integer(), nullable=True))
        op.create_foreign_key(MERGED_INTO_FK, 'cases', 'cases', ['merged_into_id'], ['id'])
    elif 'merged_into_id' not in {column['name'] for column in sa.inspect(bind).get_columns('cases')}:
        # (a downgrade on SQLite keeps it: see there)
        op.execute(f'ALTER TABLE cases ADD COLUMN merged_into_id INTEGER CONSTRAINT {MERGED_INTO_FK} '
                   'REFERENCES cases (id)')
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
    """The notes stay internal: which ones were marked public is not kept. On SQLite ``merged_into_id`` stays (a
    column with a reference can only go by copying the table, which with foreign keys on would delete every
    case's timeline first); the code before this revision does not read it."""
    op.drop_table('conversation_settings')
    if op.get_bind().dialect.name == 'sqlite':
        op.execute('ALTER TABLE cases DROP COLUMN participant_texted_at')
        return
    op.drop_constraint(MERGED_INTO_FK, 'cases', type_='foreignkey')
    op.drop_column('cases', 'merged_into_id')
    op.drop_column('cases', 'participant_texted_at')
