"""privacy and accountability: the audit log, recording deletions at Twilio, erased opted-out phones, a
participant's erasure time and each program's retention in months

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-29 07:31:20.009568

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('audit_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_type', sa.String(length=16), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_name', sa.String(length=254), nullable=False),
    sa.Column('action', sa.String(length=48), nullable=False),
    sa.Column('target_type', sa.String(length=32), nullable=True),
    sa.Column('target_id', sa.String(length=64), nullable=True),
    sa.Column('program_id', sa.Integer(), nullable=True),
    sa.Column('ip_address', sa.String(length=45), nullable=True),
    sa.Column('user_agent', sa.String(length=255), nullable=True),
    sa.Column('changes', sa.JSON(), nullable=True),
    sa.Column('details', sa.JSON(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_events'))
    )
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_index('ix_audit_events_action', ['action', 'occurred_at', 'id'], unique=False)
        batch_op.create_index('ix_audit_events_actor', ['actor_name', 'occurred_at', 'id'], unique=False)
        batch_op.create_index('ix_audit_events_actor_action', ['actor_name', 'action', 'occurred_at', 'id'],
                              unique=False)
        batch_op.create_index('ix_audit_events_occurred_at', ['occurred_at', 'id'], unique=False)
        batch_op.create_index('ix_audit_events_program', ['program_id', 'occurred_at', 'id'], unique=False)
        batch_op.create_index('ix_audit_events_program_action', ['program_id', 'action', 'occurred_at', 'id'], unique=False)
        batch_op.create_index('ix_audit_events_target', ['target_type', 'target_id', 'occurred_at', 'id'], unique=False)

    op.create_table('erased_phones',
    sa.Column('program_id', sa.Integer(), nullable=False),
    sa.Column('phone_hash', sa.String(length=64), nullable=False),
    sa.Column('erased_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['program_id'], ['programs.id'], name=op.f('fk_erased_phones_program_id_programs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('program_id', 'phone_hash', name=op.f('pk_erased_phones'))
    )
    op.create_table('recording_deletions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('recording_sid', sa.String(length=64), nullable=False),
    sa.Column('program_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.String(length=16), nullable=False),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.String(length=255), nullable=True),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['participant_id'], ['participants.id'], name=op.f('fk_recording_deletions_participant_id_participants')),
    sa.ForeignKeyConstraint(['program_id'], ['programs.id'], name=op.f('fk_recording_deletions_program_id_programs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recording_deletions')),
    sa.UniqueConstraint('recording_sid', name=op.f('uq_recording_deletions_recording_sid'))
    )
    with op.batch_alter_table('recording_deletions', schema=None) as batch_op:
        batch_op.create_index('ix_recording_deletions_due', ['deleted_at', 'next_attempt_at'], unique=False)
        batch_op.create_index('ix_recording_deletions_participant', ['participant_id', 'deleted_at'], unique=False)

    with op.batch_alter_table('participants', schema=None) as batch_op:
        batch_op.add_column(sa.Column('erased_at', sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table('programs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('retention_months', sa.Integer(), server_default='24', nullable=False))



def downgrade():
    with op.batch_alter_table('programs', schema=None) as batch_op:
        batch_op.drop_column('retention_months')

    with op.batch_alter_table('participants', schema=None) as batch_op:
        batch_op.drop_column('erased_at')

    with op.batch_alter_table('recording_deletions', schema=None) as batch_op:
        batch_op.drop_index('ix_recording_deletions_participant')
        batch_op.drop_index('ix_recording_deletions_due')

    op.drop_table('recording_deletions')
    op.drop_table('erased_phones')
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_events_target')
        batch_op.drop_index('ix_audit_events_program_action')
        batch_op.drop_index('ix_audit_events_program')
        batch_op.drop_index('ix_audit_events_occurred_at')
        batch_op.drop_index('ix_audit_events_actor_action')
        batch_op.drop_index('ix_audit_events_actor')
        batch_op.drop_index('ix_audit_events_action')

    op.drop_table('audit_events')
