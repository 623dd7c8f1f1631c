"""What a buyer's demand must respect: the lot size, a place, a price and a date.

The lot size: orders "of the order of 50,000 units" (the Economy ministry's note "Masques à
destination des entreprises", 24 April 2020); smaller needs go through pooled purchases.

Each rule runs only when the inputs it reads were typed correctly (they are in `data`), so a form
can show every refusal at once, next to the field it concerns.
"""
from enum import StrEnum

from .errors import DomainError, N_, has_inputs
from .geography import is_in_region
from .substitutes import check_substitutes


class DemandStatus(StrEnum):
    OPEN = "open"
    PARTIALLY_MATCHED = "partially_matched"
    FULFILLED = "fulfilled"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


LIVE_STATUSES = (DemandStatus.OPEN, DemandStatus.PARTIALLY_MATCHED)


def check_place_and_date(data, today, refusals):
    """Add to refusals a département outside the region, a price of nothing, or a date already past."""
    if has_inputs(data, "departement_code", "region_code") and not is_in_region(
        data["departement_code"], data["region_code"]
    ):
        refusals.errors.append(
            DomainError(N_("This département is not in the chosen region."), field="departement_code")
        )
    if has_inputs(data, "max_unit_price_cents") and data["max_unit_price_cents"] <= 0:
        refusals.errors.append(DomainError(N_("The price ceiling must be more than zero."), field="max_unit_price"))
    if has_inputs(data, "needed_by") and data["needed_by"] < today:
        refusals.errors.append(DomainError(N_("The date needed cannot be in the past."), field="needed_by"))


def check_demand(data, minimum, today, refusals):
    """Add to refusals every rule of a demand its inputs break: lot size, place, price, date, substitutes."""
    if has_inputs(data, "quantity") and data["quantity"] < minimum:
        refusals.errors.append(DomainError(
            N_("A demand is at least %(minimum)s units. Smaller needs go through a pooled purchase of your sector."),
            field="quantity", minimum=minimum,
        ))
    check_place_and_date(data, today, refusals)
    if has_inputs(data, "category", "accepted_substitutes"):
        with refusals.check():
            check_substitutes(data["category"], data["accepted_substitutes"])
