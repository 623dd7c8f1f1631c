"""The regional administrator's queue: what waits for a decision in their regions, oldest first."""
from sqlalchemy import func, select

from ..domain.access import administered_region_codes
from ..domain.certifications import CertificationStatus
from ..domain.offers import OfferStatus
from ..extensions import db
from ..models import Certification, Offer

QUEUE_SIZE = 100


def pending_certifications(admin):
    """Return the certifications waiting in the administrator's regions, oldest first."""
    return db.session.scalars(
        select(Certification)
        .where(
            Certification.status == CertificationStatus.PENDING,
            Certification.region_code.in_(administered_region_codes(admin)),
        )
        .order_by(Certification.created_at, Certification.id)
        .limit(QUEUE_SIZE)
    ).all()


def pending_offers(admin):
    """Return the offers waiting in the administrator's regions, oldest submission first."""
    return db.session.scalars(
        select(Offer)
        .where(Offer.status == OfferStatus.SUBMITTED, Offer.region_code.in_(administered_region_codes(admin)))
        .order_by(Offer.submitted_at, Offer.id)
        .limit(QUEUE_SIZE)
    ).all()


def producer_history(organisation_ids):
    """Return, per organisation, how many of its certifications and offers ended in each status."""
    history = {organisation_id: {"certifications": {}, "offers": {}} for organisation_id in organisation_ids}
    for model, key in ((Certification, "certifications"), (Offer, "offers")):
        rows = db.session.execute(
            select(model.organisation_id, model.status, func.count())
            .where(model.organisation_id.in_(organisation_ids))
            .group_by(model.organisation_id, model.status)
        ).all()
        for organisation_id, status, count in rows:
            history[organisation_id][key][status] = count
    return history
