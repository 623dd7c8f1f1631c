"""The bulk reads of a matching run: listed offers and live demands, as the solver's values."""
import json

from sqlalchemy import Text, cast, select, true

from ...domain.demands import LIVE_STATUSES
from ...domain.geography import regions
from ...domain.masks import is_authorised_on
from ...domain.matching import Demand as DemandValue
from ...domain.matching import Offer as OfferValue
from ...domain.offers import LISTABLE
from ...extensions import db
from ...models import Demand, Offer, OfferRegion
from ..session_cursor import session_cursor


def _rows(statement):
    """Return a SELECT's rows as plain tuples.

    On PostgreSQL straight from the session's psycopg cursor (same transaction): a national run reads
    hundreds of thousands of rows, and SQLAlchemy's per-row result processing would cost more than the
    query itself. Elsewhere (the embedded SQLite default) through the session.
    """
    connection = db.session.connection()
    if connection.dialect.name != "postgresql":
        return db.session.execute(statement).all()
    compiled = statement.compile(dialect=connection.dialect, compile_kwargs={"render_postcompile": True})
    with session_cursor() as cursor:
        cursor.execute(str(compiled), compiled.params)
        return cursor.fetchall()


def load_offers(today):
    """Return the listed offers still in stock as matcher values, and what proposals copy from them.

    What proposals copy is a tuple (organisation_id, vat_rate_bp, available_from) per offer id.
    """
    live = (Offer.listed == true(), Offer.status.in_(tuple(LISTABLE)), Offer.remaining_quantity > 0,
            (Offer.expires_on.is_(None)) | (Offer.expires_on >= today))
    rows = _rows(
        select(Offer.id, Offer.organisation_id, Offer.category, Offer.region_code, Offer.delivers_everywhere,
               Offer.available_from, Offer.unit_price_cents, Offer.remaining_quantity, Offer.vat_rate_bp)
        .where(*live)
    )
    delivered = {}
    for offer_id, code in _rows(
        select(OfferRegion.offer_id, OfferRegion.region_code).join(Offer, Offer.id == OfferRegion.offer_id).where(*live)
    ):
        delivered.setdefault(offer_id, []).append(code)
    everywhere = frozenset(regions())
    nowhere = frozenset()
    region_sets = {}  # one frozenset per distinct delivery set: built once, and its hash computed once
    authorised = {}  # (category, day) -> still authorised
    values, info = [], {}
    for offer_id, organisation_id, category, region, anywhere, available_from, price, units, vat in rows:
        # A foreign equivalent must still be authorised on the earliest day it could be delivered.
        day = available_from if available_from > today else today
        allowed = authorised.get((category, day))
        if allowed is None:
            allowed = authorised[(category, day)] = is_authorised_on(category, day)
        if not allowed:
            continue
        if anywhere:
            where = everywhere
        else:
            codes = delivered.get(offer_id)
            if codes is None:
                where = nowhere
            else:
                key = tuple(sorted(codes))
                where = region_sets.get(key)
                if where is None:
                    where = region_sets[key] = frozenset(key)
        values.append(OfferValue(offer_id, category, region, where, available_from, price, units))
        info[offer_id] = (organisation_id, vat, available_from)
    return values, info


def load_demands(today):
    """Return the live demands with units still unreserved as matcher values, and what proposals copy.

    What proposals copy is a tuple (organisation_id, category, max_unit_price_cents, needed_by, updated_at)
    per demand id; updated_at is the stamp its reservation checks.
    """
    unreserved = Demand.quantity - Demand.matched_quantity - Demand.reserved_quantity
    rows = _rows(
        # The substitutes as their JSON text: few distinct lists, each parsed once below.
        select(Demand.id, Demand.organisation_id, Demand.category, cast(Demand.accepted_substitutes, Text),
               Demand.region_code, Demand.needed_by, Demand.max_unit_price_cents, Demand.priority_rank,
               Demand.updated_at, unreserved)
        .where(Demand.status.in_(tuple(LIVE_STATUSES)), Demand.needed_by >= today, unreserved > 0)
    )
    substitute_sets = {}
    values, info = [], {}
    for demand_id, organisation_id, category, substitutes, region, needed_by, ceiling, rank, stamp, units in rows:
        accepted = substitute_sets.get(substitutes)
        if accepted is None:
            accepted = substitute_sets[substitutes] = frozenset(json.loads(substitutes) or () if substitutes else ())
        values.append(DemandValue(demand_id, category, region, needed_by, ceiling, units, rank, accepted))
        info[demand_id] = (organisation_id, category, ceiling, needed_by, stamp)
    return values, info
