"""What the matcher reads and writes: offers, demands and allocations as plain frozen values.

Also the two reductions that keep the solver small: offers (or demands) identical for the solver
are merged into one group, and categories linked by a demand's accepted substitutes form one
independent market.
"""
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from operator import attrgetter, itemgetter
from typing import NamedTuple


@dataclass(frozen=True)
class Offer:
    id: int
    category: str
    producer_region: str
    delivery_regions: frozenset
    available_from: date
    unit_price_cents: int  # excluding tax
    units: int  # still unreserved


@dataclass(frozen=True)
class Demand:
    id: int
    category: str  # the one asked for
    region: str
    needed_by: date
    max_unit_price_cents: int  # excluding tax
    units: int  # still unserved
    priority: int  # 1 is served first
    substitutes: frozenset = frozenset()  # only those the buyer opted in to

    @property
    def accepted_categories(self):
        """Return the asked category and its opted-in substitutes."""
        return self.substitutes | {self.category}


class Allocation(NamedTuple):
    """One offer's units given to one demand.

    A named tuple rather than a frozen dataclass: a national run builds some 200,000 of them, and
    a frozen dataclass's __init__ costs one object.__setattr__ call per field.
    """

    offer_id: int
    demand_id: int
    units: int
    unit_price_cents: int
    category: str
    region: str  # the demand's
    own_region: bool  # the producer is located in the demand's region
    priority: int


@dataclass(frozen=True)
class MatchSummary:
    units_offered: int
    units_demanded: int
    units_matched: int
    matched_by_priority: dict  # priority -> units
    demanded_by_priority: dict
    own_region_units: int
    total_price_cents: int
    unmatched_by_category_region: dict = field(default_factory=dict)  # (asked category, region) -> units


@dataclass(frozen=True)
class MatchResult:
    allocations: tuple
    summary: MatchSummary


def is_compatible(offer, demand):
    """Tell whether an offer may serve a demand: category, region, date and price."""
    return (
        offer.category in demand.accepted_categories
        and demand.region in offer.delivery_regions
        and offer.available_from <= demand.needed_by
        and offer.unit_price_cents <= demand.max_unit_price_cents
    )


def check_inputs(offers, demands):
    """Refuse inputs the solver cannot honour: duplicate ids, negative or non-integer quantities."""
    for kind, rows in (("offer", offers), ("demand", demands)):
        ids = [row.id for row in rows]
        if len(set(ids)) != len(ids):
            raise ValueError(f"duplicate {kind} ids")
        for row in rows:
            if not isinstance(row.units, int) or row.units < 0:
                raise ValueError(f"{kind} {row.id}: units must be a non-negative integer")
    for offer in offers:
        if not isinstance(offer.unit_price_cents, int) or offer.unit_price_cents < 0:
            raise ValueError(f"offer {offer.id}: price must be a non-negative integer of cents")
    for demand in demands:
        if not isinstance(demand.priority, int) or demand.priority < 1:
            raise ValueError(f"demand {demand.id}: priority must be an integer >= 1")


@dataclass
class OfferGroup:
    """Offers the solver cannot tell apart, in id order."""

    category: str
    producer_region: str
    delivery_regions: tuple
    available_from: date
    unit_price_cents: int
    members: list
    units: int = 0


@dataclass
class DemandGroup:
    """Demands the solver cannot tell apart, in id order."""

    priority: int
    categories: tuple
    region: str
    needed_by: date
    max_unit_price_cents: int
    members: list
    units: int = 0


def group_offers(offers):
    """Merge offers identical for the solver; groups and members come out in canonical order."""
    sorted_regions = _SortedOnce()
    groups = {}
    for offer in sorted(offers, key=attrgetter("id")):
        key = (offer.category, offer.producer_region, sorted_regions[offer.delivery_regions],
               offer.available_from, offer.unit_price_cents)
        group = groups.get(key)
        if group is None:
            group = groups[key] = OfferGroup(*key, members=[])
        group.members.append(offer)
        group.units += offer.units
    return _in_key_order(groups)


def group_demands(demands):
    """Merge demands identical for the solver; groups and members come out in canonical order."""
    accepted = _AcceptedCategories()
    groups = {}
    for demand in sorted(demands, key=attrgetter("id")):
        key = (demand.priority, accepted[demand.category, demand.substitutes], demand.region,
               demand.needed_by, demand.max_unit_price_cents)
        group = groups.get(key)
        if group is None:
            group = groups[key] = DemandGroup(*key, members=[])
        group.members.append(demand)
        group.units += demand.units
    return _in_key_order(groups)


def _in_key_order(groups):
    # Keys are unique: sorting the items by key gives the order of sorted(groups) without
    # hashing and looking up each key again.
    return [group for _, group in sorted(groups.items(), key=itemgetter(0))]


def independent_markets(offers, demands):
    """Split offers and demands into markets no allocation can cross (linked categories)."""
    family_of = _category_families(demands)
    markets = defaultdict(lambda: ([], []))
    for demand in demands:
        markets[family_of[demand.category]][1].append(demand)
    for offer in offers:
        family = family_of.get(offer.category)
        if family is not None:
            markets[family][0].append(offer)
    return [markets[key] for key in sorted(markets) if markets[key][0] and markets[key][1]]


def _category_families(demands):
    """Map every category some demand accepts to its family: the smallest category it is linked to.

    Union-find over the distinct accepted sets only: a national market has a few dozen of them
    for hundreds of thousands of demands.
    """
    parent = {}

    def root(category):
        parent.setdefault(category, category)
        while parent[category] != category:
            parent[category] = parent[parent[category]]
            category = parent[category]
        return category

    for category, substitutes in {(demand.category, demand.substitutes) for demand in demands}:
        first, *others = sorted(substitutes | {category})
        root(first)
        for other in others:
            a, b = root(first), root(other)
            if a != b:
                parent[max(a, b)] = min(a, b)
    return {category: root(category) for category in parent}


class _SortedOnce(dict):
    """Frozen set -> its elements as a sorted tuple, each distinct set sorted once."""

    def __missing__(self, elements):
        self[elements] = sorted_elements = tuple(sorted(elements))
        return sorted_elements


class _AcceptedCategories(dict):
    """(asked category, substitutes) -> the demand's accepted categories as a sorted tuple.

    Computed once per distinct pair: `Demand.accepted_categories` builds a new set on every call.
    """

    def __missing__(self, pair):
        category, substitutes = pair
        self[pair] = accepted = tuple(sorted(substitutes | {category}))
        return accepted
