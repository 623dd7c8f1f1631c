"""refund statement: one outside order per number and body

Revision ID: 0011
Revises: 0010

"""
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('refund_external_order', schema=None) as batch_op:
        batch_op.create_unique_constraint(batch_op.f('uq_refund_external_order_organisation_id'), ['organisation_id', 'number'])


def downgrade():
    with op.batch_alter_table('refund_external_order', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_refund_external_order_organisation_id'), type_='unique')
