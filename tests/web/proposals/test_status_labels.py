"""A pending proposal says, from the reader's side, whose answer it waits for: in the lists and on its page."""
import re
from html import unescape

import pytest
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.models import Proposal
from marketplace.services import proposals
from marketplace.services.matching.runs import run_matching
from tests.factories import AdminFactory, DemandFactory, OfferFactory, ProducerFactory, UserFactory

PAGES = {"buyer": ("/buyers/proposals", "/buyers/proposals/{id}"),
         "producer": ("/producers-area/proposals", "/producers-area/proposals/{id}")}


@pytest.fixture
def matched(app):
    producer = ProducerFactory()
    OfferFactory(certification__organisation=producer.organisation, quantity=80_000)
    buyer = UserFactory()
    DemandFactory(organisation=buyer.organisation, created_by=buyer, quantity=50_000)  # region 53, as the admin's
    run_matching("manual")
    return db.session.scalars(select(Proposal)).one(), producer, buyer


def badge(html):
    """The text of the first status badge of a page or a fragment, as a reader sees it."""
    found = re.search(r'<span class="badge[^"]*">(.*?)</span>', html, re.S)
    return unescape(found.group(1)).strip() if found else None


def row_of(html, proposal):
    """The table row linking to that proposal."""
    return next(row for row in re.findall(r"<tr>.*?</tr>", html, re.S) if f"/proposals/{proposal.id}\"" in row)


def seen_by(client, side, proposal):
    """The status a side reads in its list and on the proposal's page."""
    list_url, page_url = PAGES[side]
    listed = badge(row_of(client.get(list_url).get_data(as_text=True), proposal))
    shown = badge(client.get(page_url.format(id=proposal.id)).get_data(as_text=True).split("<h1")[1])
    return listed, shown


def seen_by_both(client, login, proposal, producer, buyer):
    """What the producer, then the buyer, reads: each as (in the list, on the proposal's page)."""
    seen = []
    for user, side in ((producer, "producer"), (buyer, "buyer")):
        login(user)
        seen.append(seen_by(client, side, proposal))
        client.post("/auth/logout")
    return tuple(seen)


def everywhere(label):
    return (label, label)


def test_a_producer_who_accepted_waits_for_the_buyer_and_the_buyer_is_asked_for_its_answer(matched, client, login):
    proposal, producer, buyer = matched
    proposals.accept_proposal(producer, proposal.id)
    assert seen_by_both(client, login, proposal, producer, buyer) == (
        everywhere("Acceptée par vous, en attente de l’acheteur"), everywhere("En attente de votre réponse"))


def test_a_buyer_who_accepted_waits_for_the_producer_and_the_producer_is_asked_for_its_answer(matched, client, login):
    proposal, producer, buyer = matched
    proposals.accept_proposal(buyer, proposal.id)
    assert seen_by_both(client, login, proposal, producer, buyer) == (
        everywhere("En attente de votre réponse"), everywhere("Acceptée par vous, en attente du producteur"))


def test_nobody_answered_yet_both_sides_are_asked(matched, client, login):
    proposal, producer, buyer = matched
    assert seen_by_both(client, login, proposal, producer, buyer) == (
        everywhere("En attente de votre réponse"), everywhere("En attente de votre réponse"))


def test_the_buyers_demand_page_shows_the_buyers_side(matched, client, login):
    proposal, producer, buyer = matched
    proposals.accept_proposal(buyer, proposal.id)
    login(buyer)
    page = client.get(f"/buyers/demands/{proposal.demand_id}").get_data(as_text=True)
    assert badge(row_of(page, proposal)) == "Acceptée par vous, en attente du producteur"


def test_in_english_too(matched, client, login):
    proposal, producer, buyer = matched
    producer.locale = "en"
    buyer.locale = "en"
    db.session.commit()
    proposals.accept_proposal(producer, proposal.id)
    assert seen_by_both(client, login, proposal, producer, buyer) == (
        everywhere("Accepted by you, waiting for the buyer"), everywhere("Waiting for your answer"))


def test_administrators_read_which_side_accepted(matched, client, login):
    proposal, producer, buyer = matched
    login(AdminFactory(admin_region_code="53"))
    page = client.get(f"/admin/proposals/{proposal.id}").get_data(as_text=True).split("<h1")[1]
    assert badge(page) == "En attente de réponses"
    proposals.accept_proposal(producer, proposal.id)
    assert badge(row_of(client.get("/admin/proposals").get_data(as_text=True), proposal)) == (
        "Acceptée par le producteur, en attente de l’acheteur")
    page = client.get(f"/admin/proposals/{proposal.id}").get_data(as_text=True).split("<h1")[1]
    assert badge(page) == "Acceptée par le producteur, en attente de l’acheteur"


def test_closed_proposals_keep_their_labels(matched, client, login):
    proposal, producer, buyer = matched
    proposals.accept_proposal(producer, proposal.id)
    proposals.accept_proposal(buyer, proposal.id)
    assert seen_by_both(client, login, proposal, producer, buyer) == (
        everywhere("Acceptée : commande passée"), everywhere("Acceptée : commande passée"))


def test_a_declined_proposal_reads_declined_to_both_sides(matched, client, login):
    proposal, producer, buyer = matched
    proposals.accept_proposal(buyer, proposal.id)
    proposals.decline_proposal(producer, proposal.id)
    assert seen_by_both(client, login, proposal, producer, buyer) == (
        everywhere("Déclinée"), everywhere("Déclinée"))
