"""Orders as invoices read them: amounts excluding and including tax; the buyer's payment record."""
from dataclasses import dataclass
from decimal import Decimal

from ..clock import date_in_france, noon
from ..domain.errors import DomainError, ErrorCode, N_
from ..domain.vat import line_amounts_cents
from ..extensions import db
from ..models import Order
from .audit import record_decision


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
