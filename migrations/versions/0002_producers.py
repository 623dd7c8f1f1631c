"""producers: certifications with their test reports, offers and the regions they deliver to

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 17:23:14.528567

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('certification',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('region_code', sa.String(length=3), nullable=False),
    sa.Column('category', sa.String(length=16), nullable=False),
    sa.Column('standard', sa.String(length=80), nullable=False),
    sa.Column('reusable', sa.Boolean(), nullable=False),
    sa.Column('washes', sa.Integer(), nullable=True),
    sa.Column('exhalation_valve', sa.Boolean(), nullable=False),
    sa.Column('testing_body', sa.String(length=32), nullable=False),
    sa.Column('testing_body_name', sa.String(length=200), nullable=False),
    sa.Column('report_reference', sa.String(length=120), nullable=False),
    sa.Column('report_date', sa.Date(), nullable=False),
    sa.Column('filtration_3um_pct', sa.Float(), nullable=True),
    sa.Column('air_permeability', sa.Float(), nullable=True),
    sa.Column('breathability_hours', sa.Integer(), nullable=True),
    sa.Column('report_path', sa.String(length=255), nullable=False),
    sa.Column('report_filename', sa.String(length=255), nullable=False),
    sa.Column('report_size', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('rejection_reason', sa.String(length=1000), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('washes IS NULL OR washes >= 0', name=op.f('ck_certification_washes_not_negative')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user_account.id'], name=op.f('fk_certification_decided_by_id_user_account')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_certification_organisation_id_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_certification'))
    )
    with op.batch_alter_table('certification', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_certification_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index('ix_certification_status_category', ['status', 'category'], unique=False)
        batch_op.create_index('ix_certification_status_region', ['status', 'region_code', 'created_at'], unique=False)

    op.create_table('offer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('certification_id', sa.Integer(), nullable=False),
    sa.Column('region_code', sa.String(length=3), nullable=False),
    sa.Column('category', sa.String(length=16), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('allocated_quantity', sa.Integer(), nullable=False),
    sa.Column('remaining_quantity', sa.Integer(), nullable=False),
    sa.Column('unit_price_cents', sa.Integer(), nullable=False),
    sa.Column('vat_rate_bp', sa.Integer(), nullable=False),
    sa.Column('delivers_everywhere', sa.Boolean(), nullable=False),
    sa.Column('delivery_mask', sa.Integer(), nullable=False),
    sa.Column('available_from', sa.Date(), nullable=False),
    sa.Column('expires_on', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=24), nullable=False),
    sa.Column('listed', sa.Boolean(), nullable=False),
    sa.Column('rejection_reason', sa.String(length=1000), nullable=True),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('allocated_quantity + remaining_quantity = quantity', name=op.f('ck_offer_remaining_is_unallocated')),
    sa.CheckConstraint('allocated_quantity <= quantity', name=op.f('ck_offer_allocated_within_quantity')),
    sa.CheckConstraint('allocated_quantity >= 0', name=op.f('ck_offer_allocated_not_negative')),
    sa.CheckConstraint('quantity >= 0', name=op.f('ck_offer_quantity_not_negative')),
    sa.CheckConstraint('remaining_quantity >= 0', name=op.f('ck_offer_remaining_not_negative')),
    sa.CheckConstraint('unit_price_cents > 0', name=op.f('ck_offer_price_positive')),
    sa.ForeignKeyConstraint(['certification_id'], ['certification.id'], name=op.f('fk_offer_certification_id_certification')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_offer_organisation_id_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_offer'))
    )
    with op.batch_alter_table('offer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_offer_certification_id'), ['certification_id'], unique=False)
        batch_op.create_index('ix_offer_listed_id', ['listed', 'id'], unique=False)
        batch_op.create_index('ix_offer_listed_category_id', ['listed', 'category', 'id'], unique=False)
        batch_op.create_index('ix_offer_listed_category_price', ['listed', 'category', 'unit_price_cents', 'id'], unique=False)
        batch_op.create_index('ix_offer_listed_category_remaining', ['listed', 'category', 'remaining_quantity', 'id'], unique=False)
        batch_op.create_index('ix_offer_listed_price', ['listed', 'unit_price_cents', 'id'], unique=False)
        batch_op.create_index('ix_offer_listed_remaining', ['listed', 'remaining_quantity', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_offer_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index('ix_offer_status_region', ['status', 'region_code', 'submitted_at'], unique=False)

    op.create_table('offer_region',
    sa.Column('offer_id', sa.Integer(), nullable=False),
    sa.Column('region_code', sa.String(length=3), nullable=False),
    sa.ForeignKeyConstraint(['offer_id'], ['offer.id'], name=op.f('fk_offer_region_offer_id_offer'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('offer_id', 'region_code', name=op.f('pk_offer_region'))
    )
    with op.batch_alter_table('offer_region', schema=None) as batch_op:
        batch_op.create_index('ix_offer_region_region_offer', ['region_code', 'offer_id'], unique=False)



def downgrade():
    with op.batch_alter_table('offer_region', schema=None) as batch_op:
        batch_op.drop_index('ix_offer_region_region_offer')

    op.drop_table('offer_region')
    with op.batch_alter_table('offer', schema=None) as batch_op:
        batch_op.drop_index('ix_offer_status_region')
        batch_op.drop_index(batch_op.f('ix_offer_organisation_id'))
        batch_op.drop_index('ix_offer_listed_remaining')
        batch_op.drop_index('ix_offer_listed_price')
        batch_op.drop_index('ix_offer_listed_category_remaining')
        batch_op.drop_index('ix_offer_listed_category_price')
        batch_op.drop_index('ix_offer_listed_category_id')
        batch_op.drop_index('ix_offer_listed_id')
        batch_op.drop_index(batch_op.f('ix_offer_certification_id'))

    op.drop_table('offer')
    with op.batch_alter_table('certification', schema=None) as batch_op:
        batch_op.drop_index('ix_certification_status_region')
        batch_op.drop_index('ix_certification_status_category')
        batch_op.drop_index(batch_op.f('ix_certification_organisation_id'))

    op.drop_table('certification')
