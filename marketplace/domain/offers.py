"""The life of a stock listing (offer), and the parsing of prices typed by producers."""
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from functools import cache

from .errors import DomainError, N_
from .geography import regions


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
