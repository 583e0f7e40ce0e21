"""surveys: the reward names and vendors of the case's orders when the survey was sent, and daily totals keyed by
them (the dashboard's running totals by reward and by vendor)

Revision ID: 0024
Revises: 0023
Create Date: 2026-11-29 12:00:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None

surveys = sa.table('surveys', sa.column('id', sa.Integer()), sa.column('case_id', sa.Integer()),
                   sa.column('program_id', sa.Integer()), sa.column('sent_at', sa.DateTime()),
                   sa.column('order_keys', sa.JSON()))
links = sa.table('reward_delivery_case_orders', sa.column('case_id', sa.Integer()),
                 sa.column('order_id', sa.Integer()), sa.column('linked_at', sa.DateTime()))
orders = sa.table('reward_orders', sa.column('id', sa.Integer()), sa.column('program_id', sa.Integer()),
                  sa.column('reward_name', sa.String()), sa.column('vendor', sa.String()))


def upgrade():
    """Sent surveys take the orders linked to their case by the time they were sent; ``flask surveys
    rebuild-stats`` then counts them by reward and vendor."""
    op.add_column('surveys', sa.Column('order_keys', sa.JSON(), nullable=True))
    with op.batch_alter_table('survey_days', schema=None) as batch_op:  # keyed by reward names too
        batch_op.alter_column('key', existing_type=sa.String(length=120), type_=sa.String(length=200),
                              existing_nullable=False)
    connection = op.get_bind()
    keys: dict[int, dict[str, set]] = {}
    for survey_id, reward, vendor in connection.execute(
            sa.select(surveys.c.id, orders.c.reward_name, sa.func.coalesce(orders.c.vendor, ''))
            .join(links, links.c.case_id == surveys.c.case_id)
            .join(orders, sa.and_(orders.c.id == links.c.order_id, orders.c.program_id == surveys.c.program_id))
            .where(surveys.c.sent_at.is_not(None), links.c.linked_at <= surveys.c.sent_at)):
        own = keys.setdefault(survey_id, {'reward': set(), 'vendor': set()})
        own['reward'].add(reward)
        own['vendor'].add(vendor)
    if keys:
        connection.execute(
            surveys.update().where(surveys.c.id == sa.bindparam('survey_id'))
            .values(order_keys=sa.bindparam('keys', type_=sa.JSON())),
            [{'survey_id': survey_id, 'keys': {name: sorted(values) for name, values in own.items()}}
             for survey_id, own in keys.items()])


def downgrade():
    op.execute(sa.text("DELETE FROM survey_days WHERE dimension IN ('reward', 'vendor')"))
    with op.batch_alter_table('survey_days', schema=None) as batch_op:
        batch_op.alter_column('key', existing_type=sa.String(length=200), type_=sa.String(length=120),
                              existing_nullable=False)
    with op.batch_alter_table('surveys', schema=None) as batch_op:
        batch_op.drop_column('order_keys')
