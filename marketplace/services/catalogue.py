"""The public catalogue of approved offers: filtered, sorted, paginated by keyset (no counting)."""
from dataclasses import dataclass

from sqlalchemy import or_, select, true, tuple_
from sqlalchemy.orm import joinedload

from .. import clock
from ..domain.geography import regions
from ..domain.masks import Category
from ..domain.offers import region_bits
from ..extensions import db
from ..models import Offer

PAGE_SIZE = 20
# Each sort: the column ordered on (None: the id alone) and whether it descends.
SORTS = {
    "price": (Offer.unit_price_cents, False),
    "-price": (Offer.unit_price_cents, True),
    "-quantity": (Offer.remaining_quantity, True),
    "newest": (None, True),
}
DEFAULT_SORT = "price"


@dataclass
class CatalogueQuery:
    category: str | None = None
    region: str | None = None
    min_quantity: int | None = None
    max_price_cents: int | None = None
    sort: str = DEFAULT_SORT

    def __post_init__(self):
        self.category = self.category if self.category in Category.__members__.values() else None
        self.region = self.region if self.region in regions() else None
        self.sort = self.sort if self.sort in SORTS else DEFAULT_SORT


@dataclass
class CataloguePage:
    offers: list
    next_cursor: str | None
    prev_cursor: str | None


def _conditions(query, today):
    # `listed = true`, not `IS TRUE`: PostgreSQL only uses an index for the former.
    conditions = [Offer.listed == true(), or_(Offer.expires_on.is_(None), Offer.expires_on >= today)]
    if query.category:
        conditions.append(Offer.category == query.category)
    if query.region:
        conditions.append(Offer.delivery_mask.op("&")(region_bits()[query.region]) != 0)
    if query.min_quantity:
        conditions.append(Offer.remaining_quantity >= query.min_quantity)
    if query.max_price_cents:
        conditions.append(Offer.unit_price_cents <= query.max_price_cents)
    return conditions


def _cursor_of(offer, column):
    return str(offer.id) if column is None else f"{getattr(offer, column.key)}_{offer.id}"


def _parse_cursor(raw, column):
    try:
        parts = [int(part) for part in raw.split("_")]
    except (AttributeError, ValueError):
        return None
    return parts if len(parts) == (1 if column is None else 2) else None


def catalogue_page(query, after=None, before=None, today=None, per_page=PAGE_SIZE):
    """Return the page of listed offers after (or before) a cursor, in the query's order."""
    column, descending = SORTS[query.sort]
    key = Offer.id if column is None else tuple_(column, Offer.id)
    cursor_raw, backwards = (before, True) if before else (after, False)
    cursor = _parse_cursor(cursor_raw, column) if cursor_raw else None
    statement = select(Offer).where(*_conditions(query, today or clock.today()))
    if cursor is not None:
        bound = cursor[0] if column is None else tuple_(*cursor)
        statement = statement.where(key < bound if descending != backwards else key > bound)
    order_desc = descending != backwards
    keys = [Offer.id] if column is None else [column, Offer.id]
    statement = statement.order_by(*[k.desc() if order_desc else k.asc() for k in keys])
    statement = statement.options(joinedload(Offer.organisation)).limit(per_page + 1)
    offers = list(db.session.scalars(statement).unique())
    more = len(offers) > per_page
    offers = offers[:per_page]
    if backwards:
        offers.reverse()
    has_next = (more and not backwards) or (backwards and cursor is not None)
    has_prev = (more and backwards) or (not backwards and cursor is not None)
    return CataloguePage(
        offers=offers,
        next_cursor=_cursor_of(offers[-1], column) if offers and has_next else None,
        prev_cursor=_cursor_of(offers[0], column) if offers and has_prev else None,
    )
