"""matching: a proposal's parties checked with its offer and demand (composite keys); unused indexes dropped

Revision ID: 0012
Revises: 0011

A proposal's seller is its offer's organisation and its buyer its demand's: one foreign key on
(seller_organisation_id, offer_id) and one on (buyer_organisation_id, demand_id) check both the row
and the copy, three key checks per proposal instead of five. The unique (organisation_id, id) they
point at replaces the index on organisation_id. No query reads proposals by offer or run, nor
demands by category, region or priority: those indexes go.
"""
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('offer', schema=None) as batch_op:
        batch_op.create_unique_constraint(batch_op.f('uq_offer_organisation_id'), ['organisation_id', 'id'])
        batch_op.drop_index(batch_op.f('ix_offer_organisation_id'))

    with op.batch_alter_table('demand', schema=None) as batch_op:
        batch_op.create_unique_constraint(batch_op.f('uq_demand_organisation_id'), ['organisation_id', 'id'])
        batch_op.drop_index(batch_op.f('ix_demand_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_demand_category'))
        batch_op.drop_index(batch_op.f('ix_demand_priority_rank'))
        batch_op.drop_index(batch_op.f('ix_demand_region_code'))

    with op.batch_alter_table('proposal', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_proposal_offer_id_offer'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_proposal_seller_organisation_id_organisation'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_proposal_demand_id_demand'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_proposal_buyer_organisation_id_organisation'), type_='foreignkey')
        batch_op.create_foreign_key(batch_op.f('fk_proposal_seller_organisation_id_offer'), 'offer',
                                    ['seller_organisation_id', 'offer_id'], ['organisation_id', 'id'])
        batch_op.create_foreign_key(batch_op.f('fk_proposal_buyer_organisation_id_demand'), 'demand',
                                    ['buyer_organisation_id', 'demand_id'], ['organisation_id', 'id'])
        batch_op.drop_index(batch_op.f('ix_proposal_offer_id'))
        batch_op.drop_index(batch_op.f('ix_proposal_run_id'))


def downgrade():
    with op.batch_alter_table('proposal', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proposal_run_id'), ['run_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_proposal_offer_id'), ['offer_id'], unique=False)
        batch_op.drop_constraint(batch_op.f('fk_proposal_buyer_organisation_id_demand'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_proposal_seller_organisation_id_offer'), type_='foreignkey')
        batch_op.create_foreign_key(batch_op.f('fk_proposal_buyer_organisation_id_organisation'), 'organisation',
                                    ['buyer_organisation_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_proposal_demand_id_demand'), 'demand', ['demand_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_proposal_seller_organisation_id_organisation'), 'organisation',
                                    ['seller_organisation_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_proposal_offer_id_offer'), 'offer', ['offer_id'], ['id'])

    with op.batch_alter_table('demand', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_demand_region_code'), ['region_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_demand_priority_rank'), ['priority_rank'], unique=False)
        batch_op.create_index(batch_op.f('ix_demand_category'), ['category'], unique=False)
        batch_op.create_index(batch_op.f('ix_demand_organisation_id'), ['organisation_id'], unique=False)
        batch_op.drop_constraint(batch_op.f('uq_demand_organisation_id'), type_='unique')

    with op.batch_alter_table('offer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_offer_organisation_id'), ['organisation_id'], unique=False)
        batch_op.drop_constraint(batch_op.f('uq_offer_organisation_id'), type_='unique')
