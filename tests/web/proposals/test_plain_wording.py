"""Proposal pages, the catalogue and the order mail speak plain French."""
from datetime import timedelta

from babel.dates import format_date
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.models import Order, Proposal
from marketplace.services import proposals
from marketplace.services.matching.runs import run_matching
from tests.factories import DemandFactory, OfferFactory, ProducerFactory, UserFactory


def matched():
    producer = ProducerFactory()
    OfferFactory(certification__organisation=producer.organisation, quantity=80_000)
    buyer = UserFactory()
    DemandFactory(organisation=buyer.organisation, created_by=buyer, quantity=50_000, priority_rank=3)
    run_matching("manual")
    return db.session.scalars(select(Proposal)).one(), producer, buyer


def test_a_proposal_says_why_in_words(app, client, login):
    proposal, producer, buyer = matched()
    login(buyer)
    page = client.get(f"/buyers/proposals/{proposal.id}").get_data(as_text=True)
    assert "rapprochement automatique des offres et des demandes" in page
    assert "Priorité de la demande : Autres entreprises." in page
    assert "classe de priorité" not in page


def test_the_order_mail_is_excluding_tax_links_to_the_order_and_spaces_its_colons(app, outbox):
    proposal, producer, buyer = matched()
    proposals.accept_proposal(buyer, proposal.id)
    proposals.accept_proposal(producer, proposal.id)
    order = db.session.scalars(select(Order)).one()
    mail = next(m for m in outbox.to(buyer.email) if order.number in outbox.text(m))
    text = outbox.text(mail)
    assert f"La commande {order.number} est confirmée : 50\u202f000 masques FFP2 pour 45\u202f000,00\u00a0€ HT." in text
    assert "Acheteur : " in text and "Producteur : " in text and "Acheteur:" not in text
    link = next(line for line in text.splitlines() if line.startswith("Voir la commande : http"))
    assert link.endswith(f"/orders/{order.id}")
    assert "/proposals/" not in text


def test_the_catalogue_uses_one_word_for_delivery_and_one_date_format(client, clock):
    first_of_next_month = (clock.today().replace(day=1) + timedelta(days=32)).replace(day=1)
    available_from = first_of_next_month - timedelta(days=8)
    OfferFactory(quantity=80_000, available_from=available_from, expires_on=first_of_next_month)
    page = client.get("/catalogue").get_data(as_text=True)
    assert page.count("Livré en") == 2 and "Livre en" not in page
    # Full month names, and French's "1er" for the first of a month
    assert format_date(available_from, "d MMMM y", locale="fr") in page
    assert "1er " + format_date(first_of_next_month, "MMMM y", locale="fr") in page
    abbreviated = format_date(available_from, "MMM y", locale="fr")  # "nov. 2026"; "mai 2027" is not abbreviated
    assert abbreviated == format_date(available_from, "MMMM y", locale="fr") or abbreviated not in page
