"""catalogue: its six indexes cover the listed offers only

Revision ID: 0014
Revises: 0013

The catalogue's queries all say `listed = true`. With partial indexes, an offer that a matching
run sells out (it leaves the catalogue) gets no new entry in six of its ten indexes: about a
second of a national run's write. The indexed columns lose their leading `listed`.
"""
import sqlalchemy as sa
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

CATALOGUE = {
    'ix_offer_listed_price': ['unit_price_cents', 'id'],
    'ix_offer_listed_category_price': ['category', 'unit_price_cents', 'id'],
    'ix_offer_listed_remaining': ['remaining_quantity', 'id'],
    'ix_offer_listed_category_remaining': ['category', 'remaining_quantity', 'id'],
    'ix_offer_listed_id': ['id'],
    'ix_offer_listed_category_id': ['category', 'id'],
}


def upgrade():
    with op.batch_alter_table('offer', schema=None) as batch_op:
        for name, columns in CATALOGUE.items():
            batch_op.drop_index(name)
            batch_op.create_index(name, columns, unique=False, postgresql_where=sa.text('listed'),
                                  sqlite_where=sa.text('listed = 1'))


def downgrade():
    with op.batch_alter_table('offer', schema=None) as batch_op:
        for name, columns in CATALOGUE.items():
            batch_op.drop_index(name)
            batch_op.create_index(name, ['listed', *columns], unique=False)
