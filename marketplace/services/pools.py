"""Open, join, submit and cancel pooled purchases; compute members' shares at cost price."""
import secrets

from flask import current_app
from sqlalchemy import func, or_, select

from .. import clock
from ..domain.demands import DemandStatus
from ..domain.errors import DomainError, ErrorCode, N_
from ..domain.pools import MEMBER_KINDS, POOL_KIND_OF_OPENER, PoolKind, PoolStatus, is_sme
from ..domain.priority import priority_rank
from ..domain.quotas import Channel
from ..domain.shares import cost_price_shares
from ..extensions import db
from ..mail import notify
from ..mail.outbox import external_url
from ..models import Demand, Pool, PoolMembership
from .audit import record_decision
from .demands import check_place_and_date, ensure_quota
from .matching.requests import request_run

POOL_FIELDS = ("category", "region_code", "departement_code", "max_unit_price_cents", "needed_by")


def open_pool(user, data):
    """Open a pool: a sector referent's for the SMEs of its sector, a large company's for its subcontractors."""
    organisation = user.organisation
    kind = POOL_KIND_OF_OPENER.get(organisation.kind)
    if kind is None or (kind == PoolKind.SUBCONTRACTORS and is_sme(organisation.headcount)):
        raise DomainError(
            N_("Only sector referents and large companies open pooled purchases."), ErrorCode.FORBIDDEN
        )
    check_place_and_date(data)
    pool = Pool(kind=kind, organisation=organisation, created_by_id=user.id, status=PoolStatus.OPEN,
                sector=organisation.sector if kind == PoolKind.SECTOR else None,
                join_code=secrets.token_urlsafe(32), **{k: data[k] for k in POOL_FIELDS})
    db.session.add(pool)
    db.session.flush()
    record_decision(user, "pool.opened", pool, after={"category": pool.category, "sector": pool.sector})
    db.session.commit()
    return pool


def _check_can_join(organisation, pool):
    if not pool.is_open:
        raise DomainError(N_("This pool is closed."), ErrorCode.CONFLICT)
    if organisation.kind not in MEMBER_KINDS or organisation.id == pool.organisation_id:
        raise DomainError(N_("Only companies join pooled purchases."), ErrorCode.FORBIDDEN)
    if pool.kind == PoolKind.SECTOR and not is_sme(organisation.headcount):
        raise DomainError(
            N_("Sector pools are for SMEs; a company of your size can post its own demand."), ErrorCode.FORBIDDEN
        )


def join_pool(user, pool, quantity, declares_sector=False):
    """Join a pool with a quantity, or change the quantity already asked."""
    organisation = user.organisation
    _check_can_join(organisation, pool)
    if pool.kind == PoolKind.SECTOR and not declares_sector:
        raise DomainError(N_("Confirm that your company is an SME of the sector %(sector)s."),
                          field="in_sector", sector=pool.sector)
    if quantity <= 0:
        raise DomainError(N_("Ask for at least one mask."), field="quantity")
    membership = pool.membership_of(organisation.id)

    def asked_since(start):
        query = (select(func.coalesce(func.sum(PoolMembership.quantity), 0))
                 .join(Pool).where(PoolMembership.organisation_id == organisation.id,
                                   Pool.status != PoolStatus.CANCELLED, PoolMembership.created_at >= start))
        if membership is not None:
            query = query.where(PoolMembership.id != membership.id)
        return db.session.scalar(query)

    ensure_quota(Channel.POOL, organisation, quantity, asked_since)
    before = {"quantity": membership.quantity} if membership else None
    if membership is None:
        membership = PoolMembership(pool=pool, organisation=organisation, user=user, quantity=quantity)
        db.session.add(membership)
    else:
        membership.quantity, membership.updated_at = quantity, clock.utcnow()
    db.session.flush()
    record_decision(user, "pool.joined", pool, before=before, after={"organisation": organisation.id, "quantity": quantity})
    if before and before["quantity"] != quantity:
        _tell_runner(pool, "pool_quantity_changed", membership.organisation, before=before["quantity"], after=quantity)
    db.session.commit()
    return membership


def leave_pool(user, pool):
    """Withdraw the user's organisation from an open pool."""
    membership = pool.membership_of(user.organisation_id)
    if membership is None or not pool.is_open:
        raise DomainError(N_("You can only leave an open pool you joined."), ErrorCode.CONFLICT)
    pool.memberships.remove(membership)
    record_decision(user, "pool.left", pool, before={"organisation": user.organisation_id, "quantity": membership.quantity})
    _tell_runner(pool, "pool_member_left", membership.organisation, before=membership.quantity)
    db.session.commit()


def _tell_runner(pool, event, organisation, **quantities):
    """Mail the pool's opener that a member changed what it asks (in the caller's transaction)."""
    notify(pool.created_by, event, pool=pool, organisation=organisation, lot=current_app.config["MIN_ORDER_VOLUME"],
           link=external_url("buyers.pool", pool_id=pool.id),
           subject_params={"organisation": organisation.name, "category": pool.category}, **quantities)


def submit_pool(user, pool):
    """Turn an open pool that reached a lot into one demand of its opener, and tell the members."""
    minimum = current_app.config["MIN_ORDER_VOLUME"]
    if not pool.is_open:
        raise DomainError(N_("This pool is closed."), ErrorCode.CONFLICT)
    total = pool.total_quantity
    if total < minimum:
        raise DomainError(
            N_("The pool holds %(total)s units; it needs at least %(minimum)s to be submitted."),
            ErrorCode.CONFLICT, total=total, minimum=minimum,
        )
    opener = pool.organisation
    demand = Demand(
        organisation=opener, created_by=user, status=DemandStatus.OPEN, quantity=total, matched_quantity=0,
        matched_total_cents=0, accepted_substitutes=[], public_facing=False,
        priority_rank=priority_rank(opener.kind, pool.category), contact_name=user.full_name,
        contact_email=user.email, **{k: getattr(pool, k) for k in POOL_FIELDS},
    )
    db.session.add(demand)
    pool.demand, pool.status, pool.closed_at = demand, PoolStatus.SUBMITTED, clock.utcnow()
    db.session.flush()
    record_decision(user, "pool.submitted", pool, after={"demand": demand.id, "quantity": total})
    link = external_url("buyers.pool", pool_id=pool.id)
    for membership in pool.memberships:
        # Written in this transaction: the mail leaves only if the submission commits.
        notify(membership.user, "pool_submitted", pool=pool, membership=membership, link=link,
               subject_params={"category": pool.category})
    db.session.commit()
    request_run()
    return demand


def cancel_pool(user, pool):
    """Cancel an open pool, and tell each member that its quantity is no longer covered."""
    if not pool.is_open:
        raise DomainError(N_("This pool is closed."), ErrorCode.CONFLICT)
    pool.status, pool.closed_at = PoolStatus.CANCELLED, clock.utcnow()
    record_decision(user, "pool.cancelled", pool, after={"status": pool.status})
    links = {
        "link": external_url("buyers.pool", pool_id=pool.id),
        "pools_link": external_url("buyers.my_pools", **pool_list_filters(pool)),
        "demand_link": external_url("buyers.new_demand"),
    }
    for membership in pool.memberships:
        # Written in this transaction: the mails leave only if the cancellation commits.
        notify(membership.user, "pool_cancelled", pool=pool, membership=membership, cancelled_by=user,
               lot=current_app.config["MIN_ORDER_VOLUME"], subject_params={"category": pool.category}, **links)
    db.session.commit()


def member_shares(pool):
    """Return each member's share of what the pool's demand received, at cost price (empty before)."""
    demand = pool.demand
    if demand is None or demand.matched_quantity == 0:
        return []
    quantities = [(m.organisation_id, m.quantity) for m in pool.memberships]
    return cost_price_shares(quantities, demand.matched_quantity, demand.matched_total_cents)


def get_pool(pool_id):
    """Return a pool by id, or None."""
    return db.session.get(Pool, pool_id)


def pool_by_code(code):
    """Return the pool a join link points to, or None."""
    return db.session.scalar(select(Pool).where(Pool.join_code == code))


def pools_of(organisation_id):
    """Return the pools an organisation opened or joined, newest first."""
    joined = select(PoolMembership.pool_id).where(PoolMembership.organisation_id == organisation_id)
    return db.session.scalars(
        select(Pool).where(or_(Pool.organisation_id == organisation_id, Pool.id.in_(joined)))
        .order_by(Pool.created_at.desc(), Pool.id.desc())
    ).all()


def pool_list_filters(pool):
    """Return the pool list's filters that find pools like this one: its category, region and sector."""
    filters = {"category": pool.category, "region": pool.region_code}
    return filters | ({"sector": pool.sector} if pool.sector else {})


def open_sector_pools(sector, region_code=None, category=None):
    """Return the open sector pools of a sector, in a region and of a category if given."""
    query = select(Pool).where(Pool.status == PoolStatus.OPEN, Pool.kind == PoolKind.SECTOR, Pool.sector == sector)
    if region_code:
        query = query.where(Pool.region_code == region_code)
    if category:
        query = query.where(Pool.category == category)
    return db.session.scalars(query.order_by(Pool.needed_by, Pool.id)).all()

