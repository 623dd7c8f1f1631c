import pytest

from marketplace.extensions import db
from marketplace.models import AuditEntry, Offer
from marketplace.services.reservations import reserve
from tests.factories import CertificationFactory, OfferFactory, ProducerFactory
from tests.support.offers import (
    OFFER,
    approved_offer_of,
    edit,
    only_offer,
    producer_with,
    producer_with_allocated_offer,
)


def test_a_producer_lists_a_draft_offer_and_sees_prices_with_and_without_tax(client, login):
    login(producer_with())
    response = client.post("/producers-area/offers/new", data={**OFFER, "draft": "1"})
    assert response.status_code == 302
    offer = only_offer()
    assert (offer.status, offer.quantity, offer.unit_price_cents, offer.vat_rate_bp) == ("draft", 100_000, 90, 550)
    assert offer.delivery_regions == ["53"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "0,90\xa0€" in page and "0,95\xa0€" in page and "TVA 5,5 %" in page
    assert "Brouillon" in page


def test_a_respirator_with_a_valve_carries_the_normal_rate(client, login):
    login(producer_with(exhalation_valve=True))
    client.post("/producers-area/offers/new", data={**OFFER, "submit": "1"})
    offer = only_offer()
    assert offer.vat_rate_bp == 2000 and offer.status == "submitted"


def test_submitting_a_new_offer_says_it_went_to_moderation(client, login):
    login(producer_with())
    page = client.post("/producers-area/offers/new", data={**OFFER, "submit": "1"},
                       follow_redirects=True).get_data(as_text=True)
    assert "L&#39;offre est envoyée à l&#39;administrateur régional." in page
    assert "L&#39;offre est enregistrée." not in page


def test_an_offer_needs_a_verified_certification_of_its_category(client, login):
    login(producer_with(category="UNS1"))
    page = client.post("/producers-area/offers/new", data=OFFER).get_data(as_text=True)
    assert "Vous n&#39;avez aucune certification vérifiée pour les masques FFP2." in page
    assert 'value="100000"' in page
    assert db.session.scalar(db.select(db.func.count()).select_from(Offer)) == 0


def test_a_pending_certification_is_not_enough(client, login):
    login(producer_with(status="pending"))
    client.post("/producers-area/offers/new", data=OFFER)
    assert db.session.scalar(db.select(db.func.count()).select_from(Offer)) == 0


def test_a_foreign_equivalent_cannot_be_offered_after_its_end_date(client, login):
    login(producer_with(category="KN95"))
    page = client.post("/producers-area/offers/new", data={**OFFER, "category": "KN95", "available_from": "2020-06-02"}).get_data(as_text=True)
    assert "jusqu&#39;au" in page and "31 mai 2020" in page


def test_an_offer_delivers_to_several_regions_or_all_of_france(client, login):
    login(producer_with())
    client.post("/producers-area/offers/new", data={**OFFER, "delivery_scope": "several", "regions": ["76", "53"]})
    client.post("/producers-area/offers/new", data={**OFFER, "delivery_scope": "all"})
    several, everywhere = db.session.scalars(db.select(Offer).order_by(Offer.id)).all()
    assert several.delivery_regions == ["53", "76"]
    assert everywhere.delivery_regions is None and everywhere.delivers_everywhere


def test_the_regions_are_a_list_of_checkboxes_explained_as_for_several_regions_only(client, login):
    login(producer_with())
    page = client.get("/producers-area/offers/new").get_data(as_text=True)
    assert page.count('name="regions" type="checkbox"') == 18
    assert "<select multiple" not in page
    assert "uniquement si vous avez choisi « Plusieurs régions »" in page


@pytest.mark.parametrize("scope, label", [("all", "Toute la France"), ("own", "Ma région seulement")])
def test_ticked_regions_with_all_of_france_or_my_region_only_are_refused_and_the_form_kept(client, login, scope, label):
    login(producer_with())
    response = client.post("/producers-area/offers/new", data={**OFFER, "delivery_scope": scope, "regions": ["76", "84"]})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f"Vous avez coché des régions mais choisi « {label} »" in page
    regions = page.split("<fieldset", 1)[1].split("</fieldset>", 1)[0]
    assert regions.count("checked") == 2 and 'value="76"' in regions
    assert db.session.scalars(db.select(Offer)).all() == []


def test_editing_a_my_region_only_offer_does_not_tick_its_region(client, login):
    producer = producer_with()
    offer = approved_offer_of(producer)  # delivered in its own region
    login(producer)
    page = client.get(f"/producers-area/offers/{offer.id}/edit").get_data(as_text=True)
    regions = page.split("<fieldset", 1)[1].split("</fieldset>", 1)[0]
    assert 'name="regions" type="checkbox"' in regions and "checked" not in regions
    assert '<option selected value="own">' in page


def test_choosing_several_regions_without_any_is_refused(client, login):
    login(producer_with())
    page = client.post("/producers-area/offers/new", data={**OFFER, "delivery_scope": "several"}).get_data(as_text=True)
    assert "Choisissez au moins une région de livraison." in page


def test_a_wrong_price_is_shown_on_the_form_not_a_500(client, login):
    login(producer_with())
    response = client.post("/producers-area/offers/new", data={**OFFER, "unit_price": "beaucoup"})
    assert response.status_code == 200
    assert "Saisissez un prix en euros" in response.get_data(as_text=True)


def test_a_draft_is_submitted_then_withdrawn(client, login):
    producer = producer_with()
    login(producer)
    client.post("/producers-area/offers/new", data=OFFER)
    offer = only_offer()
    client.post(f"/producers-area/offers/{offer.id}/submit")
    assert only_offer().status == "submitted"
    client.post(f"/producers-area/offers/{offer.id}/withdraw")
    assert only_offer().status == "withdrawn"
    actions = db.session.scalars(db.select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == ["offer.created", "offer.submitted", "offer.withdrawn"]
    page = client.get(f"/producers-area/offers/{offer.id}").get_data(as_text=True)
    assert "Offre retirée" in page and "offer.withdrawn" not in page


def test_a_submitted_offer_cannot_be_submitted_again(client, login):
    producer = producer_with()
    offer = approved_offer_of(producer, status="submitted")
    login(producer)
    page = client.post(f"/producers-area/offers/{offer.id}/submit", follow_redirects=True).get_data(as_text=True)
    assert "Seule une offre en brouillon ou refusée peut être soumise." in page


def test_changing_the_price_of_an_approved_offer_sends_it_back_to_moderation(client, login):
    producer = producer_with()
    offer = approved_offer_of(producer)
    login(producer)
    edit(client, offer, unit_price="0,85")
    offer = only_offer()
    assert offer.status == "submitted" and not offer.listed and offer.unit_price_cents == 85


def test_changing_the_regions_of_an_approved_offer_sends_it_back_to_moderation(client, login):
    producer = producer_with()
    offer = approved_offer_of(producer)
    login(producer)
    edit(client, offer, delivery_scope="all", regions=[])
    assert only_offer().status == "submitted"


def test_lowering_the_quantity_of_an_approved_offer_keeps_it_approved(client, login):
    producer = producer_with()
    offer = approved_offer_of(producer)
    login(producer)
    edit(client, offer, quantity="60000")
    offer = only_offer()
    assert (offer.status, offer.quantity, offer.remaining_quantity, offer.listed) == ("approved", 60_000, 60_000, True)


def test_the_quantity_never_goes_below_what_is_allocated(client, login):
    producer, offer = producer_with_allocated_offer(70_000)
    login(producer)
    page = edit(client, offer, quantity="50000").get_data(as_text=True)
    assert "La quantité ne peut pas descendre sous les 70\u202f000 unités déjà attribuées." in page or "70000" in page
    assert only_offer().quantity == 100_000


def test_withdrawing_a_partly_allocated_offer_keeps_only_what_is_allocated(client, login):
    producer = producer_with()
    offer = approved_offer_of(producer)
    reserve([(offer.id, 30_000)], [])
    db.session.commit()
    assert only_offer().status == "partially_allocated"
    login(producer)
    client.post(f"/producers-area/offers/{offer.id}/withdraw")
    offer = only_offer()
    assert (offer.status, offer.quantity, offer.allocated_quantity, offer.remaining_quantity) == ("sold_out", 30_000, 30_000, 0)
    assert not offer.listed


def test_a_sold_out_offer_cannot_be_withdrawn(client, login):
    producer = producer_with()
    offer = approved_offer_of(producer)
    reserve([(offer.id, 100_000)], [])
    db.session.commit()
    assert only_offer().status == "sold_out"
    login(producer)
    page = client.post(f"/producers-area/offers/{offer.id}/withdraw", follow_redirects=True).get_data(as_text=True)
    assert "Cette offre ne peut pas être retirée." in page


def test_withdrawing_stock_asks_for_confirmation_and_is_not_offered_on_a_draft(client, login):
    producer = ProducerFactory()
    certification = CertificationFactory(organisation=producer.organisation)
    listed = OfferFactory(certification=certification)
    draft = OfferFactory(certification=certification, status="draft")
    login(producer)
    page = client.get(f"/producers-area/offers/{listed.id}").get_data(as_text=True)
    assert 'data-confirm="Retirer le stock non attribué de cette offre ?' in page
    assert "Retirer le stock non attribué" not in client.get(f"/producers-area/offers/{draft.id}").get_data(as_text=True)


def test_another_producer_cannot_see_edit_or_withdraw_an_offer(client, login):
    offer = OfferFactory()
    login(ProducerFactory())
    assert client.get(f"/producers-area/offers/{offer.id}").status_code == 404
    assert client.post(f"/producers-area/offers/{offer.id}/edit", data=OFFER).status_code == 404
    assert client.post(f"/producers-area/offers/{offer.id}/withdraw").status_code == 404
    assert only_offer().status == "approved"


def test_the_withdraw_button_is_protected_by_csrf(app, client, login):
    producer = producer_with()
    offer = approved_offer_of(producer)
    login(producer)
    app.config["WTF_CSRF_ENABLED"] = True
    assert client.post(f"/producers-area/offers/{offer.id}/withdraw").status_code == 400
    assert only_offer().status == "approved"


def test_the_dashboard_lists_the_producers_certifications_and_offers(client, login):
    producer = producer_with()
    approved_offer_of(producer)
    login(producer)
    page = client.get("/producers-area/").get_data(as_text=True)
    assert "FFP2" in page and "Vérifiée" in page and "Approuvée" in page and "100\u202f000" in page


def test_a_rejected_offer_edited_becomes_a_draft_and_can_be_submitted_again(client, login):
    producer = producer_with()
    offer = approved_offer_of(producer, status="rejected", rejection_reason="Prix erroné")
    login(producer)
    edit(client, offer, unit_price="0,80")
    assert only_offer().status == "draft"
    client.post(f"/producers-area/offers/{offer.id}/submit")
    offer = only_offer()
    assert offer.status == "submitted" and offer.rejection_reason is None


def test_a_withdrawn_offer_can_no_longer_be_edited(client, login):
    producer = producer_with()
    offer = approved_offer_of(producer, status="withdrawn")
    login(producer)
    page = edit(client, offer, quantity="5").get_data(as_text=True)
    assert "Cette offre ne peut plus être modifiée." in page
    assert only_offer().quantity == 100_000


def test_the_edit_form_starts_from_the_offer(client, login):
    producer = producer_with()
    offer = approved_offer_of(producer)
    login(producer)
    page = client.get(f"/producers-area/offers/{offer.id}/edit").get_data(as_text=True)
    assert 'value="0,90"' in page and 'value="100000"' in page
    assert '<option selected value="own">' in page


def test_the_offer_form_names_categories_in_the_producers_language(client, login):
    login(ProducerFactory(locale="en"))
    page = client.get("/producers-area/offers/new").get_data(as_text=True)
    assert ">Surgical type I</option>" in page and ">UNS1 (general public, category 1)</option>" in page
    assert "Chirurgical" not in page
    client.post("/auth/logout")
    login(ProducerFactory())
    page = client.get("/producers-area/offers/new").get_data(as_text=True)
    assert ">Chirurgical type I</option>" in page and ">UNS1 (grand public catégorie 1)</option>" in page
