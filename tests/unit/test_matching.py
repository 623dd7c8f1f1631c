"""The matching engine: safe allocations, and exactly the optimum an independent LP finds."""
import logging
import random
from datetime import date, timedelta

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import Bounds, LinearConstraint, milp

from marketplace.domain.matching import Demand, Offer, match, parallel

DAY = date(2020, 5, 4)
IDF, CENTRE, ARA = "11", "24", "84"
REGIONS = (IDF, CENTRE, ARA)
# Few categories, linked by substitutes, so that random markets are dense with choices.
MARKET_CATEGORIES = ("FFP1", "FFP2", "FFP3", "KN95", "UNS1", "UNS2")
SUBSTITUTES = {"FFP1": ("FFP2", "FFP3", "KN95"), "FFP2": ("FFP3", "KN95"), "UNS2": ("UNS1",)}


def offer(id, category="FFP2", units=100, price=100, producer=IDF, delivers=(IDF,), day=0):
    return Offer(id, category, producer, frozenset(delivers), DAY + timedelta(days=day), price, units)


def demand(id, category="FFP2", units=100, ceiling=200, region=IDF, day=10, priority=3, substitutes=()):
    return Demand(id, category, region, DAY + timedelta(days=day), ceiling, units, priority,
                  frozenset(substitutes))


def served(result):
    """Return units per (offer id, demand id)."""
    return {(a.offer_id, a.demand_id): a.units for a in result.allocations}


# --- readable examples -----------------------------------------------------------------------

def test_healthcare_is_served_before_companies_when_stock_is_short():
    result = match([offer(1, units=100)],
                   [demand(10, units=80, priority=3), demand(11, units=60, priority=1)])
    assert served(result) == {(1, 10): 40, (1, 11): 60}
    assert result.summary.matched_by_priority == {1: 60, 3: 40}


def test_healthcare_first_does_not_waste_stock_a_company_could_use():
    # A first-come loop would give the national offer to the hospital and leave the company empty.
    offers = [offer(1, units=50, delivers=(IDF, ARA)), offer(2, units=50, delivers=(IDF,))]
    demands = [demand(10, units=50, region=IDF, priority=1), demand(11, units=50, region=ARA, priority=3)]
    assert served(match(offers, demands)) == {(1, 11): 50, (2, 10): 50}


def test_a_substitute_is_used_only_when_the_buyer_opted_in():
    offers = [offer(1, category="FFP3", units=100)]
    refused = match(offers, [demand(10, category="FFP2", units=100)])
    accepted = match(offers, [demand(10, category="FFP2", units=100, substitutes=("FFP3",))])
    assert refused.allocations == ()
    assert served(accepted) == {(1, 10): 100}


def test_an_offer_serves_only_the_regions_it_delivers_to():
    result = match([offer(1, delivers=(IDF, CENTRE))], [demand(10, region=ARA), demand(11, region=CENTRE)])
    assert served(result) == {(1, 11): 100}


def test_an_offer_available_after_the_date_needed_is_not_used():
    result = match([offer(1, day=5)], [demand(10, day=4), demand(11, day=5)])
    assert served(result) == {(1, 11): 100}


def test_a_price_above_the_ceiling_is_not_used():
    result = match([offer(1, price=150)], [demand(10, ceiling=149), demand(11, ceiling=150)])
    assert served(result) == {(1, 11): 100}


def test_the_producer_in_the_buyers_region_is_preferred_even_when_dearer():
    offers = [offer(1, price=90, producer=ARA, delivers=REGIONS), offer(2, price=120, producer=IDF)]
    result = match(offers, [demand(10, units=100, region=IDF)])
    assert served(result) == {(2, 10): 100}
    assert result.summary.own_region_units == 100


def test_the_cheapest_offer_is_chosen_when_all_else_is_equal():
    offers = [offer(1, price=130), offer(2, price=110), offer(3, price=120)]
    result = match(offers, [demand(10, units=150)])
    assert served(result) == {(2, 10): 100, (3, 10): 50}
    assert result.summary.total_price_cents == 100 * 110 + 50 * 120


def test_a_demand_may_be_split_across_offers_in_whole_units():
    result = match([offer(1, units=30), offer(2, units=45)], [demand(10, units=70)])
    assert sum(a.units for a in result.allocations) == 70
    assert all(isinstance(a.units, int) and a.units > 0 for a in result.allocations)


def test_unmatched_units_are_counted_by_asked_category_and_region():
    result = match([offer(1, units=30)], [demand(10, units=70), demand(11, category="UNS1", region=ARA, units=5)])
    assert result.summary.unmatched_by_category_region == {("FFP2", IDF): 40, ("UNS1", ARA): 5}


def test_duplicate_ids_are_refused():
    with pytest.raises(ValueError):
        match([offer(1), offer(1)], [demand(10)])


@pytest.mark.parametrize("offers, demands, message", [
    ([offer(1, units=2**31)], [demand(10)], "offer 1: units must be an integer from 0 to 2147483647"),
    ([offer(1, units=-5)], [demand(10)], "offer 1: units"),
    ([offer(1, price=1.5)], [demand(10)], "offer 1: unit_price_cents"),
    ([offer(1)], [demand(10, priority=0)], "demand 10: priority must be an integer from 1"),
    ([offer(1)], [demand(10, ceiling=None)], "demand 10: max_unit_price_cents"),
])
def test_quantities_prices_and_priorities_the_database_cannot_hold_are_refused(offers, demands, message):
    with pytest.raises(ValueError, match=message):
        match(offers, demands)


# --- random markets against an independent linear program ------------------------------------

@st.composite
def markets(draw):
    offers = [
        Offer(
            id=100 + k,
            category=draw(st.sampled_from(MARKET_CATEGORIES)),
            producer_region=draw(st.sampled_from(REGIONS)),
            delivery_regions=frozenset(draw(st.sets(st.sampled_from(REGIONS), min_size=1))),
            available_from=DAY + timedelta(days=draw(st.integers(0, 3))),
            unit_price_cents=draw(st.integers(10, 16)),
            units=draw(st.integers(0, 15)),
        )
        for k in range(draw(st.integers(0, 8)))
    ]
    demands = []
    for k in range(draw(st.integers(0, 9))):
        category = draw(st.sampled_from(MARKET_CATEGORIES))
        demands.append(Demand(
            id=500 + k,
            category=category,
            region=draw(st.sampled_from(REGIONS)),
            needed_by=DAY + timedelta(days=draw(st.integers(1, 4))),
            max_unit_price_cents=draw(st.integers(11, 18)),
            units=draw(st.integers(0, 15)),
            priority=draw(st.integers(1, 3)),
            substitutes=frozenset(draw(st.sets(st.sampled_from(SUBSTITUTES.get(category, (category,)))))) - {category},
        ))
    return offers, demands


def compatible(o, d):
    """Restate the trade's rules independently of the engine."""
    return ((o.category == d.category or o.category in d.substitutes) and d.region in o.delivery_regions
            and o.available_from <= d.needed_by and o.unit_price_cents <= d.max_unit_price_cents)


def lexicographic_optimum(offers, demands):
    """Solve the pair-arc integer program level by level with HiGHS: units per class, own region, price."""
    pairs = [(o, d) for o in offers for d in demands if compatible(o, d)]
    classes = sorted({d.priority for d in demands})
    if not pairs:
        return {k: 0 for k in classes}, 0, 0
    rows = [[1 if o is x else 0 for o, _ in pairs] for x in offers]
    rows += [[1 if d is x else 0 for _, d in pairs] for x in demands]
    lower = [0] * len(rows)
    upper = [x.units for x in offers] + [x.units for x in demands]
    objectives = [[-1 if d.priority == k else 0 for _, d in pairs] for k in classes]
    objectives.append([-1 if o.producer_region == d.region else 0 for o, d in pairs])
    objectives.append([o.unit_price_cents for o, _ in pairs])
    values = []
    for objective in objectives:
        result = milp(objective, constraints=LinearConstraint(rows, lower, upper),
                      integrality=np.ones(len(pairs)), bounds=Bounds(0, np.inf))
        values.append(round(result.fun))
        # Hold this level before optimising the next one.
        rows.append(objective)
        lower.append(-np.inf)
        upper.append(values[-1])
    return dict(zip(classes, (-v for v in values[:-2]))), -values[-2], values[-1]


PROPERTY_SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY_SETTINGS
@given(markets())
def test_allocations_never_exceed_stock_or_need_and_respect_every_rule(market):
    offers, demands = market
    result = match(offers, demands)
    by_id = {o.id: o for o in offers} | {d.id: d for d in demands}
    taken, given_ = {}, {}
    for a in result.allocations:
        o, d = by_id[a.offer_id], by_id[a.demand_id]
        assert isinstance(a.units, int) and a.units > 0
        assert compatible(o, d)
        assert a.unit_price_cents == o.unit_price_cents
        taken[o.id] = taken.get(o.id, 0) + a.units
        given_[d.id] = given_.get(d.id, 0) + a.units
    assert all(taken[i] <= by_id[i].units for i in taken)
    assert all(given_[i] <= by_id[i].units for i in given_)


@PROPERTY_SETTINGS
@given(markets())
def test_classes_own_region_and_price_equal_the_lp_optimum(market):
    offers, demands = market
    summary = match(offers, demands).summary
    per_class, own_region, price = lexicographic_optimum(offers, demands)
    assert {k: summary.matched_by_priority.get(k, 0) for k in per_class} == per_class
    assert summary.own_region_units == own_region
    assert summary.total_price_cents == price


@PROPERTY_SETTINGS
@given(markets(), st.randoms(use_true_random=False))
def test_the_same_market_read_in_any_order_gives_the_same_allocations(market, rng: random.Random):
    offers, demands = market
    shuffled_offers, shuffled_demands = list(offers), list(demands)
    rng.shuffle(shuffled_offers)
    rng.shuffle(shuffled_demands)
    assert match(shuffled_offers, shuffled_demands) == match(offers, demands)


# --- two cores ---------------------------------------------------------------------------------

@PROPERTY_SETTINGS
@given(markets())
def test_the_markets_split_the_allocations_so_that_no_offer_or_demand_is_in_two(market):
    offers, demands = market
    result = match(offers, demands)
    every = [a for allocations in result.markets for a in allocations]
    assert sorted(every) == sorted(result.allocations) and len(every) == len(result.allocations)
    for key in ("offer_id", "demand_id"):
        owners = {}
        for number, allocations in enumerate(result.markets):
            for a in allocations:
                assert owners.setdefault(getattr(a, key), number) == number
    assert all(list(m) == sorted(m, key=lambda a: (a.offer_id, a.demand_id)) for m in result.markets)


def two_family_market(rng):
    """Respirators and community masks over three regions: two independent markets."""
    offers = [offer(k, category=rng.choice(("FFP2", "FFP3", "UNS1", "UNS2")), units=rng.randint(1, 40) * 100,
                    price=rng.randint(80, 140), producer=rng.choice(REGIONS),
                    delivers=rng.sample(REGIONS, rng.randint(1, 3)), day=rng.randint(0, 8)) for k in range(1, 80)]
    demands = []
    for k in range(300):
        category, substitute = rng.choice((("FFP2", "FFP3"), ("UNS2", "UNS1")))
        demands.append(demand(1000 + k, category=category, units=rng.randint(1, 30) * 100,
                              ceiling=rng.randint(90, 150), region=rng.choice(REGIONS), day=rng.randint(2, 12),
                              priority=rng.randint(1, 3), substitutes=rng.choice(((), (substitute,)))))
    return offers, demands


def test_markets_solved_in_a_helper_process_give_the_same_result(caplog):
    offers, demands = two_family_market(random.Random(6))
    alone = match(offers, demands)
    with caplog.at_level(logging.INFO, logger=parallel.__name__):
        shared = match(offers, demands, parallel_from_rows=0)
    assert "1 market(s) solved in a helper process" in caplog.text  # the helper did run
    assert {a.category for a in shared.allocations} >= {"FFP2", "UNS2"} and len(shared.markets) == 2
    assert shared == alone


def test_a_helper_process_that_fails_costs_only_a_logged_error(monkeypatch, caplog):
    offers, demands = two_family_market(random.Random(7))
    alone = match(offers, demands)
    monkeypatch.setattr(parallel, "HELPER", "import sys; sys.exit('the helper broke')")
    with caplog.at_level(logging.INFO, logger=parallel.__name__):
        shared = match(offers, demands, parallel_from_rows=0)
    assert [r.levelname for r in caplog.records] == ["ERROR"]
    assert shared == alone
