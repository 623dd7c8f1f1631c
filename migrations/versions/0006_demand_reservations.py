"""matching: units of a demand held by pending proposals; runs count units in 64 bits

Revision ID: 0006
Revises: 0005

"""
import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('matching_run', schema=None) as batch_op:
        batch_op.alter_column('units_matched', existing_type=sa.Integer(), type_=sa.BigInteger(), existing_nullable=False)
    with op.batch_alter_table('demand', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reserved_quantity', sa.Integer(), server_default='0', nullable=False))
        batch_op.create_check_constraint(batch_op.f('ck_demand_reserved_not_negative'), 'reserved_quantity >= 0')
        batch_op.create_check_constraint(
            batch_op.f('ck_demand_reserved_within_quantity'), 'matched_quantity + reserved_quantity <= quantity'
        )


def downgrade():
    with op.batch_alter_table('matching_run', schema=None) as batch_op:
        batch_op.alter_column('units_matched', existing_type=sa.BigInteger(), type_=sa.Integer(), existing_nullable=False)
    with op.batch_alter_table('demand', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_demand_reserved_within_quantity'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_demand_reserved_not_negative'), type_='check')
        batch_op.drop_column('reserved_quantity')
