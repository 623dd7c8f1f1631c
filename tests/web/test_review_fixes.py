"""What a reviewer checked on the demo: expired offers, direct requests, confirmations, numbers and prices."""
from datetime import timedelta

from sqlalchemy import select

from marketplace.extensions import db
from marketplace.models import Offer, PoolMembership, Proposal
from tests.factories import (
    AdminFactory,
    CertificationFactory,
    DemandFactory,
    OfferFactory,
    OrganisationFactory,
    PoolFactory,
    PoolMembershipFactory,
    ProducerFactory,
    UserFactory,
)
from tests.support.clock import days_from_today
from tests.web.auth.test_signup import signup_data

OFFER = {"category": "FFP2", "quantity": "100000", "unit_price": "0,90", "delivery_scope": "own",
         "available_from": "2026-10-01", "expires_on": ""}


def producer_with(category="FFP2"):
    producer = ProducerFactory()
    CertificationFactory(organisation=producer.organisation, category=category)
    return producer


def offers_count():
    return db.session.scalar(select(db.func.count()).select_from(Offer))


# --- 1. expiry dates -----------------------------------------------------------------------------


def test_an_offer_already_expired_is_refused_on_its_field_keeping_what_was_typed(client, login, clock):
    login(producer_with())
    past = clock.days_from_today(-22).isoformat()
    page = client.post("/producers-area/offers/new",
                       data={**OFFER, "available_from": clock.days_from_today(-53).isoformat(),
                             "expires_on": past, "submit": "1"}).get_data(as_text=True)
    assert "Cette date d&#39;expiration est déjà passée." in page
    assert f'value="{past}"' in page and 'value="100000"' in page
    assert offers_count() == 0


def test_an_offer_cannot_expire_before_it_is_available(client, login, clock):
    login(producer_with())
    start = clock.days_from_today(20)
    page = client.post("/producers-area/offers/new", data={
        **OFFER, "available_from": start.isoformat(), "expires_on": (start - timedelta(days=5)).isoformat(),
    }).get_data(as_text=True)
    assert "L&#39;offre ne peut pas expirer avant d&#39;être disponible." in page
    assert offers_count() == 0


def test_submitting_a_new_offer_says_it_went_to_moderation(client, login):
    login(producer_with())
    page = client.post("/producers-area/offers/new", data={**OFFER, "submit": "1"},
                       follow_redirects=True).get_data(as_text=True)
    assert "L&#39;offre est envoyée à l&#39;administrateur régional." in page
    assert "L&#39;offre est enregistrée." not in page


def expired_pending_offer():
    producer = ProducerFactory(organisation__name="Filtres de Bretagne")
    certification = CertificationFactory(organisation=producer.organisation)
    return OfferFactory(certification=certification, status="submitted", available_from=days_from_today(-60),
                        expires_on=days_from_today(-1))


def test_the_moderation_queue_shows_the_expiry_and_refuses_approving_an_expired_offer(client, login):
    offer = expired_pending_offer()
    login(AdminFactory())
    queue = client.get("/admin/moderation").get_data(as_text=True)
    assert "Expire le" in queue and "expirée" in queue
    page = client.post(f"/admin/offers/{offer.id}/approve", follow_redirects=True).get_data(as_text=True)
    assert f"L&#39;offre {offer.id} a expiré le" in page and "elle ne peut pas être approuvée" in page
    assert db.session.get(Offer, offer.id).status == "submitted"
    page = client.post("/admin/offers/bulk-approve", data={"offer_ids": [offer.id]},
                       follow_redirects=True).get_data(as_text=True)
    assert "elle ne peut pas être approuvée" in page
    assert db.session.get(Offer, offer.id).status == "submitted"


def test_approving_with_nothing_ticked_asks_to_select_an_offer(client, login):
    expired_pending_offer()
    login(AdminFactory())
    page = client.post("/admin/offers/bulk-approve", follow_redirects=True).get_data(as_text=True)
    assert "Sélectionnez au moins une offre." in page


# --- 2. direct requests --------------------------------------------------------------------------


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


# --- 3. confirmations ----------------------------------------------------------------------------


def test_the_confirmation_script_is_served_and_loaded_by_every_page(client):
    script = client.get("/static/js/app.js").get_data(as_text=True)
    assert "data-confirm" in script and "confirm(" in script
    assert "/static/js/app.js" in client.get("/").get_data(as_text=True)


def test_cancelling_a_demand_asks_for_confirmation(client, login):
    buyer = UserFactory()
    demand = DemandFactory(organisation=buyer.organisation, created_by=buyer)
    login(buyer)
    page = client.get(f"/buyers/demands/{demand.id}").get_data(as_text=True)
    assert 'data-confirm="Annuler cette demande ?' in page


def test_withdrawing_stock_asks_for_confirmation_and_is_not_offered_on_a_draft(client, login):
    producer = ProducerFactory()
    certification = CertificationFactory(organisation=producer.organisation)
    listed = OfferFactory(certification=certification)
    draft = OfferFactory(certification=certification, status="draft")
    login(producer)
    page = client.get(f"/producers-area/offers/{listed.id}").get_data(as_text=True)
    assert 'data-confirm="Retirer le stock non attribué de cette offre ?' in page
    assert "Retirer le stock non attribué" not in client.get(f"/producers-area/offers/{draft.id}").get_data(as_text=True)


def test_cancelling_and_leaving_a_pool_ask_for_confirmation(client, login):
    pool = PoolFactory(sector="Bois")
    member = PoolMembershipFactory(pool=pool)
    login(UserFactory(organisation=pool.organisation))
    assert 'data-confirm="Annuler cet achat groupé ?' in client.get(f"/buyers/pools/{pool.id}").get_data(as_text=True)
    client.post("/auth/logout")
    login(member.user)
    assert 'data-confirm="Quitter cet achat groupé ?' in client.get(f"/buyers/pools/{pool.id}").get_data(as_text=True)


# --- 4. a member changes its pool quantity -------------------------------------------------------


def test_a_member_changes_its_quantity_without_ticking_the_sme_box_again(client, login):
    pool = PoolFactory(sector="Bois")
    member = PoolMembershipFactory(pool=pool, organisation=OrganisationFactory(headcount=40, sector="Bois"))
    login(member.user)
    page = client.get(f"/buyers/pools/{pool.id}").get_data(as_text=True)
    box = page[page.index('id="in_sector"') - 120:page.index('id="in_sector"') + 120]
    assert "checked" in box
    response = client.post(f"/buyers/pools/{pool.id}/join", data={"quantity": "800", "in_sector": "y"})
    assert response.status_code == 302
    assert db.session.scalar(select(PoolMembership.quantity)) == 800


# --- 5. zero in a whole-number field -------------------------------------------------------------


def test_zero_units_of_an_offer_is_out_of_range_not_a_missing_number(client, login):
    login(producer_with())
    page = client.post("/producers-area/offers/new", data={**OFFER, "quantity": "0"}).get_data(as_text=True)
    assert "Saisissez un nombre entier." not in page and 'value="0"' in page
    assert "Le nombre doit être compris entre 1 et" in page and offers_count() == 0


def test_zero_staff_at_signup_is_out_of_range_not_a_missing_number(client):
    page = client.post("/auth/signup", data=signup_data(headcount="0")).get_data(as_text=True)
    assert "Saisissez un nombre entier." not in page and "Le nombre doit être compris entre 1 et" in page


def test_a_word_in_a_quantity_still_asks_for_a_whole_number(client, login):
    login(producer_with())
    page = client.post("/producers-area/offers/new", data={**OFFER, "quantity": "beaucoup"}).get_data(as_text=True)
    assert page.count("Saisissez un nombre entier.") == 1


# --- 6 and 7. the demand form's help -------------------------------------------------------------


def test_the_demand_form_states_the_minimum_not_fixed_lots_and_a_french_price_example(client, login):
    login(UserFactory())
    page = client.get("/buyers/demands/new").get_data(as_text=True)
    assert "unités, en quantité libre au-delà" in page and "achat groupé de votre filière" in page
    assert "100\u202f000, 200\u202f000" not in page
    assert "Par exemple 0,95" in page and "0.84" not in page


def test_a_demand_price_is_accepted_with_a_comma_or_a_dot(client, login, clock):
    buyer = UserFactory()
    login(buyer)
    base = {"category": "FFP2", "quantity": "75000", "region_code": "53", "departement_code": "35",
            "needed_by": clock.days_from_today(30).isoformat(), "contact_name": "Claire Martin",
            "contact_email": "claire@example.fr"}
    for typed, cents in (("0,84", 84), ("0.83", 83)):
        response = client.post("/buyers/demands/new", data={**base, "max_unit_price": typed})
        assert response.status_code == 302, response.get_data(as_text=True)
    from marketplace.models import Demand
    assert sorted(db.session.scalars(select(Demand.max_unit_price_cents))) == [83, 84]


def test_removing_a_refund_line_asks_for_confirmation(client, login):
    from tests.factories import LocalAuthorityFactory
    from tests.web.refund.test_statement import external

    login(LocalAuthorityFactory())
    client.post("/orders/refund/orders/new", data=external())
    page = client.get("/orders/refund").get_data(as_text=True)
    assert 'data-confirm="Retirer cette ligne de l\'état ?"' in page
