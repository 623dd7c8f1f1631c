"""Malformed query strings and form values never make a 500: pages fall back, forms re-render with a message."""
import pytest

from tests.factories import AdminFactory, LocalAuthorityFactory, ProducerFactory
from tests.support.clock import days_from_today

HUGE = "9" * 30  # beyond any integer column, and beyond a float for "9" * 400

LIST_PAGES = {
    "visitor": ["/producers", "/catalogue"],
    "buyer": ["/buyers/demands", "/buyers/proposals", "/buyers/orders"],
    "producer": ["/producers-area/", "/producers-area/proposals", "/producers-area/orders"],
    "admin": ["/admin/audit", "/admin/matching", "/admin/proposals", "/admin/mail/dead-letters", "/admin/regions/53",
              "/admin/refunds"],
}
USERS = {"visitor": None, "buyer": LocalAuthorityFactory, "producer": ProducerFactory, "admin": AdminFactory}


@pytest.mark.parametrize("who, url", [(who, url) for who, urls in LIST_PAGES.items() for url in urls])
@pytest.mark.parametrize("page", [HUGE, "9" * 400, "-" + HUGE, "abc"])
def test_a_page_number_out_of_range_shows_a_page(client, login, who, url, page):
    if USERS[who]:
        login(USERS[who]())
    assert client.get(url, query_string={"page": page}).status_code == 200


def test_a_huge_minimum_quantity_in_the_catalogue_is_ignored(client):
    assert client.get("/catalogue", query_string={"min_quantity": HUGE}).status_code == 200


def test_bulk_approving_a_huge_offer_id_approves_nothing(client, login):
    login(AdminFactory())
    assert client.post("/admin/offers/bulk-approve", data={"offer_ids": HUGE}).status_code == 302


# --- forms: a number no column holds is refused on the field, and what was typed stays -------

ENORMOUS = "9" * 400  # past a float's range: wtforms' NumberRange raised OverflowError on it


def _offer_form():
    return {"category": "FFP2", "quantity": "100000", "unit_price": "0,90", "delivery_scope": "own",
            "available_from": "2020-05-04", "expires_on": ""}


def _demand_form():
    return {"category": "FFP2", "quantity": "100000", "region_code": "53", "departement_code": "35",
            "max_unit_price": "0.95", "needed_by": days_from_today(20).isoformat(),
            "contact_name": "Claire Martin", "contact_email": "claire@example.fr", "contact_phone": ""}


def _external_order_form():
    return {"kind": "reusable", "supplier": "Atelier", "number": "EXT-17", "order_date": "2020-04-25",
            "quantity": "1000", "total_ttc": "3 100,00", "payment_reference": "", "payment_date": ""}


def _signup_form():
    return {"name": "Ateliers", "siret": "73282932000074", "kind": "company", "region_code": "53",
            "departement_code": "35", "headcount": "50", "full_name": "Claire", "email": "c@example.fr",
            "password": "correct horse battery", "confirm": "correct horse battery"}


NUMBER_FIELDS = [
    ("producer", "/producers-area/offers/new", _offer_form, "quantity"),
    ("buyer", "/buyers/demands/new", _demand_form, "quantity"),
    ("buyer", "/orders/refund/orders/new", _external_order_form, "quantity"),
    ("visitor", "/auth/signup", _signup_form, "headcount"),
]


@pytest.mark.parametrize("who, url, form, field", NUMBER_FIELDS)
def test_an_enormous_number_is_refused_on_its_field(client, login, who, url, form, field):
    if USERS[who]:
        login(USERS[who]())
    response = client.post(url, data=form() | {field: ENORMOUS})
    page = response.get_data(as_text=True)
    assert response.status_code in (200, 422)
    assert "Ce nombre est trop grand." in page and ENORMOUS in page


def _pool_form():
    return {k: v for k, v in _demand_form().items() if k in ("category", "region_code", "departement_code",
                                                             "max_unit_price", "needed_by")}


@pytest.mark.parametrize("price", ["nan", "NaN", "inf", "-inf", "1e309", "9" * 30, "1000.01"])
@pytest.mark.parametrize("who, url, form", [("buyer", "/buyers/demands/new", _demand_form),
                                            ("referent", "/buyers/pools/new", _pool_form)])
def test_a_price_ceiling_that_is_not_a_price_is_refused(client, login, who, url, form, price):
    from tests.factories import SectorReferentFactory

    login(SectorReferentFactory() if who == "referent" else USERS[who]())
    response = client.post(url, data=form() | {"max_unit_price": price})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Le prix doit être supérieur à zéro et d&#39;au plus 1 000 €." in page


@pytest.mark.parametrize("amount", ["1e309", "9" * 400])
def test_an_amount_beyond_the_range_is_refused_not_a_500(client, login, amount):
    login(LocalAuthorityFactory())
    response = client.post("/orders/refund/orders/new", data=_external_order_form() | {"total_ttc": amount})
    assert response.status_code == 200
    assert amount in response.get_data(as_text=True)
