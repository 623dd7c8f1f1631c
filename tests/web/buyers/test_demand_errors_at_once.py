"""A buyer sees every error of a demand in one submission, each next to its field, and keeps what was typed."""
from html import unescape

from sqlalchemy import select

from marketplace.extensions import db
from marketplace.models import Demand
from tests.factories import DemandFactory, UserFactory
from tests.support.demands import demand_form
from tests.support.pages import error_of


def test_field_errors_and_rules_of_the_trade_show_together_and_the_typed_values_stay(client, login):
    login(UserFactory())
    response = client.post("/buyers/demands/new", data=demand_form(
        category="FFP3", accepted_substitutes=["FFP2"],  # a lower grade cannot stand in
        quantity="12000",  # under the lot
        region_code="76", departement_code="35",  # Ille-et-Vilaine is in Bretagne, not Occitanie
        needed_by="2020-01-15",  # past
        max_unit_price="abc",  # not a price: a field error
        contact_email="pas-une-adresse",  # a field error
        contact_name="Jeanne Dupont",
    ))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Une demande porte sur au moins 50\u202f000 unités." in error_of(page, "quantity")
    assert "Ce département n'appartient pas à la région choisie." in error_of(page, "departement_code")
    assert "La date souhaitée ne peut pas être passée." in error_of(page, "needed_by")
    assert error_of(page, "max_unit_price") and error_of(page, "contact_email")
    assert "FFP2 ne peut pas remplacer FFP3." in unescape(page)
    assert 'value="12000"' in page and 'value="Jeanne Dupont"' in page and 'value="pas-une-adresse"' in page
    assert 'value="2020-01-15"' in page and 'value="abc"' in page
    assert db.session.scalar(select(Demand)) is None


def test_a_rule_whose_input_is_typed_wrong_is_not_checked_twice(client, login):
    login(UserFactory())
    page = client.post("/buyers/demands/new", data=demand_form(quantity="douze", needed_by="2020-01-15")).get_data(as_text=True)
    assert error_of(page, "quantity") == "Saisissez un nombre entier."
    assert "La date souhaitée ne peut pas être passée." in error_of(page, "needed_by")


def test_editing_a_demand_shows_every_error_at_once_too(client, login, clock):
    user = UserFactory()
    demand = DemandFactory(organisation=user.organisation, needed_by=clock.days_from_today(30))
    login(user)
    page = client.post(f"/buyers/demands/{demand.id}/edit", data=demand_form(
        quantity="1000", needed_by="2020-01-15", contact_email="x",
    )).get_data(as_text=True)
    assert "Une demande porte sur au moins" in error_of(page, "quantity")
    assert "La date souhaitée ne peut pas être passée." in error_of(page, "needed_by")
    assert error_of(page, "contact_email")
    assert db.session.get(Demand, demand.id).quantity == demand.quantity
