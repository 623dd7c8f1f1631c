"""The hub network: offers reach demands through small grids, never through one arc per pair.

Nodes: the source, the sink, one node per priority class, one per offer group, one per demand
group, and per cell (category c, region r) a grid of hubs H(t, p). The grid's rows t are the
distinct dates needed by the cell's demands, its columns p their distinct price ceilings. An offer
group of category c that delivers to r enters the cell at the first date row on or after its
availability and the first ceiling column at or above its price; a demand group leaves the cell
at its own (date, ceiling) hub; grid arcs run to the next date and to the next ceiling. So an
offer reaches a demand exactly when category, region, date and price are compatible, with
O(offers × regions + demands × categories + grid) arcs. Hubs no entry can reach or no exit can
be reached from are left out.
"""
from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

SOURCE, SINK = 0, 1


@dataclass
class Cell:
    category: str
    region: str
    entries: list = field(default_factory=list)  # (arc, offer group, row, column)
    exits: list = field(default_factory=list)  # (arc, demand group, row, column)


@dataclass
class HubNetwork:
    num_nodes: int
    tails: np.ndarray
    heads: np.ndarray
    capacities: np.ndarray
    costs: np.ndarray  # lower objectives only: price on source arcs, own-region bonus on entries
    unbounded: int  # a capacity no flow can exceed
    own_region_bonus: int
    offer_arcs: list  # source -> offer group, one per group
    class_arcs: dict  # priority -> demand group -> class node arcs
    class_nodes: dict  # priority -> node
    cells: list


class _Arcs:
    """Collect arcs, then freeze them into arrays."""

    def __init__(self):
        self.tails, self.heads, self.capacities, self.costs = [], [], [], []

    def add(self, tail, head, capacity, cost=0):
        self.tails.append(tail)
        self.heads.append(head)
        self.capacities.append(capacity)
        self.costs.append(cost)
        return len(self.tails) - 1

    def add_many(self, tails, heads, capacity):
        self.tails.extend(tails.tolist())
        self.heads.extend(heads.tolist())
        self.capacities.extend([capacity] * len(tails))
        self.costs.extend([0] * len(tails))

    def arrays(self):
        return tuple(np.array(values, dtype=np.int64)
                     for values in (self.tails, self.heads, self.capacities, self.costs))


def own_region_bonus(offer_groups):
    """Return a per-unit own-region bonus larger than any price change along a simple cycle.

    Prices sit only on source arcs, and a simple cycle passes the source at most once, so it
    changes the price by at most max price - min price (see solver.solve_market).
    """
    prices = [g.unit_price_cents for g in offer_groups]
    return max(prices) - min(prices) + 1


def build_hub_network(offer_groups, demand_groups):
    """Build the hub network of one market from its offer and demand groups."""
    arcs = _Arcs()
    ranks = sorted({g.priority for g in demand_groups})
    class_nodes = {rank: 2 + k for k, rank in enumerate(ranks)}
    first_offer = 2 + len(ranks)
    first_demand = first_offer + len(offer_groups)
    next_node = first_demand + len(demand_groups)
    unbounded = max(1, sum(g.units for g in offer_groups))
    bonus = own_region_bonus(offer_groups)

    offer_arcs = [arcs.add(SOURCE, first_offer + i, g.units, g.unit_price_cents)
                  for i, g in enumerate(offer_groups)]
    class_arcs = {rank: [] for rank in ranks}
    for j, g in enumerate(demand_groups):
        class_arcs[g.priority].append(arcs.add(first_demand + j, class_nodes[g.priority], g.units))

    exits_by_cell = defaultdict(list)
    for j, g in enumerate(demand_groups):
        for category in g.categories:
            exits_by_cell[(category, g.region)].append(j)
    entries_by_cell = defaultdict(list)
    for i, g in enumerate(offer_groups):
        for region in g.delivery_regions:
            if (g.category, region) in exits_by_cell:
                entries_by_cell[(g.category, region)].append(i)

    cells = []
    for key in sorted(entries_by_cell):
        cell = Cell(*key)
        next_node = _build_cell(cell, arcs, next_node, offer_groups, entries_by_cell[key],
                                demand_groups, exits_by_cell[key], first_offer, first_demand,
                                unbounded, bonus)
        cells.append(cell)

    tails, heads, capacities, costs = arcs.arrays()
    return HubNetwork(next_node, tails, heads, capacities, costs, unbounded, bonus,
                      offer_arcs, class_arcs, class_nodes, cells)


def _build_cell(cell, arcs, next_node, offer_groups, entering, demand_groups, leaving,
                first_offer, first_demand, unbounded, bonus):
    """Add one cell's grid, entries and exits; return the next free node."""
    dates = sorted({demand_groups[j].needed_by for j in leaving})
    ceilings = sorted({demand_groups[j].max_unit_price_cents for j in leaving})
    row_of = {d: t for t, d in enumerate(dates)}
    column_of = {c: p for p, c in enumerate(ceilings)}
    entries = []
    for i in entering:
        g = offer_groups[i]
        t, p = bisect_left(dates, g.available_from), bisect_left(ceilings, g.unit_price_cents)
        if t < len(dates) and p < len(ceilings):
            entries.append((i, t, p))
    exits = [(j, row_of[demand_groups[j].needed_by], column_of[demand_groups[j].max_unit_price_cents])
             for j in leaving]
    if not entries:
        return next_node

    rows = len(dates)
    # Row t keeps columns lo[t]..hi[t]: reachable from an entry and reaching an exit.
    lo = np.full(rows, len(ceilings), dtype=np.int64)
    hi = np.full(rows, -1, dtype=np.int64)
    for _, t, p in entries:
        lo[t] = min(lo[t], p)
    for _, t, p in exits:
        hi[t] = max(hi[t], p)
    lo = np.minimum.accumulate(lo)
    hi = np.maximum.accumulate(hi[::-1])[::-1]
    width = np.maximum(hi - lo + 1, 0)
    row_start = next_node + np.cumsum(width) - width
    total = int(width.sum())

    def hub(t, p):
        return int(row_start[t] + p - lo[t]) if lo[t] <= p <= hi[t] else None

    nodes = np.arange(next_node, next_node + total)
    row_end = row_start + width - 1
    not_last = np.ones(total, dtype=bool)
    not_last[(row_end[width > 0] - next_node)] = False
    arcs.add_many(nodes[not_last], nodes[not_last] + 1, unbounded)
    for t in range(rows - 1):
        columns = np.arange(lo[t], hi[t + 1] + 1)
        if len(columns):
            arcs.add_many(row_start[t] + columns - lo[t], row_start[t + 1] + columns - lo[t + 1], unbounded)

    for i, t, p in entries:
        node = hub(t, p)
        if node is not None:
            g = offer_groups[i]
            cost = -bonus if g.producer_region == cell.region else 0
            cell.entries.append((arcs.add(first_offer + i, node, g.units, cost), i, t, p))
    for j, t, p in exits:
        node = hub(t, p)
        if node is not None:
            cell.exits.append((arcs.add(node, first_demand + j, demand_groups[j].units), j, t, p))
    return next_node + total
