"""What the matcher reads and writes: offers, demands and allocations as plain frozen values.

Also the two reductions that keep the solver small: offers (or demands) identical for the solver
are merged into one group, and categories linked by a demand's accepted substitutes form one
independent market.
"""
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date


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


@dataclass(frozen=True)
class Allocation:
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
    groups = {}
    for offer in sorted(offers, key=lambda o: o.id):
        key = (offer.category, offer.producer_region, tuple(sorted(offer.delivery_regions)),
               offer.available_from, offer.unit_price_cents)
        group = groups.get(key) or groups.setdefault(key, OfferGroup(*key, members=[]))
        group.members.append(offer)
        group.units += offer.units
    return [groups[key] for key in sorted(groups)]


def group_demands(demands):
    """Merge demands identical for the solver; groups and members come out in canonical order."""
    groups = {}
    for demand in sorted(demands, key=lambda d: d.id):
        key = (demand.priority, tuple(sorted(demand.accepted_categories)), demand.region,
               demand.needed_by, demand.max_unit_price_cents)
        group = groups.get(key) or groups.setdefault(key, DemandGroup(*key, members=[]))
        group.members.append(demand)
        group.units += demand.units
    return [groups[key] for key in sorted(groups)]


def independent_markets(offers, demands):
    """Split offers and demands into markets no allocation can cross (linked categories)."""
    parent = {}

    def root(category):
        parent.setdefault(category, category)
        while parent[category] != category:
            parent[category] = parent[parent[category]]
            category = parent[category]
        return category

    for demand in demands:
        first, *others = sorted(demand.accepted_categories)
        root(first)
        for other in others:
            a, b = root(first), root(other)
            if a != b:
                parent[max(a, b)] = min(a, b)
    markets = defaultdict(lambda: ([], []))
    for demand in demands:
        markets[root(demand.category)][1].append(demand)
    for offer in offers:
        if offer.category in parent:
            markets[root(offer.category)][0].append(offer)
    return [markets[key] for key in sorted(markets) if markets[key][0] and markets[key][1]]
