"""matching: a running run's lease, renewed by its worker

Revision ID: 0015
Revises: 0014

A run's worker renews `lease_expires_at` while the run is under way; a run marked running whose lease
lapsed has lost its worker, and is shown stopped without waiting for the next run.
"""
import sqlalchemy as sa
from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('matching_run', schema=None) as batch_op:
        batch_op.add_column(sa.Column('lease_expires_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('matching_run', schema=None) as batch_op:
        batch_op.drop_column('lease_expires_at')
