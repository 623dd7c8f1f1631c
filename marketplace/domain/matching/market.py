"""What the matcher reads and writes: offers, demands and allocations as plain frozen values."""
from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple


class Offer(NamedTuple):
    """An offer's stock still unreserved.

    Offers, demands and allocations are named tuples rather than frozen dataclasses: a national run
    reads some 300,000 of them and builds some 200,000 allocations, and a frozen dataclass's
    __init__ costs one object.__setattr__ call per field.
    """

    id: int
    category: str
    producer_region: str
    delivery_regions: frozenset
    available_from: date
    unit_price_cents: int  # excluding tax
    units: int  # still unreserved


class Demand(NamedTuple):
    """A demand's units still unserved."""

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
    """One offer's units given to one demand."""

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
    allocations: tuple  # by offer id, then demand id
    summary: MatchSummary
    # The same allocations, one tuple per independent market (no offer or demand is in two), each
    # by offer id then demand id: they can be written in separate transactions.
    markets: tuple = ()


def is_compatible(offer, demand):
    """Tell whether an offer may serve a demand: category, region, date and price."""
    return (
        offer.category in demand.accepted_categories
        and demand.region in offer.delivery_regions
        and offer.available_from <= demand.needed_by
        and offer.unit_price_cents <= demand.max_unit_price_cents
    )
