"""The hub network: offers reach demands through small grids, never through one arc per pair.

Nodes: the source, the sink, one node per priority class, one per offer group, one per demand
group, and per cell (category c, region r) a grid of hubs H(t, p). The grid's rows t are the
cell's dates needed, its columns p its price ceilings, each axis keeping only the levels some
entering offer tells apart (`_levels`). An offer group of category c that delivers to r enters
the cell at the first row on or after its availability and the first column at or above its
price; a demand group leaves the cell at its own (date, ceiling) hub; grid arcs run to the next
row and to the next column. So an
offer reaches a demand exactly when category, region, date and price are compatible, with
O(offers × regions + demands × categories + grid) arcs. Hubs no entry can reach or no exit can
be reached from are left out.
"""
from bisect import bisect_left, bisect_right
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


def _levels(entry_values, exit_values):
    """Number one axis of a cell's grid with as few levels as keep who reaches whom.

    An entry (offer) reaches an exit (demand) on this axis when its value is at most the exit's.
    Two exit values with no entry value between them are told apart by no entry, so they share
    a level; an entry sits on the first level at or above its value. Returns the number of levels
    and each entry's and exit's level (None: reaches no exit, or reached by no entry).
    """
    distinct_entries = sorted(set(entry_values))
    exit_ranks = [bisect_right(distinct_entries, value) for value in exit_values]
    levels = sorted({rank for rank in exit_ranks if rank})
    level_of = {rank: k for k, rank in enumerate(levels)}
    entry_levels = []
    for value in entry_values:
        k = bisect_left(levels, bisect_left(distinct_entries, value) + 1)
        entry_levels.append(k if k < len(levels) else None)
    return len(levels), entry_levels, [level_of.get(rank) for rank in exit_ranks]


def _build_cell(cell, arcs, next_node, offer_groups, entering, demand_groups, leaving,
                first_offer, first_demand, unbounded, bonus):
    """Add one cell's grid, entries and exits; return the next free node."""
    rows, entry_rows, exit_rows = _levels([offer_groups[i].available_from for i in entering],
                                          [demand_groups[j].needed_by for j in leaving])
    columns, entry_columns, exit_columns = _levels([offer_groups[i].unit_price_cents for i in entering],
                                                   [demand_groups[j].max_unit_price_cents for j in leaving])
    entries = [(i, t, p) for i, t, p in zip(entering, entry_rows, entry_columns)
               if t is not None and p is not None]
    exits = [(j, t, p) for j, t, p in zip(leaving, exit_rows, exit_columns)
             if t is not None and p is not None]
    if not entries or not exits:
        return next_node

    # Row t keeps columns lo[t]..hi[t]: reachable from an entry and reaching an exit.
    lo = np.full(rows, columns, dtype=np.int64)
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
        below = np.arange(lo[t], hi[t + 1] + 1)  # columns kept in both rows
        if len(below):
            arcs.add_many(row_start[t] + below - lo[t], row_start[t + 1] + below - lo[t + 1], unbounded)

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
