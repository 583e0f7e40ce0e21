"""API tokens: an expiry (a year from now for the tokens already issued) and a revocation time

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29 06:00:00.000000

"""
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.add_column(sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True))
    in_a_year = datetime.now(UTC) + timedelta(days=365)
    if op.get_bind().dialect.name == 'sqlite':
        in_a_year = in_a_year.replace(tzinfo=None)  # stored as naive UTC, as the app's UTCDateTime does
    op.execute(sa.text('UPDATE api_tokens SET expires_at = :moment').bindparams(moment=in_a_year))
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.alter_column('expires_at', existing_type=sa.DateTime(timezone=True), nullable=False)


def downgrade():
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_column('revoked_at')
        batch_op.drop_column('expires_at')
