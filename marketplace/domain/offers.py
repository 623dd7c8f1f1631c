"""The life of a stock listing (offer), the rules its terms respect, and the parsing of prices typed by producers.

Each rule runs only when the inputs it reads were typed correctly (they are in `data`), so a form
can show every refusal at once, next to the field it concerns.
"""
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from functools import cache

from .errors import DomainError, N_, has_inputs
from .geography import regions
from .masks import CATEGORIES, Category, is_authorised_on


class OfferStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    REJECTED = "rejected"
    PARTIALLY_ALLOCATED = "partially_allocated"
    SOLD_OUT = "sold_out"
    WITHDRAWN = "withdrawn"


# Offers buyers can see and be allocated from.
LISTABLE = frozenset({OfferStatus.APPROVED, OfferStatus.PARTIALLY_ALLOCATED})
# Offers whose unallocated stock the producer may still withdraw.
WITHDRAWABLE = frozenset(
    {OfferStatus.DRAFT, OfferStatus.SUBMITTED, OfferStatus.APPROVED, OfferStatus.REJECTED, OfferStatus.PARTIALLY_ALLOCATED}
)
EDITABLE = WITHDRAWABLE | {OfferStatus.SOLD_OUT}
SUBMITTABLE = frozenset({OfferStatus.DRAFT, OfferStatus.REJECTED})
# Changing one of these on a listed offer sends it back to moderation; the quantity does not.
MODERATED_FIELDS = ("unit_price_cents", "category", "delivery_regions")

MAX_PRICE_CENTS = 100_000  # €1,000 a mask: anything above is a typing error
MAX_QUANTITY = 100_000_000


@cache
def region_bits():
    """Return one bit per region (in official code order), for the offers' delivery mask."""
    return {code: 1 << index for index, code in enumerate(regions())}


def delivery_mask(codes):
    """Return the bit mask of the regions delivered to; None (all of France) sets every bit."""
    bits = region_bits()
    return sum(bits.values()) if codes is None else sum(bits[code] for code in set(codes))


def parse_price_cents(raw):
    """Turn a price in euros typed as '0,95' or '0.95' into integer cents."""
    text = (raw or "").strip().replace("\u202f", "").replace(" ", "").replace("€", "").replace(",", ".")
    try:
        euros = Decimal(text)
    except InvalidOperation:
        raise DomainError(N_("Enter a price in euros, such as 0.95."), field="unit_price")
    cents = euros * 100
    if cents != cents.to_integral_value():
        raise DomainError(N_("A price has at most two decimals."), field="unit_price")
    if not 0 < cents <= MAX_PRICE_CENTS:
        raise DomainError(N_("The price must be above zero and at most 1 000 €."), field="unit_price")
    return int(cents)


def status_after_allocation(quantity, allocated):
    """Return the status of a listed offer once `allocated` of its `quantity` units are taken."""
    if allocated == 0:
        return OfferStatus.APPROVED
    return OfferStatus.SOLD_OUT if allocated >= quantity else OfferStatus.PARTIALLY_ALLOCATED


def _check_dates(data, today, refusals):
    available_from, expires_on = data.get("available_from"), data.get("expires_on")
    if expires_on is not None and available_from is not None and expires_on < available_from:
        refusals.errors.append(DomainError(N_("The offer cannot expire before it is available."), field="expires_on"))
    elif expires_on is not None and expires_on < today:
        refusals.errors.append(DomainError(N_("This expiry date is already past."), field="expires_on"))
    category = Category(data["category"]) if has_inputs(data, "category") else None
    if category is not None and available_from is not None and not is_authorised_on(category, available_from):
        refusals.errors.append(DomainError(
            N_("%(category)s masks may only be imported and used until %(date)s."), field="available_from",
            category=category, date=CATEGORIES[category].valid_until,
        ))


def check_offer(data, today, refusals, allocated=0):
    """Add to refusals every rule of an offer its inputs break: quantity (never below what is allocated), dates."""
    if has_inputs(data, "quantity"):
        quantity = data["quantity"]
        if not 0 < quantity <= MAX_QUANTITY:
            refusals.errors.append(
                DomainError(N_("The quantity must be a whole number of units above zero."), field="quantity")
            )
        elif quantity < allocated:
            refusals.errors.append(DomainError(
                N_("The quantity cannot go below the %(allocated)s units already allocated."),
                field="quantity", allocated=allocated,
            ))
    _check_dates(data, today, refusals)
