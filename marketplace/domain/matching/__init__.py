"""The matching engine: pair offers with demands at the exact lexicographic optimum.

Plain Python, no Flask, no database: callers pass `Offer` and `Demand` values and get a
`MatchResult` back. See docs/matching.md for the model and solver.py for the optimality proof.
"""
import gc
from collections import defaultdict
from contextlib import contextmanager
from operator import attrgetter

from .market import (Allocation, Demand, MatchResult, MatchSummary, Offer, check_inputs,
                     group_demands, group_offers, independent_markets, is_compatible)
from .network import build_hub_network
from .pairing import pair_groups, split_to_members
from .solver import SolverError, solve_network

__all__ = ["Allocation", "Demand", "MatchResult", "MatchSummary", "Offer", "SolverError",
           "collector_paused", "is_compatible", "match"]


def match(offers, demands):
    """Allocate offers to demands: classes first, then own region, then lowest price, deterministically."""
    offers, demands = tuple(offers), tuple(demands)
    check_inputs(offers, demands)
    live_offers = [o for o in offers if o.units]
    live_demands = [d for d in demands if d.units]
    allocations = []
    with collector_paused():
        for market_offers, market_demands in independent_markets(live_offers, live_demands):
            allocations.extend(_match_market(market_offers, market_demands))
        allocations.sort(key=attrgetter("offer_id", "demand_id"))
        return MatchResult(tuple(allocations), summarise(allocations, offers, demands))


@contextmanager
def collector_paused():
    """Pause Python's cyclic garbage collector for the block.

    Reading, grouping, pairing and writing a national market create hundreds of thousands of small
    objects and no reference cycles; each burst would otherwise trigger full collections that walk
    every object alive (about a third of the time spent outside the solver at 50,000 x 250,000).
    Reference counting still frees memory meanwhile. Nested uses are fine.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _match_market(offers, demands):
    offer_groups, demand_groups = group_offers(offers), group_demands(demands)
    network = build_hub_network(offer_groups, demand_groups)
    flows = solve_network(network)
    pairs = pair_groups(network, flows)
    return [Allocation(offer.id, demand.id, units, offer.unit_price_cents, offer.category,
                       demand.region, offer.producer_region == demand.region, demand.priority)
            for offer, demand, units in split_to_members(pairs, offer_groups, demand_groups)]


def summarise(allocations, offers, demands):
    """Count what was offered, asked, matched per class, matched in-region, paid and left unmatched."""
    matched_by_priority = defaultdict(int)
    served = defaultdict(int)
    own_region_units = total_price_cents = 0
    for _, demand_id, units, unit_price_cents, _, _, own_region, priority in allocations:
        matched_by_priority[priority] += units
        served[demand_id] += units
        if own_region:
            own_region_units += units
        total_price_cents += units * unit_price_cents
    demanded_by_priority = defaultdict(int)
    unmatched = defaultdict(int)
    for d in demands:
        demanded_by_priority[d.priority] += d.units
        left = d.units - served.get(d.id, 0)
        if left > 0:
            unmatched[(d.category, d.region)] += left
    return MatchSummary(
        units_offered=sum(map(attrgetter("units"), offers)),
        units_demanded=sum(demanded_by_priority.values()),
        units_matched=sum(matched_by_priority.values()),
        matched_by_priority={k: matched_by_priority[k] for k in sorted(demanded_by_priority)},
        demanded_by_priority=dict(sorted(demanded_by_priority.items())),
        own_region_units=own_region_units,
        total_price_cents=total_price_cents,
        unmatched_by_category_region=dict(sorted(unmatched.items())),
    )
