"""program_special_days: holidays and special opening hours of a program

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-29 09:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'program_special_days',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('program_id', sa.Integer(), nullable=False),
        sa.Column('starts_on', sa.Date(), nullable=False),
        sa.Column('ends_on', sa.Date(), nullable=False),
        sa.Column('hours', sa.JSON(), nullable=False),
        sa.Column('note', sa.String(length=120), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['program_id'], ['programs.id'],
                                name=op.f('fk_program_special_days_program_id_programs'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_program_special_days')),
    )
    with op.batch_alter_table('program_special_days', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_program_special_days_program_id'), ['program_id'], unique=False)


def downgrade():
    op.drop_table('program_special_days')
