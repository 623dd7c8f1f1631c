"""A producer's offers in the pages: the offer form filled in right, certified producers, the CSV import."""
from io import BytesIO

from marketplace.extensions import db
from marketplace.models import Offer
from marketplace.services.reservations import reserve
from tests.factories import CertificationFactory, OfferFactory, ProducerFactory

OFFER = {
    "category": "FFP2",
    "quantity": "100000",
    "unit_price": "0,90",
    "delivery_scope": "own",
    "available_from": "2020-05-04",
    "expires_on": "",
}

IMPORT_HEADER = "category;quantity;unit_price;regions;available_from;expires_on\n"


def producer_with(category="FFP2", status="verified", exhalation_valve=False):
    """Return a producer holding one certification of that category."""
    producer = ProducerFactory()
    CertificationFactory(organisation=producer.organisation, category=category, status=status, exhalation_valve=exhalation_valve)
    return producer


def only_offer():
    return db.session.scalars(db.select(Offer)).one()


def offers_count():
    return db.session.scalar(db.select(db.func.count()).select_from(Offer))


def approved_offer_of(producer, **fields):
    certification = db.session.scalars(db.select(CertificationFactory._meta.model)).first()
    return OfferFactory(certification=certification, **fields)


def edit(client, offer, **changes):
    """Post the offer's edit form: OFFER delivered in Bretagne, with changes."""
    data = {**OFFER, "delivery_scope": "several", "regions": ["53"], **changes}
    return client.post(f"/producers-area/offers/{offer.id}/edit", data=data)


def producer_with_allocated_offer(units):
    """A producer and its approved offer of 100,000 units, `units` of them already allocated."""
    producer = producer_with()
    offer = approved_offer_of(producer)
    reserve([(offer.id, units)], [])
    db.session.commit()
    return producer, offer


def certified_producer(login):
    """Log in a producer certified for FFP2 and UNS1 masks; return it."""
    producer = ProducerFactory()
    CertificationFactory(organisation=producer.organisation, category="FFP2")
    CertificationFactory(organisation=producer.organisation, category="UNS1")
    login(producer)
    return producer


def upload(client, text):
    """Post text as the CSV file of the offers import."""
    return client.post(
        "/producers-area/offers/import",
        data={"file": (BytesIO(text.encode()), "offres.csv")},
        content_type="multipart/form-data",
    )
