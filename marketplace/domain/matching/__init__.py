"""The matching engine: pair offers with demands at the exact lexicographic optimum.

Plain Python, no Flask, no database: callers pass `Offer` and `Demand` values and get a
`MatchResult` back. See docs/matching.md for the model and solver.py for the optimality proof.
"""
from collections import defaultdict

from .market import (Allocation, Demand, MatchResult, MatchSummary, Offer, check_inputs,
                     group_demands, group_offers, independent_markets, is_compatible)
from .network import build_hub_network
from .pairing import pair_groups, split_to_members
from .solver import SolverError, solve_network

__all__ = ["Allocation", "Demand", "MatchResult", "MatchSummary", "Offer", "SolverError",
           "is_compatible", "match"]


def match(offers, demands):
    """Allocate offers to demands: classes first, then own region, then lowest price, deterministically."""
    offers, demands = tuple(offers), tuple(demands)
    check_inputs(offers, demands)
    live_offers = [o for o in offers if o.units]
    live_demands = [d for d in demands if d.units]
    allocations = []
    for market_offers, market_demands in independent_markets(live_offers, live_demands):
        allocations.extend(_match_market(market_offers, market_demands))
    allocations.sort(key=lambda a: (a.offer_id, a.demand_id))
    return MatchResult(tuple(allocations), summarise(allocations, offers, demands))


def _match_market(offers, demands):
    offer_groups, demand_groups = group_offers(offers), group_demands(demands)
    network = build_hub_network(offer_groups, demand_groups)
    flows = solve_network(network)
    pairs = pair_groups(network, flows)
    return [_allocation(offer, demand, units)
            for offer, demand, units in split_to_members(pairs, offer_groups, demand_groups)]


def _allocation(offer, demand, units):
    return Allocation(offer.id, demand.id, units, offer.unit_price_cents, offer.category,
                      demand.region, offer.producer_region == demand.region, demand.priority)


def summarise(allocations, offers, demands):
    """Count what was offered, asked, matched per class, matched in-region, paid and left unmatched."""
    matched_by_priority = defaultdict(int)
    served = defaultdict(int)
    for a in allocations:
        matched_by_priority[a.priority] += a.units
        served[a.demand_id] += a.units
    demanded_by_priority = defaultdict(int)
    unmatched = defaultdict(int)
    for d in demands:
        demanded_by_priority[d.priority] += d.units
        if d.units > served[d.id]:
            unmatched[(d.category, d.region)] += d.units - served[d.id]
    return MatchSummary(
        units_offered=sum(o.units for o in offers),
        units_demanded=sum(d.units for d in demands),
        units_matched=sum(a.units for a in allocations),
        matched_by_priority={k: matched_by_priority[k] for k in sorted(demanded_by_priority)},
        demanded_by_priority=dict(sorted(demanded_by_priority.items())),
        own_region_units=sum(a.units for a in allocations if a.own_region),
        total_price_cents=sum(a.units * a.unit_price_cents for a in allocations),
        unmatched_by_category_region=dict(sorted(unmatched.items())),
    )
