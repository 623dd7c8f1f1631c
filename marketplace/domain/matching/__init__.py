"""The matching engine: pair offers with demands at the exact lexicographic optimum.

Plain Python, no Flask, no database: callers pass `Offer` and `Demand` values and get a
`MatchResult` back. See docs/matching.md for the model and solver.py for the optimality proof.
"""
import gc
from contextlib import contextmanager
from typing import NamedTuple

import numpy as np

from .columns import group_demands, group_offers, markets, tabulate
from .market import Allocation, Demand, MatchResult, MatchSummary, Offer, is_compatible
from .network import build_hub_network, cell_count
from .pairing import pair_groups, split_to_members
from .parallel import helper_process, solve_markets
from .solver import SolverError, solve_network

__all__ = ["Allocation", "Demand", "MatchResult", "MatchSummary", "Offer", "SolverError",
           "collector_paused", "is_compatible", "match"]


def match(offers, demands, parallel_from_rows=None):
    """Allocate offers to demands: classes first, then own region, then lowest price, deterministically.

    With `parallel_from_rows`, a run of that many offers and demands in all solves its independent
    markets on two cores (`parallel.solve_markets`); the result is the same.
    """
    offers, demands = tuple(offers), tuple(demands)
    parallel = parallel_from_rows is not None and len(offers) + len(demands) >= parallel_from_rows
    with collector_paused(), helper_process(parallel) as helper:
        vocabulary, offer_columns, demand_columns = tabulate(offers, demands)
        live_offers = offer_columns.take(np.flatnonzero(offer_columns.units))
        live_demands = demand_columns.take(np.flatnonzero(demand_columns.units))
        found = [_Market(vocabulary, live_offers.take(offer_rows), live_demands.take(demand_rows))
                 for offer_rows, demand_rows in markets(vocabulary, live_offers, live_demands)]
        parts = solve_markets(found, helper)
        parts = [_in_canonical_order(part) for part in parts]
        columns = AllocationColumns(*(np.concatenate(part) for part in zip(*parts))) if parts else None
        by_market = tuple(_allocations(vocabulary, part) for part in parts)
        return MatchResult(_merged(by_market, columns), summarise(vocabulary, columns, offer_columns, demand_columns),
                           by_market)


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


class AllocationColumns(NamedTuple):
    """Allocations column by column, as the markets produce them."""

    offer_ids: np.ndarray
    demand_ids: np.ndarray
    units: np.ndarray
    prices: np.ndarray
    categories: np.ndarray  # codes
    regions: np.ndarray  # codes, the demand's
    own_region: np.ndarray
    priorities: np.ndarray


class _Market:
    """One independent market: its columns, grouped and wired into a hub network as it is solved.

    Built where it is solved, so that the run's own process does not build (nor pickle) the
    networks of the markets it hands to its helper.
    """

    def __init__(self, vocabulary, offers, demands):
        self.vocabulary, self.offers, self.demands = vocabulary, offers, demands

    def cost(self):
        """Rank markets by solving time: the max flows run on the cells' grids (measured)."""
        return cell_count(self.vocabulary, self.offers, self.demands)

    def solved(self):
        """Return the market's optimal allocations as AllocationColumns."""
        offers, demands = self.offers, self.demands
        offer_groups, demand_groups = group_offers(offers), group_demands(demands)
        network = build_hub_network(self.vocabulary, offers, offer_groups, demands, demand_groups)
        offer_rows, demand_rows, units = split_to_members(offer_groups, demand_groups,
                                                          *pair_groups(network, solve_network(network)))
        return AllocationColumns(offers.ids[offer_rows], demands.ids[demand_rows], units, offers.price[offer_rows],
                                 offers.category[offer_rows], demands.region[demand_rows],
                                 offers.producer_region[offer_rows] == demands.region[demand_rows],
                                 demands.priority[demand_rows])


def _in_canonical_order(columns):
    """Return the allocation columns by offer id, then demand id."""
    order = np.lexsort((columns.demand_ids, columns.offer_ids))
    return AllocationColumns(*(column[order] for column in columns))


def _allocations(vocabulary, columns):
    """Return the allocations as Allocation values, in the columns' order."""
    offer_ids, demand_ids, units, prices, categories, regions, own_region, priorities = (
        column.tolist() for column in columns)
    return tuple(map(Allocation._make, zip(
        offer_ids, demand_ids, units, prices, map(vocabulary.categories.__getitem__, categories),
        map(vocabulary.regions.__getitem__, regions), own_region, priorities)))


def _merged(by_market, columns):
    """Return all markets' allocations by offer id then demand id (`columns` holds them as `by_market` does)."""
    if columns is None:
        return ()
    every = [allocation for market in by_market for allocation in market]
    order = np.lexsort((columns.demand_ids, columns.offer_ids)).tolist()
    return tuple(map(every.__getitem__, order))


def summarise(vocabulary, columns, offers, demands):
    """Count what was offered, asked, matched per class, matched in-region, paid and left unmatched."""
    demanded_by_priority = _sums_by(demands.priority, demands.units)
    served = np.zeros(len(demands.ids), dtype=np.int64)
    matched_by_priority, own_region_units, total_price_cents = {}, 0, 0
    if columns is not None:
        matched_by_priority = _sums_by(columns.priorities, columns.units)
        by_id = np.argsort(demands.ids)
        rows = by_id[np.searchsorted(demands.ids, columns.demand_ids, sorter=by_id)]
        # Summed in floats, exactly: what a demand is served stays below its units, under 2**31.
        served = np.bincount(rows, weights=columns.units, minlength=len(demands.ids)).astype(np.int64)
        own_region_units = int(columns.units[columns.own_region].sum())
        total_price_cents = sum((columns.units * columns.prices).tolist())  # Python ints: no overflow
    left = demands.units - served
    short = left > 0
    region_count = len(vocabulary.regions)
    unmatched = _sums_by(demands.category[short] * region_count + demands.region[short], left[short])
    return MatchSummary(
        units_offered=int(offers.units.sum()),
        units_demanded=sum(demanded_by_priority.values()),
        units_matched=sum(matched_by_priority.values()),
        matched_by_priority={k: matched_by_priority.get(k, 0) for k in demanded_by_priority},
        demanded_by_priority=demanded_by_priority,
        own_region_units=own_region_units,
        total_price_cents=total_price_cents,
        unmatched_by_category_region={
            (vocabulary.categories[cell // region_count], vocabulary.regions[cell % region_count]): units
            for cell, units in unmatched.items()},
    )


def _sums_by(keys, values):
    """Return {key: sum of its values} in key order, as Python ints."""
    distinct, position = np.unique(keys, return_inverse=True)
    sums = np.zeros(len(distinct), dtype=np.int64)
    np.add.at(sums, position, values)
    return dict(zip(distinct.tolist(), sums.tolist()))
