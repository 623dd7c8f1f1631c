"""Answering several proposals at once from the lists: tick, accept or decline, read the summary and the statuses."""
import re
from datetime import timedelta
from html import unescape

import psycopg
import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from marketplace.extensions import db
from marketplace.models import Order, Proposal
from marketplace.services import proposals
from marketplace.services.matching.runs import run_matching
from tests.factories import DemandFactory, OfferFactory, ProducerFactory, UserFactory

LISTS = {"producer": "/producers-area/proposals", "buyer": "/buyers/proposals"}


@pytest.fixture
def market(app):
    """Four proposals of one producer to one buyer, newest first as the lists show them."""
    producer = ProducerFactory(organisation__name="Filtres d'Armor")
    OfferFactory(certification__organisation=producer.organisation, quantity=400_000)
    buyer = UserFactory(organisation__name="Clinique du Blavet")
    for _ in range(4):
        DemandFactory(organisation=buyer.organisation, created_by=buyer, quantity=50_000)
    run_matching("manual")
    made = db.session.scalars(select(Proposal).order_by(Proposal.id.desc())).all()
    return producer, buyer, made


def texts(html, css_class):
    """The visible text of each element of that class (a div), as a reader sees it."""
    found = re.findall(rf'<div class="[^"]*{css_class}[^"]*"[^>]*>(.*?)</div>', html, re.S)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", t)).strip() for t in found]


def statuses(made):
    db.session.expire_all()
    return [(p.status, p.buyer_decision, p.producer_decision) for p in made]


@pytest.mark.parametrize("side", ["producer", "buyer"])
def test_tick_three_accept_and_see_the_summary_and_statuses(market, client, login, side):
    producer, buyer, made = market
    user, other = (producer, buyer) if side == "producer" else (buyer, producer)
    proposals.accept_proposal(other, made[0].id)  # the other side accepted the first one already
    login(user)
    page = client.get(LISTS[side]).get_data(as_text=True)
    assert all(f'name="ids" value="{p.id}"' in page for p in made)

    response = client.post(f"{LISTS[side]}/decide", data={"ids": [p.id for p in made[:3]], "accept": "1"},
                           follow_redirects=True)

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "3 propositions acceptées, 1 commande créée." in texts(html, "alert")
    assert statuses(made) == [("accepted", "accepted", "accepted")] + [
        ("pending", *(("accepted", None) if side == "buyer" else (None, "accepted")))] * 2 + [
        ("pending", None, None)]
    assert "Acceptée : commande passée" in html and db.session.scalars(select(Order)).one().proposal_id == made[0].id
    # Only the untouched one can still be ticked.
    assert [int(i) for i in re.findall(r'name="ids" value="(\d+)"', html)] == [made[3].id]


@pytest.mark.parametrize("side", ["producer", "buyer"])
def test_decline_many_with_a_reason_tells_the_other_side_once(market, client, login, outbox, side):
    producer, buyer, made = market
    user, other = (producer, buyer) if side == "producer" else (buyer, producer)
    login(user)
    before = len(outbox.to(other.email))

    response = client.post(f"{LISTS[side]}/decide", data={"ids": [p.id for p in made[1:]], "decline": "1",
                                                         "reason": "Délai trop long"}, follow_redirects=True)

    assert "3 propositions déclinées." in texts(response.get_data(as_text=True), "alert")
    assert [s for s, *_ in statuses(made)] == ["pending", "declined", "declined", "declined"]
    [mail] = outbox.to(other.email)[before:]
    assert mail["Subject"] == f"{user.organisation.name} a décliné 3 de vos propositions"
    assert "Motif : Délai trop long" in outbox.text(mail)


def test_select_all_on_the_page_answers_every_proposal_shown_and_reports_the_expired(market, client, login, clock):
    producer, buyer, made = market
    made[2].expires_at = clock.now() + timedelta(minutes=1)
    db.session.commit()
    login(producer)
    page = client.get(LISTS["producer"]).get_data(as_text=True)
    shown = re.findall(r'name="shown" value="(\d+)"', page)
    clock.advance(timedelta(minutes=2))  # it expires while the page is open

    response = client.post(f"{LISTS['producer']}/decide", data={"shown": shown, "all_on_page": "y", "decline": "1"},
                           follow_redirects=True)

    assert "3 propositions déclinées, 1 déjà expirée." in texts(response.get_data(as_text=True), "alert")
    assert [s for s, *_ in statuses(made)] == ["declined", "declined", "pending", "declined"]


def test_the_filter_shows_only_the_proposals_awaiting_my_answer(market, client, login):
    producer, buyer, made = market
    proposals.accept_proposal(producer, made[0].id)
    proposals.decline_proposal(buyer, made[1].id)
    login(producer)

    page = client.get(f"{LISTS['producer']}?awaiting=1").get_data(as_text=True)

    listed = [int(i) for i in re.findall(r'href="/producers-area/proposals/(\d+)"', page)]
    assert listed == [made[2].id, made[3].id]
    assert "En attente de ma réponse" in page


def test_another_organisations_proposal_is_refused_and_the_selection_is_kept(market, client, login):
    producer, buyer, made = market
    other = ProducerFactory()
    OfferFactory(certification__organisation=other.organisation, quantity=50_000, unit_price_cents=85)
    other_buyer = UserFactory()
    DemandFactory(organisation=other_buyer.organisation, created_by=other_buyer, quantity=50_000)
    run_matching("manual")
    foreign = db.session.scalars(select(Proposal).where(Proposal.seller_organisation_id == other.organisation_id)).one()
    login(producer)

    response = client.post(f"{LISTS['producer']}/decide",
                           data={"ids": [made[0].id, foreign.id], "accept": "1", "reason": "Gardé"})

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "L’une des propositions sélectionnées n’existe pas." in texts(html, "alert")
    assert f'value="{made[0].id}" id="proposal-{made[0].id}" aria-label="Sélectionner la proposition n° {made[0].id}" checked' in html
    assert 'value="Gardé"' in html
    assert statuses(made + [foreign]) == [("pending", None, None)] * 4 + [("pending", None, None)]


@pytest.mark.parametrize("data, message", [
    ({"accept": "1"}, "Cochez au moins une proposition."),
    ({"ids": ["1"]}, "Choisissez d’accepter ou de décliner les propositions sélectionnées."),
    ({"ids": ["abc"], "accept": "1"}, None),
    ({"ids": ["99999999999"], "decline": "1"}, None),
])
def test_wrong_submissions_show_the_page_again_never_an_error(market, client, login, data, message):
    producer, buyer, made = market
    login(producer)
    response = client.post(f"{LISTS['producer']}/decide", data=data)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "alert-danger" in html
    if message:
        assert message in html
    assert [s for s, *_ in statuses(made)] == ["pending"] * 4


def test_a_forged_selection_above_the_cap_is_refused_in_french_and_kept(market, client, login):
    producer, buyer, made = market
    login(producer)
    forged = [p.id for p in made] + list(range(10_000, 10_000 + proposals.MOST_DECIDED_AT_ONCE))

    response = client.post(f"{LISTS['producer']}/decide", data={"ids": forged, "accept": "1"})

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f"Choisissez au plus {proposals.MOST_DECIDED_AT_ONCE} propositions à la fois." in texts(html, "alert")
    assert f'value="{made[0].id}" id="proposal-{made[0].id}" aria-label="Sélectionner la proposition n° {made[0].id}" checked' in html
    assert [s for s, *_ in statuses(made)] == ["pending"] * 4


def test_the_form_needs_its_csrf_token(market, app, client, login):
    producer, buyer, made = market
    login(producer)
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post(f"{LISTS['producer']}/decide", data={"ids": [made[0].id], "accept": "1"})
    assert response.status_code == 400, response.status_code
    assert [s for s, *_ in statuses(made)] == ["pending"] * 4
    assert made[0].producer_decision is None


def test_a_buyer_cannot_use_the_producers_bulk_form(market, client, login):
    producer, buyer, made = market
    login(buyer)
    assert client.post(f"{LISTS['producer']}/decide", data={"ids": [made[0].id], "accept": "1"}).status_code == 403


@pytest.mark.parametrize("sqlstate_error, status, message", [
    (psycopg.errors.DeadlockDetected, 409, "quelqu’un d’autre a modifié les mêmes données"),
    (psycopg.errors.SerializationFailure, 409, "quelqu’un d’autre a modifié les mêmes données"),
    (psycopg.errors.DiskFull, 500, "une erreur s’est produite de notre côté"),
])
def test_a_deadlock_while_deciding_asks_to_try_again(market, client, login, monkeypatch, sqlstate_error, status,
                                                      message):
    producer, _, made = market

    def database_gave_up(*args, **kwargs):
        raise OperationalError("UPDATE proposal ...", {}, sqlstate_error("the database gave up"))

    monkeypatch.setattr(proposals, "decide_proposals", database_gave_up)
    login(producer)
    response = client.post(f"{LISTS['producer']}/decide", data={"ids": [made[0].id], "accept": "1"})
    assert response.status_code == status
    assert message in unescape(response.get_data(as_text=True)).lower().replace("'", "’")
    assert statuses(made)[0] == ("pending", None, None)
