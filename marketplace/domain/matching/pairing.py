"""Turn hub flows back into (offer, demand, units) pairs, deterministically.

Inside a cell only the entry and exit flows matter: every entry may serve every exit at or after
its (date row, ceiling column), and the grid flow proves a pairing that uses all of them exists.
Costs sit on entries (own region) and source arcs (price) and classes on exits, so any such
pairing keeps the optimum. Exits are served in date order, each from the entry with the highest
ceiling column it accepts: an exchange argument shows this never strands an entry.
"""
from bisect import bisect_right, insort
from collections import defaultdict, deque
from operator import itemgetter


def pair_groups(network, flows):
    """Return units per (offer group, demand group) from the arc flows."""
    pairs = defaultdict(int)
    for cell in network.cells:
        entries = sorted((t, p, i, int(flows[arc])) for arc, i, t, p in cell.entries if flows[arc])
        exits = sorted((t, p, j, int(flows[arc])) for arc, j, t, p in cell.exits if flows[arc])
        _pair_cell(entries, exits, pairs)
    return pairs


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


def split_to_members(pairs, offer_groups, demand_groups):
    """Return (offer, demand, units) triples, filling each group's members in id order."""
    by_offer_group = defaultdict(list)
    for (i, j), units in sorted(pairs.items()):
        by_offer_group[i].append((j, units))
    by_demand_group = defaultdict(list)
    for offer, j, units in _split_over_members(offer_groups, by_offer_group.items()):
        by_demand_group[j].append((offer, units))
    in_group_order = sorted(by_demand_group.items(), key=itemgetter(0))
    return [(offer, demand, units)
            for demand, offer, units in _split_over_members(demand_groups, in_group_order)]


def _split_over_members(groups, wanted_by_group):
    """Take each group's (key, units) amounts from its members in id order.

    wanted_by_group: (group index, [(key, units), ...]) pairs. Returns (member, key, units) pieces.
    """
    pieces = []
    for g, wanted in wanted_by_group:
        members = groups[g].members
        if len(members) == 1:  # most groups have one member: it takes every amount whole
            member = members[0]
            for key, units in wanted:
                pieces.append((member, key, units))
        else:
            _fill(members, wanted, pieces)
    return pieces


def _fill(members, wanted, pieces):
    """Take (key, units) amounts from members in order; append (member, key, units) pieces."""
    cursor, left = 0, members[0].units
    for key, units in wanted:
        while units:
            while not left:
                cursor += 1
                left = members[cursor].units
            taken = min(left, units)
            pieces.append((members[cursor], key, taken))
            units -= taken
            left -= taken
