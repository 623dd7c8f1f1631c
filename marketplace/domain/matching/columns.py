"""Offers and demands as numpy columns: what the solver groups, wires and splits in bulk.

A national run holds some 250,000 demands: one Python step per demand in each stage would cost
more than the flows. So the values are read once into integer columns. Strings and sets are
coded in sorted order, so sorting codes sorts the values themselves: groups, markets and cells
come out in one canonical order, whatever order the values came in.

Two reductions keep the solver small: rows identical for the solver are merged into one group
(`group_rows`), and categories linked by a demand's accepted substitutes form one independent
market (`markets`).
"""
from dataclasses import dataclass
from operator import attrgetter

import numpy as np

# The database's integer columns: every sum of units, and every units-times-price product, fits in 64 bits.
INTEGER_LIMIT = 2**31


class Codes(dict):
    """Distinct values -> codes in sorted order (`freeze` once every value is added)."""

    def add(self, values):
        for value in set(values):  # distinct first: a run adds 250,000 regions, a few dozen distinct
            self.setdefault(value, None)

    def freeze(self):
        for code, value in enumerate(sorted(self)):
            self[value] = code
        return self

    def encode(self, values):
        return np.fromiter(map(self.__getitem__, values), dtype=np.int64, count=len(values))

    def decoded(self):
        """Return the values as a list indexed by code."""
        return sorted(self)


@dataclass
class Vocabulary:
    """The codes of one run: categories and regions, and the sets built from them."""

    categories: list  # code -> category
    regions: list  # code -> region
    delivery_sets: "SetTable"  # an offer's delivery regions
    accepted_sets: "SetTable"  # a demand's accepted categories


@dataclass
class SetTable:
    """Coded sets: set code -> its member codes, in rows padded with -1."""

    members: np.ndarray  # (sets, longest) member codes

    def sizes(self):
        return (self.members >= 0).sum(axis=1)

    def expand(self, set_codes):
        """Return (row, member) for every member of every row's set, rows in order."""
        sizes = self.sizes()[set_codes]
        rows = np.repeat(np.arange(len(set_codes)), sizes)
        position = np.arange(len(rows)) - np.repeat(np.cumsum(sizes) - sizes, sizes)
        return rows, self.members[set_codes[rows], position]


class _Rows:
    """Columns of one length: `take` keeps the given rows of every column."""

    def take(self, rows):
        return type(self)(*(column[rows] for column in vars(self).values()))


@dataclass
class OfferColumns(_Rows):
    ids: np.ndarray
    category: np.ndarray
    producer_region: np.ndarray
    delivery_set: np.ndarray
    available_from: np.ndarray  # day ordinal
    price: np.ndarray  # cents, excluding tax
    units: np.ndarray


@dataclass
class DemandColumns(_Rows):
    ids: np.ndarray
    category: np.ndarray  # the one asked for
    accepted_set: np.ndarray
    region: np.ndarray
    needed_by: np.ndarray  # day ordinal
    ceiling: np.ndarray  # cents, excluding tax
    units: np.ndarray
    priority: np.ndarray


def tabulate(offers, demands):
    """Return (vocabulary, offer columns, demand columns) for the values, in their order.

    Raises ValueError on what the solver cannot honour: duplicate ids, negative, huge or
    non-integer quantities, prices or priorities.
    """
    delivery = list(map(attrgetter("delivery_regions"), offers))
    demand_categories = list(map(attrgetter("category"), demands))
    accepted = list(zip(demand_categories, map(attrgetter("substitutes"), demands)))
    delivery_sets = {regions: tuple(sorted(regions)) for regions in set(delivery)}
    accepted_sets = {pair: tuple(sorted(pair[1] | {pair[0]})) for pair in set(accepted)}
    categories, regions = Codes(), Codes()
    categories.add(offer.category for offer in offers)
    for members in accepted_sets.values():
        categories.add(members)
    regions.add(offer.producer_region for offer in offers)
    regions.add(demand.region for demand in demands)
    for members in delivery_sets.values():
        regions.add(members)
    categories.freeze(), regions.freeze()
    delivery_codes = _set_codes(delivery_sets, regions)
    accepted_codes = _set_codes(accepted_sets, categories)
    offer_columns = OfferColumns(
        _ids(offers, "offer"),
        categories.encode(list(map(attrgetter("category"), offers))),
        regions.encode(list(map(attrgetter("producer_region"), offers))),
        delivery_codes.encode(delivery),
        _days(list(map(attrgetter("available_from"), offers))),
        _integers(offers, "offer", "unit_price_cents", lowest=0),
        _integers(offers, "offer", "units", lowest=0),
    )
    demand_columns = DemandColumns(
        _ids(demands, "demand"),
        categories.encode(demand_categories),
        accepted_codes.encode(accepted),
        regions.encode(list(map(attrgetter("region"), demands))),
        _days(list(map(attrgetter("needed_by"), demands))),
        _integers(demands, "demand", "max_unit_price_cents", lowest=0),
        _integers(demands, "demand", "units", lowest=0),
        _integers(demands, "demand", "priority", lowest=1),
    )
    vocabulary = Vocabulary(categories.decoded(), regions.decoded(),
                            _set_table(delivery_codes, delivery_sets, regions),
                            _set_table(accepted_codes, accepted_sets, categories))
    return vocabulary, offer_columns, demand_columns


def _set_codes(sets, member_codes):
    """Code each set by its sorted members' codes, so that the set codes sort like the sets."""
    codes = Codes()
    by_members = {}
    for key, members in sets.items():
        by_members.setdefault(tuple(member_codes[m] for m in members), []).append(key)
    for code, members in enumerate(sorted(by_members)):
        for key in by_members[members]:
            codes[key] = code
    return codes


def _set_table(set_codes, sets, member_codes):
    count = max(set_codes.values(), default=-1) + 1
    longest = max((len(members) for members in sets.values()), default=0)
    table = np.full((count, longest), -1, dtype=np.int64)
    for key, members in sets.items():
        table[set_codes[key], :len(members)] = [member_codes[m] for m in members]
    return SetTable(table)


def _ids(rows, kind):
    ids = list(map(attrgetter("id"), rows))
    if len(set(ids)) != len(ids):
        raise ValueError(f"duplicate {kind} ids")
    return np.array(ids, dtype=np.int64)


def _integers(rows, kind, name, lowest):
    """Return one integer attribute of every row as a column, or raise ValueError naming the first bad row."""
    values = list(map(attrgetter(name), rows))
    column = np.asarray(values)  # int64 only when every value is an int (floats, None, huge ints are not)
    if column.dtype == np.int64 and (not len(column) or (column.min() >= lowest and column.max() < INTEGER_LIMIT)):
        return column
    for row, value in zip(rows, values):
        if not (isinstance(value, int) and lowest <= value < INTEGER_LIMIT):
            raise ValueError(f"{kind} {row.id}: {name} must be an integer from {lowest} to {INTEGER_LIMIT - 1}")
    return np.array(values, dtype=np.int64)  # bools or int subclasses, all in range


def _days(days):
    ordinals = {day: day.toordinal() for day in set(days)}
    return np.fromiter(map(ordinals.__getitem__, days), dtype=np.int64, count=len(days))


@dataclass
class Groups:
    """Rows the solver cannot tell apart, merged: groups in key order, members in id order."""

    members: np.ndarray  # row indices, group after group
    bounds: np.ndarray  # group g's members are members[bounds[g]:bounds[g + 1]]
    member_units: np.ndarray  # per member, in the order of members
    first: np.ndarray  # one row per group, whose key columns are the group's
    units: np.ndarray  # per group

    def __len__(self):
        return len(self.first)


def group_rows(keys, ids, units):
    """Group the rows whose key columns are all equal."""
    order = np.lexsort((ids, *reversed(keys)))
    new = np.zeros(len(order), dtype=bool)
    new[:1] = True
    for key in keys:
        ordered = key[order]
        new[1:] |= ordered[1:] != ordered[:-1]
    starts = np.flatnonzero(new)
    member_units = units[order]
    return Groups(order, np.append(starts, len(order)), member_units, order[starts],
                  np.add.reduceat(member_units, starts))


def group_offers(offers):
    return group_rows((offers.category, offers.producer_region, offers.delivery_set, offers.available_from,
                       offers.price), offers.ids, offers.units)


def group_demands(demands):
    return group_rows((demands.priority, demands.accepted_set, demands.region, demands.needed_by,
                       demands.ceiling), demands.ids, demands.units)


def markets(vocabulary, offers, demands):
    """Return (offer rows, demand rows) of each independent market, in family order; only markets with both."""
    family_of = _category_families(vocabulary.accepted_sets, len(vocabulary.categories))
    demand_family = family_of[demands.category]
    offer_family = family_of[offers.category]
    found = []
    for family in np.unique(demand_family):
        offer_rows = np.flatnonzero(offer_family == family)
        if len(offer_rows):
            found.append((offer_rows, np.flatnonzero(demand_family == family)))
    return found


def _category_families(accepted_sets, category_count):
    """Map every category code to its family: the smallest category code it is linked to (-1: none)."""
    parent = list(range(category_count))

    def root(code):
        while parent[code] != code:
            parent[code] = parent[parent[code]]
            code = parent[code]
        return code

    for members in accepted_sets.members:
        first, *others = members[members >= 0].tolist()
        for other in others:
            a, b = root(first), root(other)
            if a != b:
                parent[max(a, b)] = min(a, b)
    accepted = np.zeros(category_count, dtype=bool)
    accepted[accepted_sets.members[accepted_sets.members >= 0]] = True
    return np.array([root(code) if accepted[code] else -1 for code in range(category_count)], dtype=np.int64)
