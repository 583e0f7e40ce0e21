"""case_categories: each program's own case categories and its names for the built-in ones; cases.custom_category_id

Revision ID: 0021
Revises: 0020
Create Date: 2026-11-29 11:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None

CATEGORIES = ('reward_delivery', 'points', 'redemption', 'account', 'complaint', 'code_not_accepted', 'other')
BUILTIN = sa.text('builtin')
CUSTOM_CATEGORY_FK = 'fk_cases_custom_category_id_case_categories'


def upgrade():
    bind = op.get_bind()
    if bind.dialect.name == 'sqlite' and 'case_categories' in sa.inspect(bind).get_table_names():
        return  # kept by a downgrade (see there)
    op.create_table(
        'case_categories',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('program_id', sa.Integer(), nullable=False),
        sa.Column('reported_as', sa.Enum(*CATEGORIES, name='category', native_enum=False, length=24), nullable=False),
        sa.Column('builtin', sa.Boolean(), nullable=False),
        sa.Column('name_en', sa.String(length=60), nullable=False),
        sa.Column('name_pl', sa.String(length=60), nullable=False),
        sa.Column('name_ru', sa.String(length=60), nullable=False),
        sa.Column('retired', sa.Boolean(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['program_id'], ['programs.id'],
                                name=op.f('fk_case_categories_program_id_programs'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_case_categories')),
    )
    with op.batch_alter_table('case_categories', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_categories_program_id'), ['program_id'], unique=False)
        batch_op.create_index('uq_case_categories_builtin', ['program_id', 'reported_as'], unique=True,
                              sqlite_where=BUILTIN, postgresql_where=BUILTIN)
    # Not batch mode on cases (see 0015): SQLite adds a nullable column with its reference in place.
    if bind.dialect.name == 'sqlite':
        op.execute(f'ALTER TABLE cases ADD COLUMN custom_category_id INTEGER CONSTRAINT {CUSTOM_CATEGORY_FK} '
                   'REFERENCES case_categories (id)')
    else:
        op.add_column('cases', sa.Column('custom_category_id', sa.Integer(), nullable=True))
        op.create_foreign_key(CUSTOM_CATEGORY_FK, 'cases', 'case_categories', ['custom_category_id'], ['id'])


def downgrade():
    """On SQLite the table and ``cases.custom_category_id`` stay: a column with a reference can only go by copying
    the cases table (see 0015), and without the table the reference would dangle. The code before this revision
    reads neither."""
    if op.get_bind().dialect.name == 'sqlite':
        return
    op.drop_constraint(CUSTOM_CATEGORY_FK, 'cases', type_='foreignkey')
    op.drop_column('cases', 'custom_category_id')
    op.drop_table('case_categories')
