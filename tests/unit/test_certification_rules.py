from datetime import date

import pytest

from marketplace.domain.certifications import check_measurements
from marketplace.domain.errors import DomainError, each_error
from marketplace.domain.masks import is_authorised_on
from marketplace.domain.offers import OfferStatus, parse_price_cents, status_after_allocation
from marketplace.domain.vat import price_ttc_cents, vat_rate_bp

GOOD_NON_SANITARY = {"reusable": False, "washes": None, "filtration_3um_pct": 95, "air_permeability": 120, "breathability_hours": 4}


def refusal(category, **changes):
    with pytest.raises(DomainError) as caught:
        check_measurements(category, **{**GOOD_NON_SANITARY, **changes})
    return caught.value


def refused_fields(category, **changes):
    """Return the fields check_measurements refuses in GOOD_NON_SANITARY with changes: [] when it accepts them all."""
    try:
        check_measurements(category, **{**GOOD_NON_SANITARY, **changes})
    except DomainError as error:
        return [each.field for each in each_error(error)]
    return []


def test_uns1_at_85_percent_is_refused_with_the_reason():
    error = refusal("UNS1", filtration_3um_pct=85)
    assert error.field == "filtration_3um_pct"
    assert error.params["minimum"] == 90 and error.params["value"] == "85"


def test_uns1_at_exactly_90_percent_is_refused_since_it_must_exceed_it():
    assert refusal("UNS1", filtration_3um_pct=90).field == "filtration_3um_pct"


def test_uns1_at_92_percent_is_accepted():
    assert refused_fields("UNS1", filtration_3um_pct=92) == []


def test_uns2_needs_more_than_70_percent():
    assert refusal("UNS2", filtration_3um_pct=70).field == "filtration_3um_pct"
    check_measurements("UNS2", **{**GOOD_NON_SANITARY, "filtration_3um_pct": 71})


def test_an_afnor_barrier_mask_needs_more_than_70_percent_like_every_non_sanitary_mask():
    # CGI annex IV art. 30-0 E, 2° a (i) (arrêté du 7 mai 2020): more than 70 % of 3 µm particles filtered
    assert refusal("AFNOR", filtration_3um_pct=50).field == "filtration_3um_pct"
    assert refusal("AFNOR", filtration_3um_pct=70).field == "filtration_3um_pct"
    check_measurements("AFNOR", **{**GOOD_NON_SANITARY, "filtration_3um_pct": 71})


def test_a_reusable_non_sanitary_mask_under_5_washes_is_refused():
    assert refusal("UNS1", reusable=True, washes=4).field == "washes"
    check_measurements("UNS1", **{**GOOD_NON_SANITARY, "reusable": True, "washes": 5})


def test_non_sanitary_masks_need_air_permeability_above_96():
    assert refusal("AFNOR", air_permeability=96).field == "air_permeability"


def test_non_sanitary_masks_must_be_breathable_for_4_hours():
    assert refusal("UNS2", breathability_hours=3).field == "breathability_hours"


def test_sanitary_masks_are_not_held_to_the_non_sanitary_thresholds():
    assert refused_fields("FFP2", reusable=False, washes=None, filtration_3um_pct=None, air_permeability=None,
                          breathability_hours=None) == []


def test_a_reusable_mask_must_state_its_washes():
    with pytest.raises(DomainError) as caught:
        check_measurements("SURGICAL_IIR", reusable=True, washes=None, filtration_3um_pct=None, air_permeability=None, breathability_hours=None)
    assert caught.value.field == "washes"


def test_foreign_equivalents_are_authorised_until_31_may_2020():
    assert is_authorised_on("KN95", date(2020, 5, 31))
    assert not is_authorised_on("KN95", date(2020, 6, 1))
    assert is_authorised_on("FFP2", date.max)  # European standards have no end date


@pytest.mark.parametrize(
    ("category", "valve", "day", "rate"),
    [
        ("FFP2", False, date(2020, 5, 4), 550),
        ("FFP2", True, date(2020, 5, 4), 2000),  # a valve loses the reduced rate
        ("SURGICAL_I", False, date(2020, 3, 24), 550),
        ("UNS1", False, date(2021, 12, 31), 550),
        ("UNS1", False, date(2020, 3, 23), 2000),  # before the reduced rate applies
        ("UNS1", False, date(2022, 1, 1), 2000),  # after it ends
    ],
)
def test_the_vat_rate_follows_the_category_and_the_delivery_date(category, valve, day, rate):
    assert vat_rate_bp(category, valve, day) == rate


def test_prices_including_tax_are_rounded_half_up_to_the_cent():
    assert price_ttc_cents(90, 550) == 95  # 94.95
    assert price_ttc_cents(100, 2000) == 120


@pytest.mark.parametrize(("typed", "cents"), [("0,95", 95), ("0.95", 95), ("1", 100), (" 2,50 € ", 250)])
def test_prices_are_typed_in_euros_and_kept_in_cents(typed, cents):
    assert parse_price_cents(typed) == cents


@pytest.mark.parametrize("typed", ["abc", "0", "-1", "0,955", "1001"])
def test_wrong_prices_are_refused(typed):
    with pytest.raises(DomainError):
        parse_price_cents(typed)


def test_an_offer_is_partially_allocated_then_sold_out():
    assert status_after_allocation(100, 0) == OfferStatus.APPROVED
    assert status_after_allocation(100, 40) == OfferStatus.PARTIALLY_ALLOCATED
    assert status_after_allocation(100, 100) == OfferStatus.SOLD_OUT


def test_the_delivery_mask_has_one_bit_per_region_and_all_of_them_for_france():
    from marketplace.domain.offers import delivery_mask, region_bits

    assert delivery_mask(["53"]) == region_bits()["53"]
    assert delivery_mask(["53", "76"]) == region_bits()["53"] | region_bits()["76"]
    assert delivery_mask(None) == 2 ** 18 - 1
