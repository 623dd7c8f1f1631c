"""Stock listings: create, edit, submit and withdraw (producers); approve and reject (administrators)."""
from sqlalchemy import select

from .. import clock
from ..domain import offers as offer_rules
from ..domain.access import can_act_for, can_administer_region
from ..domain.errors import DomainError, ErrorCode, N_, Refusals, has_inputs
from ..domain.geography import regions
from ..domain.masks import Category
from ..domain.offers import LISTABLE, MODERATED_FIELDS, OfferStatus, status_after_allocation
from ..domain.vat import vat_rate_bp
from ..extensions import db
from ..mail import notify
from ..models import Offer
from .audit import record_decision
from .certifications import verified_certification_for
from .matching.requests import request_run


class DeliveryScope:
    OWN = "own"
    SEVERAL = "several"
    ALL = "all"


def _delivery_regions(organisation, scope, codes):
    if scope == DeliveryScope.ALL:
        return None
    if scope == DeliveryScope.OWN:
        return [organisation.region_code]
    unknown = [code for code in codes or [] if code not in regions()]
    if not codes or unknown:
        raise DomainError(N_("Choose at least one region to deliver to."), field="regions")
    return sorted(set(codes))


def _certified(organisation, category):
    certification = verified_certification_for(organisation.id, category)
    if certification is None:
        raise DomainError(
            N_("You hold no verified certification for %(category)s masks."),
            field="category", category=category,
        )
    return certification


def _delivery_checkable(data):
    # The scope typed wrong, or the regions typed wrong when they count: the field error says it all.
    return has_inputs(data, "delivery_scope") and (
        data["delivery_scope"] != DeliveryScope.SEVERAL or has_inputs(data, "regions")
    )


def check_offer(organisation, data, allocated=0):
    """Refuse every error of an offer at once; return its category, certification and regions delivered to.

    An input left out of data (typed wrong elsewhere) is not checked; allocated is what an edited offer
    has already allocated, which its quantity may not go below.
    """
    refusals = Refusals()
    category = Category(data["category"]) if has_inputs(data, "category") else None
    certification = None
    if category is not None:
        with refusals.check():
            certification = _certified(organisation, category)
    offer_rules.check_offer(data, clock.today(), refusals, allocated)
    delivery_regions = None
    if _delivery_checkable(data):
        with refusals.check():
            delivery_regions = _delivery_regions(organisation, data["delivery_scope"], data.get("regions"))
    refusals.raise_any()
    return category, certification, delivery_regions


def offer_terms(organisation, data, allocated=0):
    """Check what a producer typed for an offer and return the offer's fields; refuse every error at once."""
    # Terms are read from every input: a delivery left out counts as left blank, not as not checkable.
    data = {"delivery_scope": None, "regions": None} | data
    category, certification, delivery_regions = check_offer(organisation, data, allocated)
    available_from = data["available_from"]
    return {
        "certification": certification,
        "category": category,
        "quantity": data["quantity"],
        "unit_price_cents": data["unit_price_cents"],
        "vat_rate_bp": vat_rate_bp(category, certification.exhalation_valve, available_from),
        "delivery_regions": delivery_regions,
        "available_from": available_from,
        "expires_on": data.get("expires_on"),
    }


def _ensure_seller(user):
    if user.organisation is None or not user.organisation.is_seller:
        raise DomainError(N_("Only producers and importers list offers."), ErrorCode.FORBIDDEN)


def _ensure_not_expired(offer, message):
    if offer.expires_on is not None and offer.expires_on < clock.today():
        raise DomainError(message, ErrorCode.EXPIRED, id=offer.id, date=offer.expires_on)


def _ensure_owner(user, offer):
    if not can_act_for(user, offer.organisation_id):
        raise DomainError(N_("This offer is not yours."), ErrorCode.FORBIDDEN)


def _apply(offer, terms):
    regions_ = terms.pop("delivery_regions")
    for name, value in terms.items():
        setattr(offer, name, value)
    offer.set_delivery_regions(regions_)
    offer.remaining_quantity = offer.quantity - offer.allocated_quantity


def build_offer(user, terms, submit):
    """Add a new offer from checked terms to the session (the caller commits)."""
    organisation = user.organisation
    offer = Offer(organisation=organisation, region_code=organisation.region_code, allocated_quantity=0)
    _apply(offer, dict(terms))
    offer.set_status(OfferStatus.SUBMITTED if submit else OfferStatus.DRAFT)
    offer.submitted_at = clock.utcnow() if submit else None
    db.session.add(offer)
    db.session.flush()
    record_decision(user, "offer.submitted" if submit else "offer.created", offer, after=offer.snapshot())
    return offer


def create_offer(user, data, submit=False):
    """List a new offer as a draft, or submit it to moderation straight away."""
    _ensure_seller(user)
    offer = build_offer(user, offer_terms(user.organisation, data), submit)
    db.session.commit()
    return offer


def update_offer(user, offer, data):
    """Edit an offer; a new price, category or regions sends a listed offer back to moderation."""
    _ensure_owner(user, offer)
    if not offer.can_be_edited:
        raise DomainError(N_("This offer can no longer be edited."), ErrorCode.CONFLICT)
    terms = offer_terms(offer.organisation, data, offer.allocated_quantity)
    before = offer.snapshot()
    moderated_change = any(before[name] != terms[name] for name in MODERATED_FIELDS)
    _apply(offer, terms)
    if offer.status in LISTABLE | {OfferStatus.SOLD_OUT}:
        if moderated_change:
            offer.set_status(OfferStatus.SUBMITTED)
            offer.submitted_at = clock.utcnow()
        else:
            offer.set_status(status_after_allocation(offer.quantity, offer.allocated_quantity))
    elif offer.status == OfferStatus.REJECTED:
        offer.set_status(OfferStatus.DRAFT)
    record_decision(user, "offer.edited", offer, before=before, after=offer.snapshot())
    db.session.commit()
    return offer


def submit_offer(user, offer):
    """Send a draft or rejected offer to the regional administrator."""
    _ensure_owner(user, offer)
    if not offer.can_be_submitted:
        raise DomainError(N_("Only a draft or rejected offer can be submitted."), ErrorCode.CONFLICT)
    _ensure_not_expired(offer, N_("This offer expired on %(date)s: edit its expiry date before submitting it."))
    before = offer.snapshot()
    offer.set_status(OfferStatus.SUBMITTED)
    offer.submitted_at = clock.utcnow()
    offer.rejection_reason = None
    record_decision(user, "offer.submitted", offer, before=before, after=offer.snapshot())
    db.session.commit()
    return offer


def withdraw_offer(user, offer):
    """Withdraw what is not allocated: the whole offer, or the rest of a partly allocated one."""
    _ensure_owner(user, offer)
    if not offer.can_be_withdrawn:
        raise DomainError(N_("This offer cannot be withdrawn."), ErrorCode.CONFLICT)
    before = offer.snapshot()
    if offer.allocated_quantity:
        offer.quantity = offer.allocated_quantity
        offer.remaining_quantity = 0
        offer.set_status(OfferStatus.SOLD_OUT)
    else:
        offer.set_status(OfferStatus.WITHDRAWN)
    record_decision(user, "offer.withdrawn", offer, before=before, after=offer.snapshot())
    db.session.commit()
    return offer


def _decide(admin, offer, status, reason=None):
    if not can_administer_region(admin, offer.region_code):
        raise DomainError(N_("You do not administer this region."), ErrorCode.FORBIDDEN)
    if not offer.is_pending:
        raise DomainError(N_("This offer is not waiting for moderation."), ErrorCode.CONFLICT)
    before = offer.snapshot()
    offer.set_status(status)
    offer.rejection_reason = reason
    offer.decided_at = clock.utcnow()
    record_decision(admin, f"offer.{status}", offer, before=before, after=offer.snapshot(), reason=reason)


def _notify(offer):
    """Mail the decision to the offer's organisation, in the caller's transaction."""
    for member in offer.organisation.members:
        notify(member, "offer_decision", offer=offer, subject_params={"category": offer.category})


def approve_offer(admin, offer):
    """Publish a submitted offer in the catalogue."""
    _ensure_not_expired(offer, N_("Offer %(id)s expired on %(date)s: it cannot be approved."))
    _decide(admin, offer, status_after_allocation(offer.quantity, offer.allocated_quantity))
    _notify(offer)
    db.session.commit()
    request_run()
    return offer


def reject_offer(admin, offer, reason):
    """Refuse a submitted offer, telling the producer why."""
    if not (reason or "").strip():
        raise DomainError(N_("Give the reason for the rejection."), field="reason")
    _decide(admin, offer, OfferStatus.REJECTED, reason.strip())
    _notify(offer)
    db.session.commit()
    return offer


def bulk_approve_offers(admin, offer_ids):
    """Approve several submitted offers at once; return how many were approved."""
    offers = db.session.scalars(select(Offer).where(Offer.id.in_(offer_ids)).order_by(Offer.id)).all()
    if len(offers) != len(set(offer_ids)):
        raise DomainError(N_("Some of these offers do not exist."), ErrorCode.NOT_FOUND)
    for offer in offers:
        _ensure_not_expired(offer, N_("Offer %(id)s expired on %(date)s: it cannot be approved."))
    for offer in offers:
        _decide(admin, offer, status_after_allocation(offer.quantity, offer.allocated_quantity))
        _notify(offer)
    db.session.commit()
    request_run()
    return len(offers)


def organisation_offers(organisation_id, page, per_page=50):
    """Return one page of an organisation's offers, newest first."""
    query = select(Offer).where(Offer.organisation_id == organisation_id).order_by(Offer.id.desc())
    return db.paginate(query, page=page, per_page=per_page, error_out=False)
