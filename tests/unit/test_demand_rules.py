from datetime import date

from marketplace.domain.demands import check_demand
from marketplace.domain.errors import Refusals

TODAY = date(2020, 4, 15)
GOOD = {"category": "FFP2", "accepted_substitutes": ["FFP3"], "quantity": 50_000, "region_code": "53",
        "departement_code": "35", "max_unit_price_cents": 95, "needed_by": date(2020, 5, 1)}


def refused_fields(data):
    refusals = Refusals()
    check_demand(data, 50_000, TODAY, refusals)
    return [error.field for error in refusals.errors]


def test_a_right_demand_breaks_no_rule():
    assert refused_fields(GOOD) == []


def test_every_broken_rule_is_reported_at_once():
    data = GOOD | {"quantity": 12_000, "departement_code": "29", "region_code": "76", "needed_by": date(2020, 4, 1),
                   "category": "FFP3", "accepted_substitutes": ["FFP2"]}
    assert refused_fields(data) == ["quantity", "departement_code", "needed_by", "accepted_substitutes"]


def test_a_rule_whose_input_was_typed_wrong_is_left_to_the_field_error():
    data = {k: v for k, v in GOOD.items() if k not in ("quantity", "category")} | {"accepted_substitutes": ["FFP1"]}
    assert refused_fields(data) == []
