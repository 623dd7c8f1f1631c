"""Worked examples of the State's contribution, computed by hand from the prefecture's instruction of May 2020."""
from datetime import date
from decimal import Decimal

from marketplace.domain.refund import RefundLine, is_in_window, locally_made_unit_cost, refund_for

IN_WINDOW = date(2020, 4, 20)


def line(quantity, price, reusable=False, overseas=False, funding="0", when=IN_WINDOW):
    return RefundLine(quantity, Decimal(price), reusable, overseas, when, Decimal(funding))


def test_single_use_under_the_cap_is_refunded_half_of_the_price():
    # 10,000 × 0.60 = 6,000.00 → 3,000.00
    assert refund_for(line(10_000, "0.60")) == Decimal("3000.00")


def test_single_use_over_the_cap_is_refunded_within_0_84():
    # 50,000 × min(0.95, 0.84) = 42,000.00 → 21,000.00
    assert refund_for(line(50_000, "0.95")) == Decimal("21000.00")


def test_reusable_over_the_cap_is_refunded_within_2_00():
    # 1,000 × min(3.10, 2.00) = 2,000.00 → 1,000.00
    assert refund_for(line(1_000, "3.10", reusable=True)) == Decimal("1000.00")


def test_reusable_overseas_is_refunded_within_2_50():
    # 1,000 × min(3.10, 2.50) = 2,500.00 → 1,250.00
    assert refund_for(line(1_000, "3.10", reusable=True, overseas=True)) == Decimal("1250.00")


def test_the_overseas_cap_does_not_change_single_use_masks():
    assert refund_for(line(1_000, "1.20", overseas=True)) == Decimal("420.00")


def test_external_funding_is_deducted_before_halving():
    # 20,000 × 0.84 = 16,800.00 − 4,000.00 EU funds = 12,800.00 → 6,400.00
    assert refund_for(line(20_000, "0.90", funding="4000")) == Decimal("6400.00")


def test_funding_above_the_eligible_amount_never_gives_a_negative_refund():
    assert refund_for(line(100, "0.50", funding="80")) == Decimal("0.00")


def test_an_order_outside_the_window_gets_nothing():
    assert refund_for(line(10_000, "0.60", when=date(2020, 4, 12))) == Decimal("0.00")
    assert refund_for(line(10_000, "0.60", when=date(2020, 6, 2))) == Decimal("0.00")
    assert is_in_window(date(2020, 4, 13)) and is_in_window(date(2020, 6, 1))


def test_the_refund_is_rounded_to_the_cent_half_up():
    # 333 × 0.555 = 184.815 → × 0.5 = 92.4075 → 92.41
    assert refund_for(line(333, "0.555")) == Decimal("92.41")


def test_locally_made_masks_cost_materials_plus_sewing_per_mask():
    unit = locally_made_unit_cost(Decimal("3000"), Decimal("4500"), 5_000)
    assert unit == Decimal("1.5")
    # counted as reusable: 5,000 × 1.50 = 7,500 → 3,750.00
    assert refund_for(line(5_000, unit, reusable=True)) == Decimal("3750.00")
