"""matching: markets written on parallel connections; demands updated in place

Revision ID: 0013
Revises: 0012

A large run writes its independent markets on one connection each. A proposal no longer has a
foreign key to its run: from several transactions at once, each key check share-locks the same
run row (a MultiXact per check); proposals are found by run through an index instead, for
announcing those of a run that stopped between its commits. Demand pages are kept half full, so
that reserving units rewrites a demand in place (HOT: no new index entries); existing pages keep
their rows until the table is rewritten (VACUUM FULL demand, in a maintenance window).
"""
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('proposal', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_proposal_run_id_matching_run'), type_='foreignkey')
        batch_op.create_index(batch_op.f('ix_proposal_run_id'), ['run_id'], unique=False)
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('ALTER TABLE demand SET (fillfactor = 50)')


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('ALTER TABLE demand RESET (fillfactor)')
    with op.batch_alter_table('proposal', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proposal_run_id'))
        batch_op.create_foreign_key(batch_op.f('fk_proposal_run_id_matching_run'), 'matching_run', ['run_id'], ['id'])
