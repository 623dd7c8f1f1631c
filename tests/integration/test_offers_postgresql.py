"""The catalogue and the offers' stock constraints on the real PostgreSQL."""
import pytest
from sqlalchemy.exc import IntegrityError

from marketplace.extensions import db
from marketplace.services.catalogue import CatalogueQuery, catalogue_page
from marketplace.services.reservations import reserve
from tests.factories import CertificationFactory, OfferFactory

pytestmark = pytest.mark.integration


def test_the_catalogue_filters_sorts_and_pages_on_postgresql(pg_app):
    certification = CertificationFactory()
    for cents in range(100, 130):
        OfferFactory(certification=certification, unit_price_cents=cents, delivers_everywhere=cents % 2 == 0)
    query = CatalogueQuery(category="FFP2", region="76", sort="-price")
    first = catalogue_page(query, per_page=10)
    assert [o.unit_price_cents for o in first.offers] == list(range(128, 98, -2))[:10]
    second = catalogue_page(query, after=first.next_cursor, per_page=10)
    assert [o.unit_price_cents for o in second.offers] == [108, 106, 104, 102, 100]
    assert second.next_cursor is None
    back = catalogue_page(query, before=second.prev_cursor, per_page=10)
    assert [o.unit_price_cents for o in back.offers] == [o.unit_price_cents for o in first.offers]


def test_postgresql_refuses_negative_remaining_stock(pg_app):
    offer = OfferFactory(quantity=10)
    offer.allocated_quantity, offer.remaining_quantity = 11, -1
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_reserving_every_unit_sells_the_offer_out_on_postgresql(pg_app):
    offer = OfferFactory(quantity=10)
    reserve([(offer.id, 10)], [])
    db.session.commit()
    db.session.refresh(offer)
    assert (offer.status, offer.remaining_quantity) == ("sold_out", 0)
