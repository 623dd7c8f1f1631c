from datetime import date

from marketplace.domain.errors import Refusals
from marketplace.domain.offers import check_offer

TODAY = date(2020, 4, 15)
GOOD = {"category": "FFP2", "quantity": 100_000, "available_from": date(2020, 5, 4), "expires_on": date(2020, 6, 30)}


def refused_fields(data, allocated=0):
    refusals = Refusals()
    check_offer(data, TODAY, refusals, allocated)
    return [error.field for error in refusals.errors]


def test_a_right_offer_breaks_no_rule():
    assert refused_fields(GOOD) == []
    assert refused_fields(GOOD | {"expires_on": None}) == []


def test_every_broken_rule_is_reported_at_once():
    data = GOOD | {"category": "KN95", "quantity": 0, "available_from": date(2020, 6, 2), "expires_on": date(2020, 6, 1)}
    assert refused_fields(data) == ["quantity", "expires_on", "available_from"]


def test_an_expiry_already_past_is_refused():
    assert refused_fields(GOOD | {"available_from": date(2020, 3, 1), "expires_on": date(2020, 4, 14)}) == ["expires_on"]


def test_an_edited_quantity_never_goes_below_what_is_allocated():
    assert refused_fields(GOOD | {"quantity": 50_000}, allocated=70_000) == ["quantity"]
    assert refused_fields(GOOD | {"quantity": 70_000}, allocated=70_000) == []


def test_a_rule_whose_input_was_typed_wrong_is_left_to_the_field_error():
    data = {k: v for k, v in GOOD.items() if k not in ("quantity", "available_from")} | {"category": "KN95"}
    assert refused_fields(data, allocated=70_000) == []
