"""Orders: placing one when both sides accept, the lists of a side's orders, amounts as invoices read them,
and the buyer's payment record."""
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select

from .. import clock
from ..clock import date_in_france, noon
from ..domain.errors import DomainError, ErrorCode, N_
from ..domain.proposals import ProposalStatus
from ..domain.vat import line_amounts_cents
from ..extensions import db
from ..models import Demand, Order
from .audit import record_decision
from .demands import record_match
from .proposal_mail import tell_order, tell_pool_members
from .reservations import locked

PAGE_SIZE = 30


@dataclass(frozen=True)
class OrderAmounts:
    quantity: int
    unit_price_ht_cents: int
    vat_rate_bp: int
    total_ht_cents: int
    vat_cents: int
    total_ttc_cents: int

    @property
    def vat_rate_percent(self):
        return Decimal(self.vat_rate_bp) / 100

    @property
    def unit_price_ttc(self):
        """Return the unit price TTC in euros, exact: the line total TTC shared over its units."""
        return Decimal(self.total_ttc_cents) / 100 / self.quantity


def get_order(order_id):
    """Return the order, or None."""
    return db.session.get(Order, order_id)


def amounts_of(order):
    """Return the order's line amounts, the VAT rounded to the cent on the line as invoices do."""
    total_ht, vat, total_ttc = line_amounts_cents(order.quantity, order.unit_price_cents, order.vat_rate_bp)
    return OrderAmounts(order.quantity, order.unit_price_cents, order.vat_rate_bp, total_ht, vat, total_ttc)


def order_date(order):
    """Return the order's date: the day both sides accepted it, in French time."""
    return date_in_france(order.created_at)


def record_payment(user, order, reference, paid_on):
    """Record the payment reference (mandat) and date of an order; only the buyer may."""
    if user.organisation_id != order.buyer_organisation_id:
        raise DomainError(N_("Only the buyer records the payment of an order."), ErrorCode.FORBIDDEN)
    if paid_on < order_date(order):
        raise DomainError(N_("The payment cannot be dated before the order."), field="paid_on")
    before = {"payment_reference": order.payment_reference, "payment_date": _iso(order.payment_date)}
    order.payment_reference = reference.strip()
    order.payment_date = noon(paid_on)
    after = {"payment_reference": order.payment_reference, "payment_date": paid_on.isoformat()}
    record_decision(user, "order.payment_recorded", order, before=before, after=after,
                    region_code=order.buyer_organisation.region_code)
    db.session.commit()
    return order


def _iso(moment):
    day = date_in_france(moment)
    return day.isoformat() if day else None


def place_order(proposal):
    """Turn a proposal both sides accepted into an order: the demand counts the units matched; tell both sides."""
    proposal.status, proposal.decided_at = ProposalStatus.ACCEPTED, clock.utcnow()
    demand = locked(Demand, proposal.demand_id)
    demand.reserved_quantity -= proposal.quantity
    record_match(demand, proposal.quantity, proposal.total_ht_cents)
    order = Order(
        number=order_number(proposal), proposal=proposal, offer_id=proposal.offer_id, demand_id=proposal.demand_id,
        buyer_organisation_id=proposal.buyer_organisation_id, seller_organisation_id=proposal.seller_organisation_id,
        category=proposal.category, quantity=proposal.quantity, unit_price_cents=proposal.unit_price_cents,
        vat_rate_bp=proposal.vat_rate_bp, created_at=clock.utcnow(),
    )
    db.session.add(order)
    db.session.flush()
    tell_order(order, proposal)
    tell_pool_members(demand)
    return order


def order_number(proposal):
    """Return the order number of a proposal: unique because a proposal makes at most one order."""
    return f"CMD-{clock.utcnow().year}-{proposal.id:06d}"


def orders_page(organisation_id, page, as_buyer):
    """Return a page of an organisation's orders as buyer or producer, newest first."""
    column = Order.buyer_organisation_id if as_buyer else Order.seller_organisation_id
    query = select(Order).where(column == organisation_id).order_by(Order.id.desc())
    return db.paginate(query, page=page, per_page=PAGE_SIZE, error_out=False)


def orders_of_demand(demand_id):
    """Return the orders placed for a demand, newest first."""
    return db.session.scalars(select(Order).where(Order.demand_id == demand_id).order_by(Order.id.desc())).all()
