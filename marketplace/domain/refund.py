"""The State's contribution to local authorities' mask purchases (DOMAIN.md §3).

Per order line: refund = rate × (quantity × min(unit price TTC, cap) − external funding),
rounded to the cent, never below zero. Source: the prefecture's instruction of May 2020.
"""
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


@dataclass(frozen=True)
class RefundPolicy:
    rate: Decimal = Decimal("0.5")
    window_start: date = date(2020, 4, 13)
    window_end: date = date(2020, 6, 1)
    cap_single_use: Decimal = Decimal("0.84")
    cap_reusable: Decimal = Decimal("2.00")
    cap_reusable_overseas: Decimal = Decimal("2.50")


POLICY = RefundPolicy()


@dataclass(frozen=True)
class RefundLine:
    quantity: int
    unit_price_ttc: Decimal
    reusable: bool
    overseas: bool
    order_date: date
    external_funding: Decimal = Decimal("0")


def to_cent(amount):
    """Round a euro amount to the cent, half up, as French invoices do."""
    return Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)


def cap_for(reusable, overseas, policy=POLICY):
    """Return the reference price per mask that the State's contribution is computed within."""
    if not reusable:
        return policy.cap_single_use
    return policy.cap_reusable_overseas if overseas else policy.cap_reusable


def is_in_window(order_date, policy=POLICY):
    """Tell whether an order's date makes it eligible for the contribution."""
    return policy.window_start <= order_date <= policy.window_end


def refund_for(line, policy=POLICY):
    """Return the State's contribution for one order line, in euros rounded to the cent."""
    if not is_in_window(line.order_date, policy):
        return Decimal("0.00")
    eligible = line.quantity * min(line.unit_price_ttc, cap_for(line.reusable, line.overseas, policy))
    return max(to_cent(policy.rate * (eligible - line.external_funding)), Decimal("0.00"))


def locally_made_unit_cost(materials_total, sewing_total, quantity):
    """Return the unit cost of masks made locally from bought materials and sewing services."""
    if quantity <= 0:
        raise ValueError("quantity must be positive")
    return (Decimal(materials_total) + Decimal(sewing_total)) / quantity
