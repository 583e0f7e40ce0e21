"""phone_menu_options: each program's own phone menu (keys, what they do, the category they set, the words per
language)

Revision ID: 0022
Revises: 0021
Create Date: 2026-11-29 11:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'phone_menu_options',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('program_id', sa.Integer(), nullable=False),
        sa.Column('digit', sa.String(length=1), nullable=False),
        sa.Column('action', sa.Enum('case_category', 'agent', 'voicemail', name='menuaction', native_enum=False,
                                    length=16), nullable=False),
        sa.Column('category', sa.Enum('reward_delivery', 'points', 'redemption', 'account', 'complaint',
                                      'code_not_accepted', 'other', name='category', native_enum=False, length=24),
                  nullable=False),
        sa.Column('custom_category_id', sa.Integer(), nullable=True),
        sa.Column('texts', sa.JSON(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['program_id'], ['programs.id'],
                                name=op.f('fk_phone_menu_options_program_id_programs'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['custom_category_id'], ['case_categories.id'],
                                name=op.f('fk_phone_menu_options_custom_category_id_case_categories')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_phone_menu_options')),
        sa.UniqueConstraint('program_id', 'digit', name=op.f('uq_phone_menu_options_program_id_digit')),
    )


def downgrade():
    op.drop_table('phone_menu_options')
