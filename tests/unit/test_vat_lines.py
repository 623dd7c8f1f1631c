"""Invoice lines: VAT on the line total excluding tax, rounded once to the cent, as French invoices do."""
from marketplace.domain.vat import line_amounts_cents, price_ttc_cents


def test_50_000_ffp2_at_0_90_ht_with_reduced_vat():
    # 50,000 × 0.90 = 45,000.00 HT; 5.5 % = 2,475.00; 47,475.00 TTC
    assert line_amounts_cents(50_000, 90, 550) == (4_500_000, 247_500, 4_747_500)


def test_vat_is_rounded_on_the_line_not_on_the_unit_price():
    # 333 × 0.47 = 156.51 HT; 5.5 % = 8.60805 → 8.61; 165.12 TTC
    assert line_amounts_cents(333, 47, 550) == (15_651, 861, 16_512)
    # rounding each unit first would give 333 × 0.50 = 166.50
    assert price_ttc_cents(47, 550) * 333 == 16_650


def test_the_normal_rate_and_a_half_cent_rounded_up():
    # 3 × 0.25 = 0.75 HT; 20 % = 0.15; 0.90 TTC.  1 × 0.05 at 5.5 % = 0.00275 → 0.00
    assert line_amounts_cents(3, 25, 2000) == (75, 15, 90)
    assert line_amounts_cents(1, 5, 550) == (5, 0, 5)
    # 10 × 0.01 at 5.5 % = 0.0055 → 0.01 (half up)
    assert line_amounts_cents(10, 1, 550) == (10, 1, 11)
