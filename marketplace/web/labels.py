"""Names shown for stored codes, in the reader's language: kinds of organisation, audit actions and objects."""
from flask_babel import lazy_gettext as _l

from ..domain.organisations import OrganisationKind

KIND_LABELS = {
    OrganisationKind.PRODUCER: _l("Producer"),
    OrganisationKind.IMPORTER: _l("Importer"),
    OrganisationKind.COMPANY: _l("Company (buyer)"),
    OrganisationKind.SECTOR_REFERENT: _l("Sector referent (pooled purchases for SMEs)"),
    OrganisationKind.LOCAL_AUTHORITY: _l("Local authority"),
    OrganisationKind.HEALTHCARE: _l("Healthcare structure"),
}

# Every action a service records (record_decision); an unknown one is shown as it is stored.
ACTION_LABELS = {
    "offer.created": _l("Offer saved as a draft"),
    "offer.submitted": _l("Offer submitted for moderation"),
    "offer.edited": _l("Offer changed"),
    "offer.withdrawn": _l("Offer withdrawn"),
    "offer.approved": _l("Offer approved"),
    "offer.partially_allocated": _l("Offer approved"),
    "offer.sold_out": _l("Offer approved"),
    "offer.rejected": _l("Offer rejected"),
    "certification.declared": _l("Certification declared"),
    "certification.verified": _l("Certification verified"),
    "certification.rejected": _l("Certification rejected"),
    "matching.run": _l("Matching run"),
    "proposal.requested": _l("Proposal requested from the catalogue"),
    "proposal.buyer_accepted": _l("Proposal accepted by the buyer"),
    "proposal.producer_accepted": _l("Proposal accepted by the producer"),
    "proposal.buyer_declined": _l("Proposal declined by the buyer"),
    "proposal.producer_declined": _l("Proposal declined by the producer"),
    "proposal.expired": _l("Proposal expired"),
    "order.created": _l("Order created"),
    "order.payment_recorded": _l("Payment recorded"),
    "demand.posted": _l("Demand posted"),
    "demand.updated": _l("Demand changed"),
    "demand.cancelled": _l("Demand cancelled"),
    "demand.expired": _l("Demand expired"),
    "pool.opened": _l("Pooled purchase opened"),
    "pool.joined": _l("Pooled purchase joined"),
    "pool.left": _l("Pooled purchase left"),
    "pool.submitted": _l("Pooled purchase submitted"),
    "pool.cancelled": _l("Pooled purchase cancelled"),
    "refund.external_order_added": _l("Order outside the platform added"),
    "refund.external_order_removed": _l("Order outside the platform removed"),
    "refund.funding_added": _l("External funding added"),
    "refund.external_funding_removed": _l("External funding removed"),
    "refund.share_added": _l("Beneficiary's share added"),
    "refund.beneficiary_share_removed": _l("Beneficiary's share removed"),
}

# The audited objects, by model class name.
OBJECT_LABELS = {
    "Offer": _l("Offer no. %(id)s"),
    "Certification": _l("Certification no. %(id)s"),
    "MatchingRun": _l("Matching run no. %(id)s"),
    "Proposal": _l("Proposal no. %(id)s"),
    "Order": _l("Order no. %(id)s"),
    "Demand": _l("Demand no. %(id)s"),
    "Pool": _l("Pooled purchase no. %(id)s"),
    "Organisation": _l("Organisation no. %(id)s"),
    "ExternalOrder": _l("Order outside the platform no. %(id)s"),
    "ExternalFunding": _l("External funding no. %(id)s"),
    "BeneficiaryShare": _l("Beneficiary's share no. %(id)s"),
}


def action_label(action):
    """Name an audit action for people."""
    label = ACTION_LABELS.get(action)
    return str(label) if label is not None else action


def object_label(entry):
    """Name the object of an audit entry for people ("Offer no. 13")."""
    label = OBJECT_LABELS.get(entry.object_type)
    if label is None:
        return f"{entry.object_type} #{entry.object_id}"
    return label % {"id": entry.object_id}
