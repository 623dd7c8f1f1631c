import re
from datetime import date

import pytest
from sqlalchemy import select

from marketplace.domain.organisations import OrganisationKind
from marketplace.extensions import db
from marketplace.models import Demand
from tests.factories import DemandFactory, OrganisationFactory, ProducerFactory, UserFactory
from tests.support.demands import demand_form


def test_a_buyer_posts_a_demand_and_finds_it_in_my_demands(client, login):
    login(UserFactory())
    response = client.post("/buyers/demands/new", data=demand_form(accepted_substitutes=["FFP3", "KN95"]))
    assert response.status_code == 302
    demand = db.session.scalar(select(Demand))
    assert (demand.quantity, demand.max_unit_price_cents, demand.accepted_substitutes) == (100_000, 95, ["FFP3", "KN95"])
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Votre demande est publiée." in page
    assert "Propositions" in page and "Aucune proposition pour l'instant." in page
    assert "Commandes" in page
    listing = client.get("/buyers/demands").get_data(as_text=True)
    assert "Ouverte" in listing and "100\u202f000" in listing


def test_a_demand_under_the_minimum_volume_is_refused_and_the_form_keeps_what_was_typed(client, login):
    login(UserFactory())
    response = client.post("/buyers/demands/new", data=demand_form(quantity="12000", contact_name="Jeanne Dupont"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Une demande porte sur au moins 50\u202f000 unités." in page
    assert 'value="12000"' in page and "Jeanne Dupont" in page
    assert db.session.scalar(select(Demand)) is None


def test_a_substitute_of_a_lower_grade_is_refused_with_a_message(client, login):
    login(UserFactory())
    page = client.post("/buyers/demands/new", data=demand_form(category="FFP3", accepted_substitutes=["FFP2"])).get_data(as_text=True)
    assert "FFP2 ne peut pas remplacer FFP3." in page


def test_a_price_with_fractions_of_a_cent_or_a_missing_date_is_refused_without_a_500(client, login):
    login(UserFactory())
    response = client.post("/buyers/demands/new", data=demand_form(max_unit_price="0.955", needed_by="demain"))
    assert response.status_code == 200
    assert db.session.scalar(select(Demand)) is None


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
    assert sorted(db.session.scalars(select(Demand.max_unit_price_cents))) == [83, 84]


def test_the_price_ceiling_is_a_text_field_any_browser_sends_as_typed(client, login):
    # A number field in a browser whose locale does not read "0,95" sent "095": 95,00 € instead of 0,95 €.
    login(UserFactory())
    page = client.get("/buyers/demands/new").get_data(as_text=True)
    field = re.search(r'<input[^>]*name="max_unit_price"[^>]*>', page).group(0)
    assert 'type="text"' in field and 'inputmode="decimal"' in field and 'type="number"' not in field


def test_a_demand_beyond_the_quota_shows_the_figure_and_the_renewal_date(app, client, login):
    from marketplace.domain.quotas import QuotaPolicy

    app.config["BUYER_QUOTAS"]["demand"]["company"] = QuotaPolicy(1_000, 100, 14, date(2020, 5, 4))
    login(UserFactory(organisation=OrganisationFactory(headcount=60)))
    page = client.post("/buyers/demands/new", data=demand_form(quantity="70000")).get_data(as_text=True)
    assert "Cela dépasse votre quota de 60\u202f000 masques par période de 14 jours" in page
    assert "Votre quota se renouvelle le " in page


def test_the_demand_page_links_to_the_catalogue_filtered_like_the_demand(client, login, app):
    user = UserFactory()
    demand = DemandFactory(organisation=user.organisation, category="SURGICAL_II", region_code="53")
    login(user)
    page = client.get(f"/buyers/demands/{demand.id}").get_data(as_text=True)
    if "public.catalogue" in app.view_functions:
        assert "category=SURGICAL_II" in page and "region=53" in page


def test_the_owner_changes_an_open_demand(client, login):
    user = UserFactory()
    demand = DemandFactory(organisation=user.organisation, created_by=user)
    login(user)
    assert "Modifier la demande" in client.get(f"/buyers/demands/{demand.id}/edit").get_data(as_text=True)
    response = client.post(f"/buyers/demands/{demand.id}/edit", data=demand_form(quantity="150000"))
    assert response.status_code == 302
    assert db.session.get(Demand, demand.id).quantity == 150_000


def test_a_partially_matched_demand_cannot_be_changed_and_says_why(client, login):
    user = UserFactory()
    demand = DemandFactory(organisation=user.organisation, status="partially_matched", matched_quantity=10_000)
    login(user)
    assert "ne peut plus être modifiée" in client.get(f"/buyers/demands/{demand.id}").get_data(as_text=True)
    page = client.post(f"/buyers/demands/{demand.id}/edit", data=demand_form(quantity="150000")).get_data(as_text=True)
    assert "Seule une demande ouverte peut être modifiée" in page
    assert db.session.get(Demand, demand.id).quantity == 50_000


def test_the_owner_cancels_a_demand(client, login):
    user = UserFactory()
    demand = DemandFactory(organisation=user.organisation)
    login(user)
    page = client.post(f"/buyers/demands/{demand.id}/cancel", follow_redirects=True).get_data(as_text=True)
    assert "Votre demande est annulée." in page
    assert db.session.get(Demand, demand.id).status == "cancelled"


def test_cancelling_a_demand_asks_for_confirmation(client, login):
    buyer = UserFactory()
    demand = DemandFactory(organisation=buyer.organisation, created_by=buyer)
    login(buyer)
    page = client.get(f"/buyers/demands/{demand.id}").get_data(as_text=True)
    assert 'data-confirm="Annuler cette demande ?' in page


# --- access: another organisation's demand is not found --------------------------------------

@pytest.mark.parametrize("method, path", [
    ("get", "/buyers/demands/{id}"),
    ("get", "/buyers/demands/{id}/edit"),
    ("post", "/buyers/demands/{id}/edit"),
    ("post", "/buyers/demands/{id}/cancel"),
])
def test_a_buyer_cannot_read_or_change_another_organisations_demand_by_its_id(client, login, method, path):
    other = DemandFactory(contact_name="Secret Contact")
    login(UserFactory())
    response = getattr(client, method)(path.format(id=other.id), data=demand_form(quantity="999999"))
    assert response.status_code == 404
    assert "Secret Contact" not in response.get_data(as_text=True)
    assert db.session.get(Demand, other.id).status == "open"
    assert db.session.get(Demand, other.id).quantity == 50_000


def test_a_colleague_of_the_same_organisation_sees_the_demand(client, login):
    demand = DemandFactory()
    login(UserFactory(organisation=demand.organisation, is_owner=False))
    assert client.get(f"/buyers/demands/{demand.id}").status_code == 200


def test_my_demands_lists_only_my_organisations_demands(client, login):
    user = UserFactory()
    DemandFactory(organisation=user.organisation, category="FFP3")
    DemandFactory(category="AFNOR")
    login(user)
    page = client.get("/buyers/demands").get_data(as_text=True)
    assert "FFP3" in page and "Masque barrière AFNOR" not in page


def test_producers_and_visitors_have_no_buyer_pages(client, login):
    assert client.get("/buyers/demands").status_code == 302
    login(ProducerFactory())
    assert client.get("/buyers/demands").status_code == 403
    assert client.get("/buyers/pools").status_code == 403


def test_the_menu_shows_demands_and_pools_to_buyers(client, login):
    login(UserFactory(organisation=OrganisationFactory(kind=OrganisationKind.HEALTHCARE)))
    page = client.get("/").get_data(as_text=True)
    assert "Mes demandes" in page and "Mes achats groupés" in page


def test_forms_need_their_csrf_token(app, client, login):
    user = UserFactory()
    demand = DemandFactory(organisation=user.organisation)
    login(user)
    app.config["WTF_CSRF_ENABLED"] = True
    assert client.post(f"/buyers/demands/{demand.id}/cancel").status_code == 400
    assert client.post("/buyers/demands/new", data=demand_form()).status_code == 400
    assert db.session.get(Demand, demand.id).status == "open"
