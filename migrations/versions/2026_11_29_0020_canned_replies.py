"""canned_replies: each program's ready-made SMS replies per language, with merge fields

Revision ID: 0020
Revises: 0019
Create Date: 2026-11-29 14:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'canned_replies',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('program_id', sa.Integer(), nullable=False),
        sa.Column('language', sa.String(length=5), nullable=False),
        sa.Column('title', sa.String(length=80), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['program_id'], ['programs.id'],
                                name=op.f('fk_canned_replies_program_id_programs'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_canned_replies')),
        # also the index of a program's replies
        sa.UniqueConstraint('program_id', 'language', 'title',
                            name=op.f('uq_canned_replies_program_id_language_title')),
    )


def downgrade():
    op.drop_table('canned_replies')
