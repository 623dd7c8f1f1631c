"""Every unit of stock and demand accounted for by the proposals that hold it."""
from sqlalchemy import func, select

from marketplace.extensions import db
from marketplace.models import Demand, Offer, Proposal


def assert_every_unit_accounted_for():
    """Check each offer's allocated units against its live proposals, each demand's reserved ones against its pending ones."""
    db.session.expire_all()
    for offer in db.session.scalars(select(Offer)):
        held = db.session.scalar(select(func.coalesce(func.sum(Proposal.quantity), 0)).where(
            Proposal.offer_id == offer.id, Proposal.status.in_(("pending", "accepted"))))
        assert offer.allocated_quantity + offer.remaining_quantity == offer.quantity
        assert offer.allocated_quantity == held and offer.remaining_quantity >= 0
    for demand in db.session.scalars(select(Demand)):
        pending = db.session.scalar(select(func.coalesce(func.sum(Proposal.quantity), 0)).where(
            Proposal.demand_id == demand.id, Proposal.status == "pending"))
        assert demand.reserved_quantity == pending
        assert demand.matched_quantity + demand.reserved_quantity <= demand.quantity
