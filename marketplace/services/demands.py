"""Post, edit, cancel and expire demands; record what matching served."""
from flask import current_app
from sqlalchemy import func, select

from .. import clock
from ..domain import demands as demand_rules
from ..domain.demands import DemandStatus, LIVE_STATUSES
from ..domain.errors import DomainError, ErrorCode, N_, Refusals, has_inputs
from ..domain.priority import priority_rank
from ..domain.quotas import Channel, check_quota, policy_for
from ..domain.substitutes import check_substitutes
from ..extensions import db
from ..models import Demand
from .audit import record_decision
from .matching.requests import request_run

PAGE_SIZE = 20
EDITABLE_FIELDS = (
    "category", "accepted_substitutes", "quantity", "region_code", "departement_code", "max_unit_price_cents",
    "needed_by", "public_facing", "contact_name", "contact_email", "contact_phone",
)


def ensure_quota(channel, organisation, asking, already_asked_since):
    """Refuse asking more than the organisation's quota on channel allows; already_asked_since(t) sums the rest."""
    policy = policy_for(current_app.config["BUYER_QUOTAS"], channel, organisation.kind)
    if policy is None:
        return
    start, renews_on = policy.period_of(clock.today())
    check_quota(policy, organisation.headcount, already_asked_since(clock.start_of_day(start)), asking, renews_on)


def check_place_and_date(data):
    """Refuse, all at once, a département outside the region, a price of nothing, or a date already past."""
    refusals = Refusals()
    demand_rules.check_place_and_date(data, clock.today(), refusals)
    refusals.raise_any()


def check_demand(organisation, data, demand_id=None):
    """Refuse, all at once, every rule of the trade the demand's inputs break, quota included.

    Inputs left out of data (typed wrong) are not checked; the substitutes come back in order of protection.
    """
    refusals = Refusals()
    demand_rules.check_demand(data, current_app.config["MIN_ORDER_VOLUME"], clock.today(), refusals)

    def asked_since(start):
        query = select(func.coalesce(func.sum(Demand.quantity), 0)).where(
            Demand.organisation_id == organisation.id,
            Demand.status != DemandStatus.CANCELLED,
            Demand.created_at >= start,
        )
        if demand_id is not None:
            query = query.where(Demand.id != demand_id)
        return db.session.scalar(query)

    if has_inputs(data, "quantity"):
        with refusals.check():
            ensure_quota(Channel.DEMAND, organisation, data["quantity"], asked_since)
    refusals.raise_any()
    if has_inputs(data, "category", "accepted_substitutes"):
        accepted = check_substitutes(data["category"], data["accepted_substitutes"])
        data["accepted_substitutes"] = [str(c) for c in accepted]


def _snapshot(demand):
    return {name: getattr(demand, name) for name in EDITABLE_FIELDS} | {"status": demand.status}


def _jsonable(snapshot):
    return {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in snapshot.items()}


def post_demand(user, data):
    """Post a demand for the user's organisation; return it."""
    organisation = user.organisation
    data = dict(data)
    check_demand(organisation, data)
    demand = Demand(organisation=organisation, created_by=user, status=DemandStatus.OPEN,
                    matched_quantity=0, matched_total_cents=0, **{k: data[k] for k in EDITABLE_FIELDS})
    demand.priority_rank = priority_rank(organisation.kind, demand.category, demand.public_facing)
    db.session.add(demand)
    db.session.flush()
    record_decision(user, "demand.posted", demand, after=_jsonable(_snapshot(demand)))
    db.session.commit()
    request_run()
    return demand


def update_demand(user, demand, data):
    """Change an open demand; refuse once proposals or orders are under way."""
    if demand.has_live_proposals:
        raise DomainError(
            N_("This demand has proposals under way: answer them, or cancel the demand and post a new one."),
            ErrorCode.CONFLICT,
        )
    if not demand.can_be_edited:
        raise DomainError(
            N_("Only an open demand can be changed; this one already has orders, or is closed."), ErrorCode.CONFLICT
        )
    data = dict(data)
    check_demand(demand.organisation, data, demand_id=demand.id)
    before = _jsonable(_snapshot(demand))
    for name in EDITABLE_FIELDS:
        setattr(demand, name, data[name])
    demand.priority_rank = priority_rank(demand.organisation.kind, demand.category, demand.public_facing)
    demand.updated_at = clock.utcnow()
    record_decision(user, "demand.updated", demand, before=before, after=_jsonable(_snapshot(demand)))
    db.session.commit()
    return demand


def cancel_demand(user, demand):
    """Cancel what is left of a live demand."""
    from .proposals import close_pending_of_demand, lock_for_closing  # proposals build on demands

    pending = lock_for_closing(demand.id)  # reads the demand afresh: it may have closed meanwhile
    if not demand.is_live:
        db.session.rollback()
        raise DomainError(N_("This demand is already closed."), ErrorCode.CONFLICT)
    before = demand.status
    close_pending_of_demand(demand, pending=pending)
    demand.status = DemandStatus.CANCELLED
    demand.closed_at = clock.utcnow()
    record_decision(user, "demand.cancelled", demand, before={"status": before}, after={"status": demand.status})
    db.session.commit()
    return demand


def live_demands_of(organisation_id, with_units_left=True):
    """Return an organisation's live demands (only those with units not yet covered by default), oldest first."""
    return [d for d in db.session.scalars(
        select(Demand).where(Demand.organisation_id == organisation_id, Demand.status.in_(
            (DemandStatus.OPEN, DemandStatus.PARTIALLY_MATCHED))).order_by(Demand.id)
    ) if d.unreserved_quantity > 0 or not with_units_left]


def record_match(demand, units, total_cents):
    """Add units bought for total_cents to a live demand and move its status on; the caller commits."""
    if not demand.is_live or units <= 0 or units > demand.remaining_quantity or total_cents < 0:
        raise DomainError(N_("This demand cannot take %(units)s more units."), ErrorCode.CONFLICT, units=units)
    demand.matched_quantity += units
    demand.matched_total_cents += total_cents
    fulfilled = demand.matched_quantity == demand.quantity
    demand.status = DemandStatus.FULFILLED if fulfilled else DemandStatus.PARTIALLY_MATCHED
    if fulfilled:
        demand.closed_at = clock.utcnow()
    return demand


def expire_overdue_demands(today=None):
    """Close live demands whose date needed has passed, each in a transaction of its own; return how many.

    One demand at a time, its proposals, offers and itself locked in the order a producer's decision on
    several proposals takes them (`proposals.lock_for_closing`): a decision spanning two overdue
    demands waits for one to close, never for a transaction that also waits for it.
    """
    from ..domain.proposals import ProposalStatus
    from .proposals import close_pending_of_demand, lock_for_closing  # proposals build on demands

    today = today or clock.today()
    overdue = db.session.scalars(
        select(Demand.id).where(Demand.status.in_(LIVE_STATUSES), Demand.needed_by < today).order_by(Demand.id)
    ).all()
    expired = 0
    for demand_id in overdue:
        pending = lock_for_closing(demand_id)
        demand = db.session.get(Demand, demand_id)  # read afresh as it was locked
        if demand.status in LIVE_STATUSES and demand.needed_by < today:
            close_pending_of_demand(demand, ProposalStatus.EXPIRED, pending)
            demand.status = DemandStatus.EXPIRED
            demand.closed_at = clock.utcnow()
            record_decision(None, "demand.expired", demand, after={"status": demand.status})
            expired += 1
        db.session.commit()
    return expired



def get_demand(demand_id):
    """Return a demand by id, or None."""
    return db.session.get(Demand, demand_id)


def organisation_demands_page(organisation_id, page=1):
    """Return one page of an organisation's demands, newest first."""
    query = (select(Demand).where(Demand.organisation_id == organisation_id)
             .order_by(Demand.created_at.desc(), Demand.id.desc()))
    return db.paginate(query, page=page, per_page=PAGE_SIZE, error_out=False)
