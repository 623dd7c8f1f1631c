import pytest
from sqlalchemy.exc import IntegrityError

from marketplace.domain.errors import DomainError
from marketplace.extensions import db
from marketplace.models import Offer
from marketplace.services import offers
from marketplace.services.reservations import StockChanged, reserve
from tests.factories import AdminFactory, OfferFactory, ProducerFactory

pytestmark = pytest.mark.usefixtures("app")

EDIT = {"category": "FFP2", "quantity": 100_000, "unit_price_cents": 90, "delivery_scope": "own",
        "available_from": None, "expires_on": None}


def test_reserving_takes_units_until_the_offer_is_sold_out():
    offer = OfferFactory(quantity=1000)
    reserve([(offer.id, 400)], [])
    db.session.commit()
    assert (offer.status, offer.allocated_quantity, offer.remaining_quantity, offer.listed) == ("partially_allocated", 400, 600, True)
    reserve([(offer.id, 600)], [])
    db.session.commit()
    assert (offer.status, offer.remaining_quantity, offer.listed) == ("sold_out", 0, False)


def test_reserving_beyond_the_remaining_stock_is_refused():
    offer = OfferFactory(quantity=1000)
    with pytest.raises(StockChanged):
        reserve([(offer.id, 1001)], [])


def test_an_unapproved_offer_cannot_be_reserved():
    offer = OfferFactory(status="submitted")
    with pytest.raises(StockChanged):
        reserve([(offer.id, 1)], [])


def test_the_database_refuses_negative_remaining_stock():
    offer = OfferFactory(quantity=1000)
    offer.remaining_quantity = -1
    offer.allocated_quantity = 1001
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_raising_the_quantity_of_a_sold_out_offer_lists_it_again(app):
    offer = OfferFactory(quantity=1000)
    reserve([(offer.id, 1000)], [])
    db.session.commit()
    producer = ProducerFactory(organisation=offer.organisation)
    with app.test_request_context():
        offers.update_offer(producer, offer, {**EDIT, "quantity": 3000, "available_from": offer.available_from,
                                              "delivery_scope": "several", "regions": ["53"]})
    assert (offer.status, offer.remaining_quantity, offer.listed) == ("partially_allocated", 2000, True)


def test_an_admin_of_another_region_cannot_decide_even_through_the_service(app):
    offer = OfferFactory(status="submitted")
    with app.test_request_context(), pytest.raises(DomainError) as caught:
        offers.approve_offer(AdminFactory(admin_region_code="76"), offer)
    assert caught.value.code == "forbidden"
    assert db.session.get(Offer, offer.id).status == "submitted"
