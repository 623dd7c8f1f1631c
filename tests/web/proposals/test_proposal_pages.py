"""Proposal and order pages: each side sees and answers its own, others get 404, admins read their regions."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.models import MatchingRun, Proposal
from marketplace.services.matching import runs
from marketplace.services.matching.runs import run_matching
from tests.factories import (
    AdminFactory,
    DemandFactory,
    NationalAdminFactory,
    OfferFactory,
    ProducerFactory,
    UserFactory,
)


@pytest.fixture
def proposed(app):
    producer = ProducerFactory()
    offer = OfferFactory(certification__organisation=producer.organisation, quantity=80_000)
    buyer = UserFactory()
    demand = DemandFactory(organisation=buyer.organisation, created_by=buyer, quantity=50_000)
    run_matching("manual")
    return db.session.scalars(select(Proposal)).one(), producer, buyer, offer, demand


def test_buyer_and_producer_accept_in_the_pages_and_see_the_order(proposed, client, login):
    proposal, producer, buyer, offer, demand = proposed
    login(buyer)
    page = client.get(f"/buyers/demands/{demand.id}").get_data(as_text=True)
    assert f"/buyers/proposals/{proposal.id}" in page
    assert client.post(f"/buyers/proposals/{proposal.id}/accept").status_code == 302
    client.post("/auth/logout")
    login(producer)
    assert f"/producers-area/proposals/{proposal.id}" in client.get("/producers-area/proposals").get_data(as_text=True)
    response = client.post(f"/producers-area/proposals/{proposal.id}/accept", follow_redirects=True)
    assert "CMD-" in response.get_data(as_text=True)
    assert "CMD-" in client.get("/producers-area/orders").get_data(as_text=True)
    client.post("/auth/logout")
    login(buyer)
    assert "CMD-" in client.get("/buyers/orders").get_data(as_text=True)
    assert "CMD-" in client.get(f"/buyers/demands/{demand.id}").get_data(as_text=True)


def test_declining_in_the_page_with_a_reason(proposed, client, login):
    proposal, producer, *_ = proposed
    login(producer)
    client.post(f"/producers-area/proposals/{proposal.id}/decline", data={"reason": "Trop loin"})
    db.session.refresh(proposal)
    assert proposal.status == "declined"


@pytest.mark.parametrize("who", ["other_buyer", "other_producer"])
def test_other_organisations_get_404(proposed, client, login, who):
    proposal, *_ = proposed
    if who == "other_buyer":
        login(UserFactory())
        urls = [f"/buyers/proposals/{proposal.id}"]
        posts = [f"/buyers/proposals/{proposal.id}/accept", f"/buyers/proposals/{proposal.id}/decline"]
    else:
        login(ProducerFactory())
        urls = [f"/producers-area/proposals/{proposal.id}"]
        posts = [f"/producers-area/proposals/{proposal.id}/accept", f"/producers-area/proposals/{proposal.id}/decline"]
    for url in urls:
        assert client.get(url).status_code == 404
    for url in posts:
        assert client.post(url).status_code == 404
    db.session.refresh(proposal)
    assert (proposal.buyer_decision, proposal.producer_decision) == (None, None)


def test_a_buyer_cannot_answer_through_the_producers_pages(proposed, client, login):
    proposal, producer, buyer, *_ = proposed
    login(buyer)
    assert client.post(f"/producers-area/proposals/{proposal.id}/accept").status_code == 403


def test_lists_show_only_the_organisations_proposals(proposed, client, login):
    proposal, *_ = proposed
    login(UserFactory())
    assert f"/buyers/proposals/{proposal.id}" not in client.get("/buyers/proposals").get_data(as_text=True)


def test_region_admins_read_but_cannot_answer(proposed, client, login):
    proposal, *_ = proposed
    login(AdminFactory(admin_region_code="53"))
    page = client.get(f"/admin/proposals/{proposal.id}").get_data(as_text=True)
    assert "accept" not in page.split("<main")[-1].lower() or "/accept" not in page
    assert f"/admin/proposals/{proposal.id}" in client.get("/admin/proposals").get_data(as_text=True)


def test_admins_of_another_region_get_404(proposed, client, login):
    proposal, *_ = proposed
    login(AdminFactory(admin_region_code="84"))
    assert client.get(f"/admin/proposals/{proposal.id}").status_code == 404
    assert f"/admin/proposals/{proposal.id}" not in client.get("/admin/proposals").get_data(as_text=True)


def test_an_admin_runs_matching_now_and_sees_the_run(app, client, login):
    OfferFactory()
    DemandFactory(category="FFP3", region_code="53", departement_code="35")
    admin = AdminFactory(admin_region_code="53")
    login(admin)
    assert client.post("/admin/matching/run").status_code == 302
    run = db.session.scalars(select(MatchingRun)).one()
    assert (run.trigger, run.triggered_by_id, run.status) == ("manual", admin.id, "succeeded")
    page = client.get("/admin/matching").get_data(as_text=True)
    assert "FFP3" in page and "50" in page


def test_a_run_whose_worker_stopped_renewing_its_lease_is_shown_stopped(app, client, login, clock):
    db.session.add_all([MatchingRun(trigger="beat", status="running", unmatched={}, lease_expires_at=lease)
                        for lease in (clock.now() - timedelta(seconds=1), clock.now() + timedelta(seconds=20))])
    db.session.commit()
    login(NationalAdminFactory())
    rows = client.get("/admin/matching").get_data(as_text=True).split("<tbody>")[1].split("<tr>")[1:]
    # Newest first: the run still renewing its lease, then the one whose worker is gone.
    assert ["arrêtée : son worker ne répond plus" in row for row in rows] == [False, True]


def test_a_regional_admin_sees_the_unmatched_units_of_its_own_region_only(app, client, login):
    DemandFactory(category="FFP3", region_code="76", departement_code="31", quantity=70_000)
    run_matching("manual")
    login(AdminFactory(admin_region_code="53"))
    assert "Occitanie" not in client.get("/admin/matching").get_data(as_text=True).split("<tbody>")[1]
    client.post("/auth/logout")
    login(NationalAdminFactory())
    assert "Occitanie: 70" in client.get("/admin/matching").get_data(as_text=True)


def test_a_run_now_that_fails_says_so_and_is_in_the_list(app, client, login, monkeypatch):
    def solver_bug(*args):
        raise RuntimeError("solver bug")

    monkeypatch.setattr(runs, "match", solver_bug)
    OfferFactory()
    login(AdminFactory(admin_region_code="53"))
    page = client.post("/admin/matching/run", follow_redirects=True)
    assert page.status_code == 200
    assert "n’a pas pu être lancée, ou elle a échoué" in page.get_data(as_text=True)
    assert db.session.scalars(select(MatchingRun)).one().status == "failed"


def test_run_now_needs_the_csrf_token(app, client, login):
    login(AdminFactory())
    app.config["WTF_CSRF_ENABLED"] = True
    client.post("/admin/matching/run")
    assert db.session.scalars(select(MatchingRun)).all() == []


def test_run_now_is_for_administrators_only(app, client, login):
    login(UserFactory())
    assert client.post("/admin/matching/run").status_code == 403


def test_a_buyer_requests_an_offer_from_the_catalogue_page(app, client, login):
    offer = OfferFactory()
    buyer = UserFactory()
    demand = DemandFactory(organisation=buyer.organisation, created_by=buyer)
    login(buyer)
    assert f"/buyers/offers/{offer.id}/request" in client.get("/catalogue").get_data(as_text=True)
    response = client.post(f"/buyers/offers/{offer.id}/request", data={"demand_id": demand.id, "quantity": 20_000})
    assert response.status_code == 302
    proposal = db.session.scalars(select(Proposal)).one()
    assert (proposal.source, proposal.quantity) == ("direct_request", 20_000)


def test_a_request_for_another_organisations_demand_is_refused_in_the_page(app, client, login):
    offer = OfferFactory()
    demand = DemandFactory()
    login(UserFactory())
    response = client.post(f"/buyers/offers/{offer.id}/request", data={"demand_id": demand.id, "quantity": 10})
    assert response.status_code == 200
    assert db.session.scalars(select(Proposal)).all() == []


def test_a_direct_request_lists_only_the_demands_the_offer_can_serve(client, login):
    offer = OfferFactory(certification__category="SURGICAL_IIR")
    buyer = UserFactory()
    uns1 = DemandFactory(organisation=buyer.organisation, created_by=buyer, category="UNS1")
    surgical = DemandFactory(organisation=buyer.organisation, created_by=buyer, category="SURGICAL_IIR")
    login(buyer)
    page = client.get(f"/buyers/offers/{offer.id}/request").get_data(as_text=True)
    assert f'<option value="{surgical.id}"' in page and f'<option value="{uns1.id}"' not in page


def test_a_direct_request_without_a_servable_demand_says_why(client, login):
    offer = OfferFactory(certification__category="SURGICAL_IIR")
    buyer = UserFactory()
    DemandFactory(organisation=buyer.organisation, created_by=buyer, category="UNS1")
    login(buyer)
    page = client.get(f"/buyers/offers/{offer.id}/request").get_data(as_text=True)
    assert "Aucune de vos demandes ouvertes ne peut être servie par cette offre" in page
    assert "publiez d&#39;abord une demande" not in page


def test_a_direct_request_says_when_pending_proposals_hold_every_unit(client, login):
    offer = OfferFactory()
    buyer = UserFactory()
    demand = DemandFactory(organisation=buyer.organisation, created_by=buyer, quantity=50_000)
    login(buyer)
    client.post(f"/buyers/offers/{offer.id}/request", data={"demand_id": demand.id, "quantity": 50_000})
    assert db.session.scalars(select(Proposal)).one().quantity == 50_000
    page = client.get(f"/buyers/offers/{offer.id}/request").get_data(as_text=True)
    assert "retenues par des propositions en attente de réponse" in page


def test_the_mail_names_the_category_in_the_recipients_language_not_the_senders(app, client, login, outbox):
    producer = ProducerFactory()
    OfferFactory(certification__organisation=producer.organisation, certification__category="SURGICAL_I", quantity=80_000)
    buyer = UserFactory(locale="en")
    DemandFactory(organisation=buyer.organisation, created_by=buyer, category="SURGICAL_I", quantity=50_000)
    run_matching("manual")
    proposal = db.session.scalars(select(Proposal)).one()
    [announced] = outbox.to(buyer.email)
    assert announced["Subject"] == "New proposal: 50,000 Surgical type I masks"
    login(producer)
    page = client.post(f"/producers-area/proposals/{proposal.id}/decline", data={"reason": "Trop loin"},
                       follow_redirects=True).get_data(as_text=True)
    assert "Chirurgical type I" in page
    declined = outbox.to(buyer.email)[-1]
    assert declined["Subject"] == "Your proposal of Surgical type I masks was declined"
    assert "Surgical type I masks" in outbox.text(declined) and "Chirurgical" not in outbox.text(declined)
