"""surveys: a scale per program (1-5 or 0-10), every survey text per language, the raw reply beside the score

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-29 08:00:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

NEW_SCORES = ('score_0', 'score_6', 'score_7', 'score_8', 'score_9', 'score_10')
settings = sa.table('survey_settings', sa.column('program_id', sa.Integer()), sa.column('questions', sa.JSON()),
                    sa.column('texts', sa.JSON()))


def upgrade():
    with op.batch_alter_table('surveys', schema=None) as batch_op:
        batch_op.add_column(sa.Column('scale', sa.SmallInteger(), server_default='5', nullable=False))
        batch_op.add_column(sa.Column('raw_reply', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('needs_review', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('unclear_replies', sa.SmallInteger(), server_default='0', nullable=False))
    with op.batch_alter_table('survey_days', schema=None) as batch_op:
        batch_op.add_column(sa.Column('scale', sa.SmallInteger(), server_default='5', nullable=False))
        batch_op.add_column(sa.Column('unclear', sa.Integer(), server_default='0', nullable=False))
        for name in NEW_SCORES:
            batch_op.add_column(sa.Column(name, sa.Integer(), server_default='0', nullable=False))
        batch_op.drop_constraint('uq_survey_days_program_id_dimension_day_key', type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_survey_days_program_id_dimension_day_key_scale'),
                                          ['program_id', 'dimension', 'day', 'key', 'scale'])
    with op.batch_alter_table('survey_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('scale', sa.SmallInteger(), server_default='5', nullable=False))
        batch_op.add_column(sa.Column('texts', sa.JSON(), nullable=True))
    connection = op.get_bind()
    for program_id, questions in connection.execute(sa.select(settings.c.program_id, settings.c.questions)).all():
        texts = {locale: {'question': text} for locale, text in (questions or {}).items() if text}
        connection.execute(settings.update().where(settings.c.program_id == program_id).values(texts=texts))
    with op.batch_alter_table('survey_settings', schema=None) as batch_op:
        batch_op.alter_column('texts', existing_type=sa.JSON(), nullable=False)
        batch_op.drop_column('questions')


def downgrade():
    """Keeps each language's own question; the other texts, the scale and the figures on 0-10 are lost."""
    with op.batch_alter_table('survey_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('questions', sa.JSON(), nullable=True))
    connection = op.get_bind()
    for program_id, texts in connection.execute(sa.select(settings.c.program_id, settings.c.texts)).all():
        questions = {locale: own['question'] for locale, own in (texts or {}).items() if own.get('question')}
        connection.execute(settings.update().where(settings.c.program_id == program_id).values(questions=questions))
    with op.batch_alter_table('survey_settings', schema=None) as batch_op:
        batch_op.alter_column('questions', existing_type=sa.JSON(), nullable=False)
        batch_op.drop_column('texts')
        batch_op.drop_column('scale')
    op.execute(sa.text('DELETE FROM survey_days WHERE scale <> 5'))
    with op.batch_alter_table('survey_days', schema=None) as batch_op:
        batch_op.drop_constraint('uq_survey_days_program_id_dimension_day_key_scale', type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_survey_days_program_id_dimension_day_key'),
                                          ['program_id', 'dimension', 'day', 'key'])
        for name in ('unclear', 'scale', *NEW_SCORES):
            batch_op.drop_column(name)
    with op.batch_alter_table('surveys', schema=None) as batch_op:
        for name in ('unclear_replies', 'needs_review', 'raw_reply', 'scale'):
            batch_op.drop_column(name)
