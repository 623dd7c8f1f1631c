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
be reached from are left out. A demand group that leaves through one cell only (most accept one
category) leaves straight to its class node, its own node left unused: that node would only
lengthen every path, and the max flows take a fifth longer on the largest market with it.
"""
from dataclasses import dataclass

import numpy as np

SOURCE, SINK = 0, 1


@dataclass
class Cell:
    """One (category, region) cell's entry and exit arcs, with their groups and hubs (row, column)."""

    category: int  # code
    region: int  # code
    entries: tuple = ()  # (arcs, offer groups, rows, columns) arrays
    exits: tuple = ()  # (arcs, demand groups, rows, columns) arrays; an arc may end at the class node


@dataclass
class HubNetwork:
    num_nodes: int
    tails: np.ndarray
    heads: np.ndarray
    capacities: np.ndarray
    far: np.ndarray  # True on the arcs entering a region other than the offer's producer's
    unbounded: int  # a capacity no flow can exceed
    offer_arcs: np.ndarray  # source -> offer group, one per group
    offer_prices: np.ndarray  # each offer group's unit price, in cents
    class_nodes: dict  # priority -> node
    cells: list


class _Arcs:
    """Collect arcs in numpy chunks, then freeze them into arrays."""

    def __init__(self):
        self.chunks, self.count = [], 0

    def add_many(self, tails, heads, capacities, far=False):
        """Add arcs (scalars broadcast); return their ids."""
        size = len(tails)
        self.chunks.append([np.broadcast_to(np.asarray(values, dtype=np.int64), (size,))
                            for values in (tails, heads, capacities, far)])
        ids = np.arange(self.count, self.count + size)
        self.count += size
        return ids

    def arrays(self):
        return tuple(np.concatenate([chunk[k] for chunk in self.chunks]) if self.chunks
                     else np.zeros(0, dtype=np.int64) for k in range(4))


@dataclass
class _Side:
    """One side's groups as arrays, indexed like the groups."""

    nodes: np.ndarray
    units: np.ndarray
    dates: np.ndarray  # availability (offers) or date needed (demands), as day ordinals
    prices: np.ndarray  # unit price (offers) or ceiling (demands), in cents


def build_hub_network(vocabulary, offers, offer_groups, demands, demand_groups):
    """Build the hub network of one market from its offer and demand columns and groups."""
    arcs = _Arcs()
    priorities = demands.priority[demand_groups.first]
    ranks = np.unique(priorities)
    class_nodes = {int(rank): 2 + k for k, rank in enumerate(ranks)}
    first_offer = 2 + len(ranks)
    first_demand = first_offer + len(offer_groups)
    next_node = first_demand + len(demand_groups)
    first_offers, first_demands = offer_groups.first, demand_groups.first
    offer_side = _Side(first_offer + np.arange(len(offer_groups)), offer_groups.units,
                       offers.available_from[first_offers], offers.price[first_offers])
    demand_side = _Side(first_demand + np.arange(len(demand_groups)), demand_groups.units,
                        demands.needed_by[first_demands], demands.ceiling[first_demands])
    unbounded = max(1, int(offer_side.units.sum()))

    offer_arcs = arcs.add_many(np.full(len(offer_groups), SOURCE), offer_side.nodes, offer_side.units)

    region_count = len(vocabulary.regions)
    (entering, entry_regions, entry_cells), (leaving, exit_cells) = _entries_and_exits(
        vocabulary, offers, first_offers, demands, first_demands)
    far_entry = offers.producer_region[first_offers][entering] != entry_regions

    cells = []
    exits_by_cell = _by_cell(exit_cells)
    entries_by_cell = _by_cell(entry_cells)
    for code in sorted(exits_by_cell.keys() & entries_by_cell.keys()):
        cell = Cell(*divmod(code, region_count))
        in_cell = entries_by_cell[code]
        next_node = _build_cell(cell, arcs, next_node, offer_side, entering[in_cell], far_entry[in_cell],
                                demand_side, leaving[exits_by_cell[code]], unbounded)
        cells.append(cell)

    class_of = 2 + np.searchsorted(ranks, priorities)
    exit_arcs = np.concatenate([cell.exits[0] for cell in cells if cell.exits] or [np.zeros(0, np.int64)])
    exit_groups = np.concatenate([cell.exits[1] for cell in cells if cell.exits] or [np.zeros(0, np.int64)])
    exits_per_group = np.bincount(exit_groups, minlength=len(demand_groups))
    several = np.nonzero(exits_per_group > 1)[0]
    arcs.add_many(demand_side.nodes[several], class_of[several], demand_side.units[several])
    tails, heads, capacities, far = arcs.arrays()
    alone = exits_per_group[exit_groups] == 1
    heads[exit_arcs[alone]] = class_of[exit_groups[alone]]
    return HubNetwork(next_node, tails, heads, capacities, far.astype(bool), unbounded,
                      offer_arcs, offer_side.prices, class_nodes, cells)


def cell_count(vocabulary, offers, demands):
    """Return how many (category, region) cells a market's network has: what its solving time grows with.

    Counted from the rows themselves, before grouping, so that a market can be sent away unbuilt.
    """
    every_offer, every_demand = np.arange(len(offers.ids)), np.arange(len(demands.ids))
    (_, _, entry_cells), (_, exit_cells) = _entries_and_exits(vocabulary, offers, every_offer, demands, every_demand)
    return len(np.intersect1d(entry_cells, exit_cells))


def _entries_and_exits(vocabulary, offers, offer_rows, demands, demand_rows):
    """Return ((offer positions, regions, cells) of every entry, (demand positions, cells) of every exit).

    An offer enters each region it delivers to in its category's cell; a demand leaves through each
    category it accepts in its region's cell. Positions index `offer_rows` and `demand_rows`.
    """
    region_count = len(vocabulary.regions)
    leaving, exit_categories = vocabulary.accepted_sets.expand(demands.accepted_set[demand_rows])
    exit_cells = exit_categories * region_count + demands.region[demand_rows][leaving]
    entering, entry_regions = vocabulary.delivery_sets.expand(offers.delivery_set[offer_rows])
    entry_cells = offers.category[offer_rows][entering] * region_count + entry_regions
    return (entering, entry_regions, entry_cells), (leaving, exit_cells)


def _by_cell(cell_codes):
    """Return cell code -> positions in cell_codes, each in increasing order."""
    order = np.argsort(cell_codes, kind="stable")
    codes, starts = np.unique(cell_codes[order], return_index=True)
    return dict(zip(codes.tolist(), np.split(order, starts[1:])))


def _levels(entry_values, exit_values):
    """Number one axis of a cell's grid with as few levels as keep who reaches whom.

    An entry (offer) reaches an exit (demand) on this axis when its value is at most the exit's.
    Two exit values with no entry value between them are told apart by no entry, so they share
    a level; an entry sits on the first level at or above its value. Returns the number of levels
    and each entry's and exit's level; an entry past the last level reaches no exit, an exit at
    level -1 is reached by no entry.
    """
    distinct_entries = np.unique(entry_values)
    exit_ranks = np.searchsorted(distinct_entries, exit_values, side="right")
    levels = np.unique(exit_ranks[exit_ranks > 0])
    exit_levels = np.where(exit_ranks > 0, np.searchsorted(levels, exit_ranks), -1)
    entry_levels = np.searchsorted(levels, np.searchsorted(distinct_entries, entry_values) + 1)
    return len(levels), entry_levels, exit_levels


def _build_cell(cell, arcs, next_node, offers, entering, far, demands, leaving, unbounded):
    """Add one cell's grid, entries and exits; return the next free node."""
    rows, entry_rows, exit_rows = _levels(offers.dates[entering], demands.dates[leaving])
    columns, entry_columns, exit_columns = _levels(offers.prices[entering], demands.prices[leaving])
    entering_ok = (entry_rows < rows) & (entry_columns < columns)
    leaving_ok = (exit_rows >= 0) & (exit_columns >= 0)
    if not entering_ok.any() or not leaving_ok.any():
        return next_node

    # Row t keeps columns lo[t]..hi[t]: reachable from an entry and reaching an exit.
    lo = np.full(rows, columns, dtype=np.int64)
    hi = np.full(rows, -1, dtype=np.int64)
    np.minimum.at(lo, entry_rows[entering_ok], entry_columns[entering_ok])
    np.maximum.at(hi, exit_rows[leaving_ok], exit_columns[leaving_ok])
    lo = np.minimum.accumulate(lo)
    hi = np.maximum.accumulate(hi[::-1])[::-1]
    width = np.maximum(hi - lo + 1, 0)
    row_start = next_node + np.cumsum(width) - width
    total = int(width.sum())

    nodes = np.arange(next_node, next_node + total)
    row_end = row_start + width - 1
    not_last = np.ones(total, dtype=bool)
    not_last[(row_end[width > 0] - next_node)] = False
    arcs.add_many(nodes[not_last], nodes[not_last] + 1, unbounded)
    # Up arcs: row t to row t + 1 on the columns lo[t]..hi[t + 1] both rows keep.
    shared = np.maximum(hi[1:] - lo[:-1] + 1, 0)
    row = np.repeat(np.arange(rows - 1), shared)
    column = lo[row] + np.arange(int(shared.sum())) - np.repeat(np.cumsum(shared) - shared, shared)
    arcs.add_many(row_start[row] + column - lo[row], row_start[row + 1] + column - lo[row + 1], unbounded)

    def on_grid(ok, t, p):
        t, p = np.where(ok, t, 0), np.where(ok, p, 0)
        return ok & (lo[t] <= p) & (p <= hi[t]), row_start[t] + p - lo[t]

    kept, hubs = on_grid(entering_ok, entry_rows, entry_columns)
    groups = entering[kept]
    ids = arcs.add_many(offers.nodes[groups], hubs[kept], offers.units[groups], far[kept])
    cell.entries = (ids, groups, entry_rows[kept], entry_columns[kept])
    kept, hubs = on_grid(leaving_ok, exit_rows, exit_columns)
    groups = leaving[kept]
    ids = arcs.add_many(hubs[kept], demands.nodes[groups], demands.units[groups])
    cell.exits = (ids, groups, exit_rows[kept], exit_columns[kept])
    return next_node + total
