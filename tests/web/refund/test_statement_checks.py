"""What the statement's forms refuse or warn about: funding beyond the order, dates outside the window, numbers twice."""
from datetime import date

from sqlalchemy import func, select

from marketplace.extensions import db
from marketplace.models import ExternalFunding, ExternalOrder
from tests.factories import LocalAuthorityFactory, OrderFactory
from tests.support.refund import external_order


def funding(order, **overrides):
    data = {"line": f"order:{order.id}", "funder": "Union européenne", "masks_funded": "5000", "amount": "4000",
            "receipt_reference": "UE-42"}
    return data | overrides


def field_error(page, name):
    """Return the message shown under one field."""
    return page.split(f'id="{name}-error">', 1)[1].split("</div>", 1)[0]


def test_funding_for_more_masks_than_the_order_is_refused_on_the_field(client, login):
    buyer = LocalAuthorityFactory()
    order = OrderFactory(buyer=buyer.organisation)  # 50 000 masks
    login(buyer)
    response = client.post("/orders/refund/funding/new", data=funding(order, masks_funded="60000", funder="Région X"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert field_error(page, "masks_funded") == "Le financement couvrirait plus de masques que n’en compte la commande (50\u202f000)."
    assert 'value="60000"' in page and 'value="Région X"' in page
    assert db.session.scalar(select(func.count(ExternalFunding.id))) == 0


def test_funding_adding_up_to_more_masks_than_the_order_is_refused(client, login):
    buyer = LocalAuthorityFactory()
    order = OrderFactory(buyer=buyer.organisation)
    login(buyer)
    assert client.post("/orders/refund/funding/new", data=funding(order, masks_funded="30000")).status_code == 302
    response = client.post("/orders/refund/funding/new", data=funding(order, masks_funded="30000"))
    assert "plus de masques que n’en compte la commande" in field_error(response.get_data(as_text=True), "masks_funded")
    assert db.session.scalar(select(func.count(ExternalFunding.id))) == 1


def test_funding_of_more_euros_than_the_order_cost_is_refused_on_the_field(client, login):
    buyer = LocalAuthorityFactory()
    order = OrderFactory(buyer=buyer.organisation)  # 47 475,00 TTC
    login(buyer)
    response = client.post("/orders/refund/funding/new", data=funding(order, amount="47 475,01"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert field_error(page, "amount") == "Le financement dépasserait le coût de la commande." and 'value="47 475,01"' in page
    assert db.session.scalar(select(func.count(ExternalFunding.id))) == 0
    assert client.post("/orders/refund/funding/new", data=funding(order, amount="47 475,00")).status_code == 302


def test_an_order_outside_the_window_is_added_with_a_warning_that_it_does_not_count(client, login):
    login(LocalAuthorityFactory())
    response = client.post("/orders/refund/orders/new", data=external_order(order_date="2020-07-15"), follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "hors de la période éligible : cet ajout ne compte pas pour le remboursement" in page
    assert "alert-warning" in page and "EXT-17" in page.split('id="refused"', 1)[1]
    assert db.session.scalar(select(func.count(ExternalOrder.id))) == 1


def test_an_order_inside_the_window_is_simply_added(client, login):
    login(LocalAuthorityFactory())
    page = client.post("/orders/refund/orders/new", data=external_order(), follow_redirects=True).get_data(as_text=True)
    assert "Ajouté à votre état récapitulatif." in page and "hors de la période" not in page


def test_the_same_outside_order_number_cannot_be_added_twice(client, login):
    login(LocalAuthorityFactory())
    assert client.post("/orders/refund/orders/new", data=external_order(number="EXT-1")).status_code == 302
    response = client.post("/orders/refund/orders/new", data=external_order(number="EXT-1", supplier="Autre fournisseur"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert field_error(page, "number") == "Vous avez déjà ajouté une commande numérotée EXT-1."
    assert 'value="Autre fournisseur"' in page
    assert db.session.scalar(select(func.count(ExternalOrder.id))) == 1


def test_another_body_may_use_the_same_order_number(client, login):
    other = LocalAuthorityFactory()
    db.session.add(ExternalOrder(organisation_id=other.organisation_id, kind="reusable", supplier="Atelier",
                                 number="EXT-1", order_date=date(2020, 4, 25), quantity=1000, total_ttc_cents=310_000))
    db.session.commit()
    login(LocalAuthorityFactory())
    assert client.post("/orders/refund/orders/new", data=external_order(number="EXT-1")).status_code == 302
