"""The State's contribution to local authorities' mask purchases.

Per order line: refund = rate × (quantity × min(unit price TTC, cap) − external funding),
rounded to the cent, never below zero. Source: the prefecture's instruction of May 2020 on the
State's contribution to local authorities' mask purchases.
"""
from dataclasses import dataclass, fields, replace
from datetime import date
from decimal import Decimal, ROUND_HALF_UP
from enum import StrEnum

from .shares import apportion

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


def policy_from(overrides=None):
    """Return the policy with some figures replaced, e.g. {"window_end": "2020-06-30"} from a setting."""
    if not overrides:
        return POLICY
    kinds = {f.name: (date.fromisoformat if f.type is date else Decimal) for f in fields(RefundPolicy)}
    unknown = set(overrides) - set(kinds)
    if unknown:
        raise ValueError(f"unknown refund policy settings: {sorted(unknown)}")
    return replace(POLICY, **{k: v if isinstance(v, (date, Decimal)) else kinds[k](str(v)) for k, v in overrides.items()})


@dataclass(frozen=True)
class RefundLine:
    quantity: int
    unit_price_ttc: Decimal
    reusable: bool
    overseas: bool
    order_date: date
    external_funding: Decimal = Decimal("0")
    # The line's total TTC when known: the refund then starts from it, not from a rounded unit price.
    total_ttc: Decimal | None = None


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


def eligible_amount(line, policy=POLICY):
    """Return quantity × min(unit price TTC, cap): the amount the contribution is a share of."""
    cap = cap_for(line.reusable, line.overseas, policy)
    if line.total_ttc is not None:
        return min(line.total_ttc, line.quantity * cap)
    return line.quantity * min(line.unit_price_ttc, cap)


def refund_for(line, policy=POLICY):
    """Return the State's contribution for one order line, in euros rounded to the cent."""
    if not is_in_window(line.order_date, policy):
        return Decimal("0.00")
    return max(to_cent(policy.rate * (eligible_amount(line, policy) - line.external_funding)), Decimal("0.00"))


def locally_made_unit_cost(materials_total, sewing_total, quantity):
    """Return the unit cost of masks made locally from bought materials and sewing services."""
    if quantity <= 0:
        raise ValueError("quantity must be positive")
    return (Decimal(materials_total) + Decimal(sewing_total)) / quantity


# --- the summary statement ("état récapitulatif") ---------------------------------------------


class Section(StrEnum):
    """The statement's sections; the value is the letter of the order codes (A1, B2, C1…)."""

    SINGLE_USE = "A"
    REUSABLE = "B"
    MADE_LOCALLY = "C"  # made locally: capped as reusable masks, listed apart


@dataclass(frozen=True)
class StatementEntry:
    """One order the body issued, as the statement lists it; key ties it back to its record."""

    key: str
    section: Section
    supplier: str
    number: str
    quantity: int
    total_ttc: Decimal
    order_date: date
    overseas: bool
    external_funding: Decimal = Decimal("0")
    payment_reference: str | None = None
    payment_date: date | None = None

    @property
    def unit_price_ttc(self):
        return self.total_ttc / self.quantity

    def refund_line(self):
        """Return the line the refund rule reads."""
        reusable = self.section != Section.SINGLE_USE
        return RefundLine(self.quantity, self.unit_price_ttc, reusable, self.overseas, self.order_date,
                          self.external_funding, self.total_ttc)


@dataclass(frozen=True)
class StatementLine:
    code: str
    entry: StatementEntry
    cap: Decimal
    eligible: Decimal
    refund: Decimal


@dataclass(frozen=True)
class SectionTotal:
    section: Section
    quantity: int
    total_ttc: Decimal
    external_funding: Decimal
    refund: Decimal


@dataclass(frozen=True)
class Statement:
    lines: list  # StatementLine, section by section, each by order date
    refused: list  # StatementEntry outside the window
    totals: list  # SectionTotal per section, in section order

    @property
    def total_refund(self):
        return sum((t.refund for t in self.totals), Decimal("0.00"))

    @property
    def total_ttc(self):
        return sum((t.total_ttc for t in self.totals), Decimal("0.00"))

    @property
    def total_quantity(self):
        return sum(t.quantity for t in self.totals)

    @property
    def unpaid(self):
        """Return the lines without a payment reference: the accountant cannot certify them yet."""
        return [line for line in self.lines if not line.entry.payment_reference]

    def line(self, key):
        return next((line for line in self.lines if line.entry.key == key), None)


def build_statement(entries, policy=POLICY):
    """Code the eligible orders A1, A2…, B1…, C1… by date, refund each one, and total each section."""
    refused = [e for e in entries if not is_in_window(e.order_date, policy)]
    eligible = [e for e in entries if is_in_window(e.order_date, policy)]
    lines, totals = [], []
    for section in Section:
        chosen = sorted((e for e in eligible if e.section == section),
                        key=lambda e: (e.order_date, e.number, e.key))
        coded = [_statement_line(f"{section.value}{n}", entry, policy) for n, entry in enumerate(chosen, 1)]
        lines += coded
        totals.append(SectionTotal(
            section, sum(line.entry.quantity for line in coded),
            sum((line.entry.total_ttc for line in coded), Decimal("0.00")),
            sum((line.entry.external_funding for line in coded), Decimal("0.00")),
            sum((line.refund for line in coded), Decimal("0.00")),
        ))
    return Statement(lines, sorted(refused, key=lambda e: (e.order_date, e.key)), totals)


def _statement_line(code, entry, policy):
    line = entry.refund_line()
    return StatementLine(code, entry, cap_for(line.reusable, line.overseas, policy),
                         eligible_amount(line, policy), refund_for(line, policy))


def refund_shares(refund, paid, cost):
    """Split a line's refund between the bodies it was bought for and the body that bought it.

    Each body receives the contribution "en fonction du prix final supporté par chacune": refund ×
    what it paid ÷ the line's cost; the buying body keeps the rest, for what it paid itself. paid: the
    amounts each body paid, in euros; cost: the line's cost TTC. Return (each body's part, the part
    kept); to the cent (largest remainder), they add up to the refund.
    """
    paid_cents = [int(to_cent(p) * 100) for p in paid]
    own_cents = int(to_cent(cost) * 100) - sum(paid_cents)
    if own_cents < 0:
        raise ValueError("the shares add up to more than the line's cost")
    *parts, kept = apportion(int(to_cent(refund) * 100), [*paid_cents, own_cents])
    return [(Decimal(c) / 100).quantize(CENT) for c in parts], (Decimal(kept) / 100).quantize(CENT)


class ExternalOrderKind(StrEnum):
    SINGLE_USE = "single_use"
    REUSABLE = "reusable"
    MADE_LOCALLY = "made_locally"  # masks sewn from bought materials: materials + sewing totals
