"""In a real browser: a matching run proposes an offer to a demand, both sides accept, both see the order."""
import re

import pytest
from playwright.sync_api import expect

from marketplace.extensions import db
from marketplace.models import Order
from marketplace.services.matching.runs import run_matching
from tests.factories import DemandFactory, OfferFactory, ProducerFactory, UserFactory
from tests.support.browser import log_in, log_out

pytestmark = pytest.mark.e2e


def test_buyer_and_producer_accept_a_matched_proposal_and_both_see_the_order(live_server, page):
    producer = ProducerFactory(organisation__name="Masques de Cornouaille", organisation__departement_code="29")
    # 100 000 FFP2 at 0,90 € HT (VAT 5.5 %), delivered in Bretagne.
    OfferFactory(certification__organisation=producer.organisation)
    buyer = UserFactory(organisation__name="Clinique du Blavet", organisation__departement_code="56")
    DemandFactory(organisation=buyer.organisation, created_by=buyer, quantity=50_000, max_unit_price_cents=90)
    run = run_matching("manual")
    assert run.status == "succeeded" and run.proposals_created == 1

    # The buyer finds the proposal in "Mes propositions" and accepts it.
    log_in(page, live_server, buyer)
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Mes propositions").click()
    row = page.get_by_role("row").filter(has_text="Masques de Cornouaille")
    expect(row).to_contain_text("50\u202f000")
    expect(row).to_contain_text("0,90\xa0€")
    expect(row).to_contain_text("En attente de votre réponse")
    row.get_by_role("link", name=re.compile(r"^N° \d+$")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Proposition n°")
    page.get_by_role("button", name="Accepter la proposition").click()
    expect(page.get_by_text("Vous avez accepté la proposition ; l’autre partie doit l’accepter aussi.")).to_be_visible()
    expect(page.get_by_text("Vous avez répondu ; en attente de l’autre partie.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Acceptée par vous, en attente du producteur")
    expect(page.get_by_role("button", name="Accepter la proposition")).to_have_count(0)
    log_out(page)

    # The producer opens its proposals and accepts too: the order is created, with its number.
    log_in(page, live_server, producer)
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Mes propositions").click()
    row = page.get_by_role("row").filter(has_text="Clinique du Blavet")
    expect(row).to_contain_text("50\u202f000")
    row.get_by_role("link", name=re.compile(r"^N° \d+$")).click()
    page.get_by_role("button", name="Accepter la proposition").click()
    confirmation = page.get_by_text(re.compile(r"Les deux parties ont accepté : la commande (CMD-\d{4}-\d{6}) est créée\."))
    expect(confirmation).to_be_visible()
    number = re.search(r"CMD-\d{4}-\d{6}", confirmation.inner_text()).group(0)
    assert number == db.session.scalars(db.select(Order.number)).one()
    expect(page.get_by_text("Acceptée : commande passée").first).to_be_visible()

    # The producer's orders list shows it.
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Mes propositions").click()
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Mes commandes").click()
    order_row = page.get_by_role("row").filter(has_text=number)
    expect(order_row).to_contain_text("Clinique du Blavet")
    expect(order_row).to_contain_text("45\u202f000,00\xa0€")
    log_out(page)

    # So does the buyer's, and the order page shows the totals excluding and including tax.
    log_in(page, live_server, buyer)
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Mes propositions").click()
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Mes commandes").click()
    order_row = page.get_by_role("row").filter(has_text=number)
    expect(order_row).to_contain_text("Masques de Cornouaille")
    order_row.get_by_role("link", name=number).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Commande {number}")
    footer = page.locator("tfoot")
    expect(footer.get_by_role("row").filter(has_text="Total HT")).to_contain_text("45\u202f000,00\xa0€")
    expect(footer.get_by_role("row").filter(has_text="TVA à 5,5")).to_contain_text("2\u202f475,00\xa0€")
    expect(footer.get_by_role("row").filter(has_text="Total TTC")).to_contain_text("47\u202f475,00\xa0€")


def test_a_producer_declines_every_proposal_of_the_page_at_once(live_server, page):
    producer = ProducerFactory(organisation__name="Masques de Cornouaille", organisation__departement_code="29")
    OfferFactory(certification__organisation=producer.organisation, quantity=200_000)
    buyer = UserFactory(organisation__name="Clinique du Blavet", organisation__departement_code="56")
    for _ in range(3):
        DemandFactory(organisation=buyer.organisation, created_by=buyer, quantity=50_000, max_unit_price_cents=90)
    assert run_matching("manual").proposals_created == 3

    # The producer keeps only the proposals awaiting its answer, ticks them all and declines them with a reason.
    log_in(page, live_server, producer)
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Mes propositions").click()
    page.get_by_role("link", name="En attente de ma réponse").click()
    page.get_by_label("Tout sélectionner sur cette page").check()
    for box in page.get_by_role("checkbox", name=re.compile(r"^Sélectionner la proposition n° \d+$")).all():
        expect(box).to_be_checked()
    page.get_by_label("Motif si vous déclinez").fill("Stock réservé à un autre client")
    page.get_by_role("button", name="Décliner les propositions sélectionnées").click()

    expect(page.get_by_text("3 propositions déclinées.")).to_be_visible()
    expect(page.get_by_text("Aucune proposition n’attend votre réponse.")).to_be_visible()
    page.get_by_role("link", name="Toutes mes propositions").click()
    expect(page.get_by_role("row").filter(has_text="Clinique du Blavet").filter(has_text="Déclinée")).to_have_count(3)
