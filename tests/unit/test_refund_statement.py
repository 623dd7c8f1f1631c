"""The summary statement, order codes, totals and shares, computed by hand.

The rule and the statement's layout: the prefecture's instruction of May 2020 on the State's contribution
to local authorities' mask purchases.
"""
from datetime import date
from decimal import Decimal

import pytest

from marketplace.domain.refund import (
    POLICY,
    RefundLine,
    Section,
    StatementEntry,
    build_statement,
    policy_from,
    refund_for,
    refund_shares,
)


def entry(key, section, quantity, total, when=date(2020, 4, 20), funding="0", overseas=False, paid="M-1"):
    return StatementEntry(key, section, "Supplier", key.upper(), quantity, Decimal(total), when, overseas,
                          Decimal(funding), paid)


def test_orders_are_coded_per_section_by_date_and_refunded_within_each_cap():
    statement = build_statement([
        entry("b", Section.SINGLE_USE, 50_000, "47475.00", when=date(2020, 5, 2)),  # 0.9495 > 0.84
        entry("a", Section.SINGLE_USE, 10_000, "6000.00", when=date(2020, 4, 14)),  # 0.60 < 0.84
        entry("r", Section.REUSABLE, 1_000, "3100.00"),  # 3.10 > 2.00
        entry("l", Section.MADE_LOCALLY, 5_000, "7500.00"),  # 1.50 < 2.00, capped as reusable
    ])
    assert [(line.code, line.entry.key) for line in statement.lines] == [("A1", "a"), ("A2", "b"), ("B1", "r"), ("C1", "l")]
    # A1: 6,000.00 / 2 = 3,000.00; A2: 50,000 × 0.84 = 42,000 / 2 = 21,000.00
    # B1: 1,000 × 2.00 / 2 = 1,000.00; C1: 7,500 / 2 = 3,750.00
    assert [line.refund for line in statement.lines] == [Decimal(x) for x in ("3000.00", "21000.00", "1000.00", "3750.00")]
    a, b, c = statement.totals
    assert (a.section, a.quantity, a.total_ttc, a.refund) == (Section.SINGLE_USE, 60_000, Decimal("53475.00"), Decimal("24000.00"))
    assert (b.quantity, b.refund, c.refund) == (1_000, Decimal("1000.00"), Decimal("3750.00"))
    assert statement.total_refund == Decimal("28750.00")
    assert statement.total_ttc == Decimal("64075.00")


def test_an_order_outside_the_window_is_refused_and_left_out_of_the_codes():
    statement = build_statement([
        entry("late", Section.SINGLE_USE, 10_000, "6000.00", when=date(2020, 6, 2)),
        entry("ok", Section.SINGLE_USE, 10_000, "6000.00", when=date(2020, 6, 1)),
    ])
    assert [line.code for line in statement.lines] == ["A1"]
    assert statement.lines[0].entry.key == "ok"
    assert [e.key for e in statement.refused] == ["late"]
    assert statement.total_refund == Decimal("3000.00")


def test_overseas_reusable_masks_are_capped_at_2_50_and_funding_is_deducted_first():
    statement = build_statement([entry("r", Section.REUSABLE, 1_000, "3100.00", overseas=True, funding="500")])
    # 1,000 × 2.50 = 2,500.00 − 500.00 = 2,000.00 → 1,000.00
    (line,) = statement.lines
    assert (line.cap, line.eligible, line.refund) == (Decimal("2.50"), Decimal("2500.00"), Decimal("1000.00"))


def test_the_line_total_is_the_base_when_the_unit_price_ttc_has_more_than_two_decimals():
    # 333 masks for 165.12 TTC (0.4958… each, under the cap): 165.12 / 2 = 82.56
    line = RefundLine(333, Decimal("165.12") / 333, False, False, date(2020, 4, 20), total_ttc=Decimal("165.12"))
    assert refund_for(line) == Decimal("82.56")


def test_unpaid_lines_are_what_stands_between_the_statement_and_its_signatures():
    statement = build_statement([entry("a", Section.SINGLE_USE, 100, "60", paid=None), entry("b", Section.REUSABLE, 1, "2")])
    assert [line.code for line in statement.unpaid] == ["A1"]


def test_a_central_purchase_passes_the_refund_on_in_proportion_to_what_each_paid():
    # A grouping bought 30,000 masks for 21,000.00 TTC: refund 10,500.00.
    # Communes paid 10,500 / 6,300 / 4,200 (50 %, 30 %, 20 %) → 5,250.00 / 3,150.00 / 2,100.00, nothing kept
    parts, kept = refund_shares(Decimal("10500.00"), [Decimal("10500"), Decimal("6300"), Decimal("4200")],
                                cost=Decimal("21000.00"))
    assert parts == [Decimal("5250.00"), Decimal("3150.00"), Decimal("2100.00")] and kept == Decimal("0.00")


def test_a_grouping_that_bought_part_for_itself_keeps_the_refund_of_its_own_part():
    # 21,000.00 TTC, refund 10,500.00; two communes paid 7,000.00 each (a third of the cost each):
    # each receives 10,500 × 7,000 / 21,000 = 3,500.00, the grouping keeps 3,500.00 for its own third.
    parts, kept = refund_shares(Decimal("10500.00"), [Decimal("7000"), Decimal("7000")], cost=Decimal("21000.00"))
    assert parts == [Decimal("3500.00"), Decimal("3500.00")] and kept == Decimal("3500.00")


def test_shares_add_up_to_the_refund_to_the_cent():
    # 100.01 over three equal payers of the whole cost: 33.34 + 33.34 + 33.33, the extra cents to the first ones
    parts, kept = refund_shares(Decimal("100.01"), [Decimal("10")] * 3, cost=Decimal("30"))
    assert parts == [Decimal("33.34"), Decimal("33.34"), Decimal("33.33")] and kept == Decimal("0.00")
    parts, kept = refund_shares(Decimal("100.00"), [Decimal("1")] * 3, cost=Decimal("7"))
    assert sum(parts) + kept == Decimal("100.00")


def test_policy_figures_can_be_overridden_from_a_setting():
    policy = policy_from({"window_end": "2020-06-30", "cap_single_use": "0.95"})
    assert policy.window_end == date(2020, 6, 30) and policy.cap_single_use == Decimal("0.95")
    assert policy.rate == POLICY.rate
    assert policy_from(None) is POLICY
    with pytest.raises(ValueError):
        policy_from({"cap_everything": "1"})
