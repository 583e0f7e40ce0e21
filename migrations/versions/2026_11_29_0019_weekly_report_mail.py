"""weekly report e-mails (one row per program, manager and week), a satisfaction target

Revision ID: 0019
Revises: 0018
Create Date: 2026-11-29 13:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'weekly_report_mails',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('program_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('week', sa.Date(), nullable=False),
        sa.Column('status', sa.Enum('pending', 'sending', 'sent', 'failed', 'skipped', name='mailstatus',
                                    native_enum=False, length=16), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('last_error', sa.Text(), nullable=True),
        sa.Column('sent_to', sa.String(length=254), nullable=True),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['program_id'], ['programs.id'], name=op.f('fk_weekly_report_mails_program_id_programs'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_weekly_report_mails_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_weekly_report_mails')),
        sa.UniqueConstraint('program_id', 'user_id', 'week',
                            name=op.f('uq_weekly_report_mails_program_id_user_id_week')),
    )
    with op.batch_alter_table('weekly_report_mails', schema=None) as batch_op:
        batch_op.create_index('ix_weekly_report_mails_due', ['status', 'next_attempt_at'], unique=False)
    with op.batch_alter_table('survey_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('target', sa.Double(), nullable=True))


def downgrade():
    with op.batch_alter_table('survey_settings', schema=None) as batch_op:
        batch_op.drop_column('target')
    with op.batch_alter_table('weekly_report_mails', schema=None) as batch_op:
        batch_op.drop_index('ix_weekly_report_mails_due')
    op.drop_table('weekly_report_mails')
