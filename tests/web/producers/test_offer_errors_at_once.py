"""A producer sees every error of an offer in one submission, each next to its field, and keeps what was typed."""
from datetime import timedelta

from marketplace.extensions import db
from tests.support.offers import OFFER, edit, offers_count, only_offer, producer_with, producer_with_allocated_offer
from tests.support.pages import error_of


def test_field_errors_and_rules_of_the_trade_show_together_and_the_typed_values_stay(client, login):
    login(producer_with(category="FFP2"))
    response = client.post("/producers-area/offers/new", data={
        **OFFER,
        "category": "FFP3",  # not certified
        "quantity": "douze",  # a field error
        "unit_price": "abc",  # a field error
        "delivery_scope": "several",  # without any region
        "available_from": "2020-05-04", "expires_on": "2020-05-01",  # expires before it is available
        "submit": "1",
    })
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert error_of(page, "category") == "Vous n'avez aucune certification vérifiée pour les masques FFP3."
    assert error_of(page, "quantity") == "Saisissez un nombre entier."
    assert "Saisissez un prix en euros" in error_of(page, "unit_price")
    assert error_of(page, "expires_on") == "L'offre ne peut pas expirer avant d'être disponible."
    assert "Choisissez au moins une région de livraison." in page
    assert 'value="douze"' in page and 'value="abc"' in page
    assert 'value="2020-05-04"' in page and 'value="2020-05-01"' in page
    assert '<option selected value="FFP3">' in page and '<option selected value="several">' in page
    assert offers_count() == 0


def test_a_rule_whose_input_is_typed_wrong_is_not_checked_twice(client, login):
    login(producer_with(category="KN95"))
    page = client.post("/producers-area/offers/new", data={
        **OFFER, "category": "KN95", "quantity": "0", "available_from": "pas une date", "expires_on": "2020-01-01",
    }).get_data(as_text=True)
    assert "La quantité doit être un nombre entier" not in page  # the field's own range message says it
    assert error_of(page, "quantity")
    assert error_of(page, "available_from") == "Indiquez une date."  # no end of validity checked on it
    assert error_of(page, "expires_on") == "Cette date d'expiration est déjà passée."


def test_ticked_regions_refused_by_the_field_are_not_also_refused_by_the_rules(client, login):
    login(producer_with())
    page = client.post("/producers-area/offers/new", data={
        **OFFER, "delivery_scope": "own", "regions": ["76"], "available_from": "2019-12-01", "expires_on": "2020-01-01",
    }).get_data(as_text=True)
    assert "Vous avez coché des régions mais choisi « Ma région seulement »" in page
    assert error_of(page, "expires_on") == "Cette date d'expiration est déjà passée."
    page = client.post("/producers-area/offers/new", data={
        **OFFER, "delivery_scope": "several", "regions": ["99"],  # no such region
    }).get_data(as_text=True)
    assert "Choisissez au moins une région" not in page
    assert offers_count() == 0


def test_the_offer_is_created_once_every_error_is_corrected(client, login):
    login(producer_with())
    client.post("/producers-area/offers/new", data={**OFFER, "unit_price": "abc", "expires_on": "2020-01-01"})
    assert offers_count() == 0
    response = client.post("/producers-area/offers/new", data={**OFFER, "submit": "1"})
    assert response.status_code == 302
    offer = only_offer()
    assert (offer.status, offer.quantity, offer.unit_price_cents) == ("submitted", 100_000, 90)


def test_editing_an_offer_shows_every_error_at_once_too(client, login):
    producer, offer = producer_with_allocated_offer(70_000)
    login(producer)
    page = edit(client, offer, quantity="50000", unit_price="0,951", expires_on="2020-05-01").get_data(as_text=True)
    assert error_of(page, "quantity") == "La quantité ne peut pas descendre sous les 70\u202f000 unités déjà attribuées."
    assert error_of(page, "unit_price") == "Un prix a au plus deux décimales."
    assert error_of(page, "expires_on") == "L'offre ne peut pas expirer avant d'être disponible."
    assert 'value="50000"' in page and 'value="0,951"' in page
    offer = only_offer()
    assert (offer.quantity, offer.unit_price_cents, offer.expires_on) == (100_000, 90, None)


def test_the_errors_speak_the_producers_language(client, login):
    user = producer_with()
    user.locale = "en"
    db.session.commit()
    login(user)
    page = client.post("/producers-area/offers/new", data={
        **OFFER, "unit_price": "abc", "expires_on": "2020-05-01",
    }).get_data(as_text=True)
    assert error_of(page, "expires_on") == "The offer cannot expire before it is available."
    assert "Enter a price in euros" in error_of(page, "unit_price")


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


def test_zero_units_of_an_offer_is_out_of_range_not_a_missing_number(client, login):
    login(producer_with())
    page = client.post("/producers-area/offers/new", data={**OFFER, "quantity": "0"}).get_data(as_text=True)
    assert "Saisissez un nombre entier." not in page and 'value="0"' in page
    assert "Le nombre doit être compris entre 1 et" in page and offers_count() == 0


def test_a_word_in_a_quantity_still_asks_for_a_whole_number(client, login):
    login(producer_with())
    page = client.post("/producers-area/offers/new", data={**OFFER, "quantity": "beaucoup"}).get_data(as_text=True)
    assert page.count("Saisissez un nombre entier.") == 1
