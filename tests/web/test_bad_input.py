"""Malformed query strings and form values never make a 500: pages fall back, forms re-render with a message."""
import pytest

from tests.factories import AdminFactory, LocalAuthorityFactory, ProducerFactory

HUGE = "9" * 30  # beyond any integer column, and beyond a float for "9" * 400

LIST_PAGES = {
    "visitor": ["/producers", "/catalogue"],
    "buyer": ["/buyers/demands", "/buyers/proposals", "/buyers/orders"],
    "producer": ["/producers-area/", "/producers-area/proposals", "/producers-area/orders"],
    "admin": ["/admin/audit", "/admin/matching", "/admin/proposals", "/admin/mail/dead-letters", "/admin/regions/53"],
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
