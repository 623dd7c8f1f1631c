"""Turn hub flows back into (offer, demand, units) pairs, deterministically.

Inside a cell only the entry and exit flows matter: every entry may serve every exit at or after
its (date row, ceiling column), and the grid flow proves a pairing that uses all of them exists.
Costs sit on entries (own region) and source arcs (price) and classes on exits, so any such
pairing keeps the optimum. Exits are served in date order, each from the entry with the highest
ceiling column it accepts: an exchange argument shows this never strands an entry.
"""
from bisect import bisect_right, insort
from collections import defaultdict, deque

import numpy as np


def pair_groups(network, flows):
    """Return (offer groups, demand groups, units) arrays from the arc flows, sorted by group pair."""
    pairs = defaultdict(int)
    for cell in network.cells:
        if cell.entries and cell.exits:
            _pair_cell(_used(cell.entries, flows), _used(cell.exits, flows), pairs)
    keys = np.array(sorted(pairs), dtype=np.int64).reshape(-1, 2)
    return keys[:, 0], keys[:, 1], np.array([pairs[key] for key in map(tuple, keys.tolist())], dtype=np.int64)


def _used(ends, flows):
    """Return a cell's entries or exits that carry flow, as (row, column, group, units) in that order."""
    arcs, groups, rows, columns = ends
    units = flows[arcs]
    used = units > 0
    rows, columns, groups, units = rows[used], columns[used], groups[used], units[used]
    order = np.lexsort((groups, columns, rows))
    return list(zip(rows[order].tolist(), columns[order].tolist(), groups[order].tolist(), units[order].tolist()))


def _pair_cell(entries, exits, pairs):
    waiting = defaultdict(deque)  # ceiling column -> [offer group, units left]
    columns = []  # columns with waiting units, ascending
    next_entry = 0
    for t, p, j, needed in exits:
        while next_entry < len(entries) and entries[next_entry][0] <= t:
            _, column, i, units = entries[next_entry]
            if not waiting[column]:
                insort(columns, column)
            waiting[column].append([i, units])
            next_entry += 1
        while needed:
            at = bisect_right(columns, p) - 1
            if at < 0:
                raise AssertionError("hub flow cannot be paired: network bug")
            queue = waiting[columns[at]]
            taken = min(queue[0][1], needed)
            pairs[(queue[0][0], j)] += taken
            needed -= taken
            queue[0][1] -= taken
            if not queue[0][1]:
                queue.popleft()
                if not queue:
                    del columns[at]


def split_to_members(offer_groups, demand_groups, offer_group, demand_group, units):
    """Return (offer rows, demand rows, units): each group pair's units taken from members in id order.

    An offer group gives its pairs' units in demand-group order, from its first member on; a demand
    group then takes what it received in that order, to its first member first.
    """
    offer_rows, demand_group, units = _take_from_members(offer_groups, offer_group, demand_group, units)
    order = np.argsort(demand_group, kind="stable")
    demand_rows, offer_rows, units = _take_from_members(demand_groups, demand_group[order], offer_rows[order],
                                                        units[order])
    return offer_rows, demand_rows, units


def _take_from_members(groups, group, other, units):
    """Split amounts (group, other, units), sorted by group, over each group's members in order.

    Every group's members are laid end to end on one line of units, and each group's amounts from
    the group's start: a piece is where an amount and a member overlap. Returns (member rows, other,
    units) in the amounts' order, members in order within an amount.
    """
    member_units = groups.member_units
    member_starts = np.cumsum(member_units) - member_units
    before = np.cumsum(units) - units  # units of the amounts before, in all groups
    firsts = np.flatnonzero(np.diff(group, prepend=-1))
    before -= np.repeat(before[firsts], np.diff(np.append(firsts, len(group))))
    starts = member_starts[groups.bounds[group]] + before
    ends = starts + units
    first = np.searchsorted(member_starts, starts, side="right") - 1
    count = np.searchsorted(member_starts, ends - 1, side="right") - first
    piece = np.repeat(np.arange(len(units)), count)
    member = np.repeat(first - (np.cumsum(count) - count), count) + np.arange(len(piece))
    piece_units = (np.minimum(ends[piece], member_starts[member] + member_units[member])
                   - np.maximum(starts[piece], member_starts[member]))
    kept = piece_units > 0
    return groups.members[member[kept]], other[piece[kept]], piece_units[kept]
