"""Proposals: each side accepts or declines its own part; both accepted make an order; expiry releases."""
from dataclasses import dataclass, field
from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from .. import clock
from ..domain.access import can_act_for, can_administer_region
from ..domain.errors import DomainError, ErrorCode, N_
from ..domain.geography import regions
from ..domain.matching import Demand as DemandValue
from ..domain.matching import Offer as OfferValue
from ..domain.matching import is_compatible
from ..domain.proposals import Decision, ProposalSource, ProposalStatus
from ..extensions import db
from ..models import Demand, Offer, Proposal
from .audit import record_decision
from .demands import live_demands_of
from .orders import place_order
from .proposal_mail import BUYER, PRODUCER, announce_proposals, tell_decision, tell_decisions, tell_expired
from .reservations import StockChanged, locked, release, reserve

PAGE_SIZE = 30
# The most proposals one decision may take: a page offers PAGE_SIZE, more would hold many row locks for long.
MOST_DECIDED_AT_ONCE = 100


def side_of(user, proposal):
    """Return which side of a proposal user answers for (buyer or producer), or None."""
    if can_act_for(user, proposal.buyer_organisation_id):
        return BUYER
    if can_act_for(user, proposal.seller_organisation_id):
        return PRODUCER
    return None


def can_read(user, proposal):
    """Tell whether user may see a proposal: its two organisations, and administrators of its region."""
    return side_of(user, proposal) is not None or (user.is_admin and can_administer_region(user, proposal.region_code))


def _snapshot(proposal):
    return {"status": proposal.status, "buyer": proposal.buyer_decision, "producer": proposal.producer_decision,
            "quantity": proposal.quantity}


def _refusal(proposal, side):
    """Return why side may not answer proposal now (a DomainError to raise or report), or None."""
    if not proposal.is_pending:
        return DomainError(N_("This proposal is already closed."), ErrorCode.CONFLICT)
    if proposal.expires_at <= clock.utcnow():
        return DomainError(N_("This proposal has expired."), ErrorCode.EXPIRED)
    decided = proposal.buyer_decision if side == BUYER else proposal.producer_decision
    if decided is not None:
        return DomainError(N_("Your organisation already answered this proposal."), ErrorCode.CONFLICT)
    return None


def awaits_answer(proposal, side):
    """Tell whether side still has to answer a proposal (pending, not expired, not answered by side)."""
    return _refusal(proposal, side) is None


def _pending_for(user, proposal_id):
    proposal = locked(Proposal, proposal_id)
    side = side_of(user, proposal) if proposal is not None else None
    if side is None:
        raise DomainError(N_("This proposal does not exist."), ErrorCode.NOT_FOUND)
    refusal = _refusal(proposal, side)
    if refusal is not None:
        raise refusal
    return proposal, side


def accept_proposal(user, proposal_id):
    """Accept a proposal for the user's side; once both sides accept, create the order. Return the proposal."""
    proposal, side = _pending_for(user, proposal_id)
    if _accept(user, proposal, side) is None:
        tell_decision(proposal, side, "proposal_accepted")
    db.session.commit()
    return proposal


def _accept(user, proposal, side):
    """Record side's acceptance; place and return the order once both sides accepted, else None."""
    before = _snapshot(proposal)
    setattr(proposal, f"{side}_decision", Decision.ACCEPTED)
    order = None
    if proposal.buyer_decision == proposal.producer_decision == Decision.ACCEPTED:
        order = place_order(proposal)
        record_decision(user, "order.created", order, after={"number": order.number, "proposal": proposal.id},
                        region_code=proposal.region_code)
    record_decision(user, f"proposal.{side}_accepted", proposal, before=before, after=_snapshot(proposal))
    return order


def decline_proposal(user, proposal_id, reason=None):
    """Decline a proposal for the user's side and release its units. Return the proposal."""
    proposal, side = _pending_for(user, proposal_id)
    reason = _clean(reason)
    _decline(user, proposal, side, reason)
    tell_decision(proposal, side, "proposal_declined", reason)
    db.session.commit()
    return proposal


def _clean(reason):
    return (reason or "").strip()[:500] or None


def _decline(user, proposal, side, reason):
    before = _snapshot(proposal)
    setattr(proposal, f"{side}_decision", Decision.DECLINED)
    _close(proposal, ProposalStatus.DECLINED)
    record_decision(user, f"proposal.{side}_declined", proposal, before=before, after=_snapshot(proposal),
                    reason=reason)


@dataclass
class Decisions:
    """What a decision on several proposals did: the proposals decided, the orders placed, those skipped."""

    decided: list = field(default_factory=list)
    orders: list = field(default_factory=list)
    expired: list = field(default_factory=list)  # ids past their deadline
    answered: list = field(default_factory=list)  # ids already closed or answered by this side


def decide_proposals(user, side, proposal_ids, accept, reason=None):
    """Accept or decline several proposals for the user's side in one transaction; return Decisions.

    Every id must be a proposal of the user's organisation on that side, or nothing is decided
    (NOT_FOUND); more than MOST_DECIDED_AT_ONCE are refused. Expired and already answered ones are
    reported, not decided.
    """
    ids = sorted(set(proposal_ids))
    if not ids:
        raise DomainError(N_("Tick at least one proposal."), field="ids")
    if len(ids) > MOST_DECIDED_AT_ONCE:
        raise DomainError(N_("Choose at most %(most)s proposals at once."), field="ids", most=MOST_DECIDED_AT_ONCE)
    rows = _locked_all(Proposal, ids)  # by id: two batches sharing proposals wait instead of deadlocking
    if len(rows) != len(ids) or any(side_of(user, proposal) != side for proposal in rows):
        db.session.rollback()
        raise DomainError(N_("One of the selected proposals does not exist."), ErrorCode.NOT_FOUND)
    outcome, reason = Decisions(), _clean(reason)
    for proposal in rows:
        refusal = _refusal(proposal, side)
        if refusal is None:
            outcome.decided.append(proposal)
        else:
            (outcome.expired if refusal.code == ErrorCode.EXPIRED else outcome.answered).append(proposal.id)
    try:
        _decide_locked(user, side, outcome, accept, reason)
        db.session.commit()
    except Exception:
        db.session.rollback()  # all or nothing: no decision, unit, order or mail row of the batch stays
        raise
    return outcome


def _decide_locked(user, side, outcome, accept, reason):
    _lock_parties(outcome.decided, side, accept)
    told = []
    for proposal in outcome.decided:
        order = _accept(user, proposal, side) if accept else _decline(user, proposal, side, reason)
        if order is None:
            told.append(proposal)  # an order tells both sides itself (order_confirmed), as a single decision
        else:
            outcome.orders.append(order)
    tell_decisions(told, side, "proposal_accepted" if accept else "proposal_declined", None if accept else reason)


def _locked_all(model, ids):
    if not ids:
        return []
    statement = (select(model).where(model.id.in_(ids)).order_by(model.id).with_for_update()
                 .execution_options(populate_existing=True))
    return db.session.scalars(statement).all()


def _lock_parties(proposals, side, accept):
    """Lock the offers and demands the decisions will change, in id order, offers first as everywhere."""
    if accept:
        other = PRODUCER if side == BUYER else BUYER
        proposals = [p for p in proposals if getattr(p, f"{other}_decision") == Decision.ACCEPTED]
    else:
        _locked_all(Offer, {p.offer_id for p in proposals})
    _locked_all(Demand, {p.demand_id for p in proposals})


def _close(proposal, status):
    proposal.status, proposal.decided_at = status, clock.utcnow()
    release(proposal)


def expire_proposals(now=None):
    """Close pending proposals past their deadline and release their units; return how many expired."""
    now = now or clock.utcnow()
    due = db.session.scalars(
        select(Proposal.id).where(Proposal.status == ProposalStatus.PENDING, Proposal.expires_at <= now)
        .order_by(Proposal.id)
    ).all()
    count = 0
    for proposal_id in due:
        proposal = locked(Proposal, proposal_id)
        if proposal.is_pending:  # answered since we listed it
            _close(proposal, ProposalStatus.EXPIRED)
            tell_expired(proposal)
            record_decision(None, "proposal.expired", proposal, after=_snapshot(proposal))
            count += 1
        db.session.commit()  # one proposal at a time: short locks, and a crash loses nothing done
    return count


def lock_for_closing(demand_id):
    """Lock a demand's pending proposals by id, then their offers, then the demand; return the pending ones.

    The order of decide_proposals: a producer deciding them meanwhile is waited for (or waits), never
    deadlocked. The demand is read afresh. Proposals made since the first read (a run or a request holds
    the demand until it commits) are locked after the demand: they are found once its lock is ours.
    """
    pending = _pending_of(demand_id)
    _locked_all(Offer, {p.offer_id for p in pending})
    locked(Demand, demand_id)
    return _pending_of(demand_id)


def _pending_of(demand_id):
    statement = (select(Proposal).where(Proposal.demand_id == demand_id, Proposal.status == ProposalStatus.PENDING)
                 .order_by(Proposal.id).with_for_update().execution_options(populate_existing=True))
    return db.session.scalars(statement).all()


def close_pending_of_demand(demand, status=ProposalStatus.DECLINED, pending=None):
    """Release the pending proposals of a demand being cancelled or expired; the caller commits.

    pending: those lock_for_closing returned, else they are locked here.
    """
    for proposal in lock_for_closing(demand.id) if pending is None else pending:
        _close(proposal, status)
        if status == ProposalStatus.DECLINED:
            proposal.buyer_decision = Decision.DECLINED
            tell_decision(proposal, BUYER, "proposal_declined")
        else:
            tell_expired(proposal)


def request_offer(user, offer_id, demand_id, quantity):
    """Ask a producer for units of a listed offer for one of the buyer's live demands; reserve them."""
    offer, demand = db.session.get(Offer, offer_id), db.session.get(Demand, demand_id)
    if demand is None or not can_act_for(user, demand.organisation_id):
        raise DomainError(N_("This demand does not exist."), ErrorCode.NOT_FOUND, field="demand_id")
    if offer is None or not offer.listed:
        raise DomainError(N_("This offer is not available."), ErrorCode.CONFLICT)
    _check_request(offer, demand, quantity)
    try:
        reserve([(offer.id, quantity)], [(demand.id, quantity, demand.updated_at)])
    except StockChanged:
        db.session.rollback()
        raise DomainError(N_("The offer or the demand changed meanwhile; check the quantities and try again."),
                          ErrorCode.CONFLICT)
    terms = _request_terms(offer, demand, quantity)
    proposal = Proposal(**terms)
    db.session.add(proposal)
    db.session.flush()
    announce_proposals([(proposal.id, terms)])
    record_decision(user, "proposal.requested", proposal, after=_snapshot(proposal))
    db.session.commit()
    return proposal


def can_serve(offer, demand):
    """Tell whether a buyer may ask this offer for this demand: category, delivery region and date."""
    today = max(clock.today(), offer.available_from)
    value = OfferValue(offer.id, offer.category, offer.region_code,
                       frozenset(offer.delivery_regions or regions()), offer.available_from,
                       offer.unit_price_cents, offer.remaining_quantity)
    wanted = DemandValue(demand.id, demand.category, demand.region_code, demand.needed_by, offer.unit_price_cents,
                         demand.unreserved_quantity, demand.priority_rank, frozenset(demand.accepted_substitutes))
    # The buyer chose this offer and its price: everything but the price ceiling must fit.
    return is_compatible(value, wanted) and today <= demand.needed_by


def requestable_demands(organisation_id, offer):
    """Return the live demands this offer can serve that have units left, and a reason code when none."""
    served = [d for d in live_demands_of(organisation_id, with_units_left=False) if can_serve(offer, d)]
    usable = [d for d in served if d.unreserved_quantity > 0]
    if usable:
        return usable, None
    return [], "all_held" if served else "none_served"


def _check_request(offer, demand, quantity):
    if not demand.is_live:
        raise DomainError(N_("This demand is closed."), ErrorCode.CONFLICT, field="demand_id")
    if not can_serve(offer, demand):
        raise DomainError(N_("This offer cannot serve this demand (category, delivery region or date)."),
                          field="demand_id")
    most = min(offer.remaining_quantity, demand.unreserved_quantity)
    if not 0 < quantity <= most:
        raise DomainError(N_("Ask for between 1 and %(most)s units."), field="quantity", most=most)


def _request_terms(offer, demand, quantity):
    hours = current_app.config["PROPOSAL_TTL_HOURS"]
    return {
        "offer_id": offer.id, "demand_id": demand.id, "buyer_organisation_id": demand.organisation_id,
        "seller_organisation_id": offer.organisation_id, "source": ProposalSource.DIRECT_REQUEST,
        "category": offer.category, "region_code": demand.region_code, "quantity": quantity,
        "unit_price_cents": offer.unit_price_cents, "vat_rate_bp": offer.vat_rate_bp,
        "priority_rank": demand.priority_rank, "own_region": offer.region_code == demand.region_code,
        "reasons": {"asked": demand.category, "served": offer.category, "region": demand.region_code,
                    "unit_price_cents": offer.unit_price_cents, "max_unit_price_cents": demand.max_unit_price_cents,
                    "requested_by_buyer": True},
        "status": ProposalStatus.PENDING, "buyer_decision": Decision.ACCEPTED,
        "expires_at": clock.utcnow() + timedelta(hours=hours),
    }


# --- reading -----------------------------------------------------------------------------------


def get_proposal(proposal_id):
    return db.session.get(Proposal, proposal_id)


def proposals_page(organisation_id, side, page, status=None, awaiting=False):
    """Return a page of an organisation's proposals as buyer or producer, pending first, newest first.

    awaiting: only those still waiting for this side's answer (pending, not expired, not answered by it).
    """
    column = Proposal.buyer_organisation_id if side == BUYER else Proposal.seller_organisation_id
    query = select(Proposal).where(column == organisation_id)
    if status:
        query = query.where(Proposal.status == status)
    if awaiting:
        decision = Proposal.buyer_decision if side == BUYER else Proposal.producer_decision
        query = query.where(Proposal.status == ProposalStatus.PENDING, decision.is_(None),
                            Proposal.expires_at > clock.utcnow())
    query = query.order_by((Proposal.status != ProposalStatus.PENDING), Proposal.id.desc())
    return db.paginate(query, page=page, per_page=PAGE_SIZE, error_out=False)


def proposals_of(column, row_id):
    """Return the proposals of one demand or one offer (column Proposal.demand_id / offer_id), newest first."""
    return db.session.scalars(select(Proposal).where(column == row_id).order_by(Proposal.id.desc())).all()


def region_proposals_page(region_codes, page):
    """Return a page of the proposals in the regions an administrator looks after."""
    query = select(Proposal).where(Proposal.region_code.in_(region_codes)).order_by(Proposal.id.desc())
    return db.paginate(query, page=page, per_page=PAGE_SIZE, error_out=False)
