"""An order's page, its purchase order PDF, the buyer's payment record, and who may see them."""


from marketplace.extensions import db
from marketplace.models import AuditEntry
from tests.factories import AdminFactory, LocalAuthorityFactory, OrderFactory, ProducerFactory, UserFactory
from tests.support.pdf import pdf_text


def test_the_buyer_sees_quantities_unit_price_and_totals_ht_vat_ttc(client, login):
    buyer = LocalAuthorityFactory()
    order = OrderFactory(buyer=buyer.organisation, quantity=333, unit_price_cents=47)
    login(buyer)
    page = client.get(f"/orders/{order.id}").get_data(as_text=True)
    assert order.number in page
    # 333 × 0,47 = 156,51 HT; TVA 5,5 % = 8,61; 165,12 TTC
    for text in ("333", "0,47\u00a0€", "156,51\u00a0€", "5,5\u00a0%", "8,61\u00a0€", "165,12\u00a0€", "Total TTC"):
        assert text in page, text


def test_the_purchase_order_pdf_has_its_number_date_parties_and_totals(client, login):
    buyer = LocalAuthorityFactory()
    order = OrderFactory(buyer=buyer.organisation)
    login(buyer)
    response = client.get(f"/orders/{order.id}/purchase-order.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert order.number in response.headers["Content-Disposition"]
    text = pdf_text(response.data)
    assert f"Bon de commande {order.number}" in text
    assert "20/04/2020" in text
    assert buyer.organisation.name in text and order.seller_organisation.name in text
    # 50 000 × 0,90 = 45 000,00 HT; TVA 2 475,00; 47 475,00 TTC
    for amount in ("45 000,00 €", "2 475,00 €", "47 475,00 €"):
        assert amount in text, amount


def test_the_purchase_order_renders_names_beyond_windows_1252(client, login):
    # The built-in PDF fonts stop at Windows-1252: "Łódź" and the minus sign made the document a server error.
    buyer = LocalAuthorityFactory(organisation__name="Commune de Saint-Étienne − Œuvres")
    order = OrderFactory(buyer=buyer.organisation, offer__certification__organisation__name="Łódź Masks Sp. z o.o.")
    login(buyer)
    response = client.get(f"/orders/{order.id}/purchase-order.pdf")
    assert response.status_code == 200
    text = pdf_text(response.data)
    assert "Łódź Masks Sp. z o.o." in text and "Commune de Saint-Étienne − Œuvres" in text


def test_the_buyer_records_the_payment_reference_and_date(client, login):
    buyer = LocalAuthorityFactory()
    order = OrderFactory(buyer=buyer.organisation)
    login(buyer)
    response = client.post(f"/orders/{order.id}/payment", data={"reference": "M-2020-0412", "paid_on": "2020-05-15"})
    assert response.status_code == 302
    db.session.refresh(order)
    assert order.payment_reference == "M-2020-0412"
    page = client.get(f"/orders/{order.id}").get_data(as_text=True)
    assert "M-2020-0412" in page and "15 mai 2020" in page
    assert db.session.scalar(db.select(AuditEntry.action).where(AuditEntry.object_id == order.id)) == "order.payment_recorded"


def test_a_payment_form_with_errors_keeps_the_input_and_never_500s(client, login):
    buyer = LocalAuthorityFactory()
    order = OrderFactory(buyer=buyer.organisation)
    login(buyer)
    response = client.post(f"/orders/{order.id}/payment", data={"reference": "M-77", "paid_on": "demain"})
    assert response.status_code == 200 and 'value="M-77"' in response.get_data(as_text=True)
    before = client.post(f"/orders/{order.id}/payment", data={"reference": "M-77", "paid_on": "2020-04-01"})
    assert "La date du paiement ne peut pas précéder la commande." in before.get_data(as_text=True)
    db.session.refresh(order)
    assert order.payment_reference is None


def test_the_seller_sees_the_order_but_cannot_record_the_payment(client, login):
    order = OrderFactory()
    seller = ProducerFactory(organisation=order.seller_organisation)
    login(seller)
    page = client.get(f"/orders/{order.id}")
    assert page.status_code == 200 and "Enregistrer le paiement" not in page.get_data(as_text=True)
    assert client.get(f"/orders/{order.id}/purchase-order.pdf").status_code == 200
    assert client.post(f"/orders/{order.id}/payment", data={"reference": "X", "paid_on": "2020-05-15"}).status_code == 403


def test_another_organisation_gets_404(client, login):
    order = OrderFactory()
    login(UserFactory())
    assert client.get(f"/orders/{order.id}").status_code == 404
    assert client.get(f"/orders/{order.id}/purchase-order.pdf").status_code == 404
    assert client.post(f"/orders/{order.id}/payment", data={"reference": "X", "paid_on": "2020-05-15"}).status_code == 404
    assert client.get("/orders/999999").status_code == 404


def test_admins_of_the_buyers_region_read_only_others_get_403(client, login):
    order = OrderFactory()  # the buyer is in Bretagne (53)
    login(AdminFactory(admin_region_code="53"))
    page = client.get(f"/orders/{order.id}")
    assert page.status_code == 200 and "Enregistrer le paiement" not in page.get_data(as_text=True)
    assert client.post(f"/orders/{order.id}/payment", data={"reference": "X", "paid_on": "2020-05-15"}).status_code == 403
    client.post("/auth/logout")
    login(AdminFactory(admin_region_code="11"))
    assert client.get(f"/orders/{order.id}").status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client):
    order = OrderFactory()
    assert client.get(f"/orders/{order.id}").status_code == 302


def test_the_order_page_and_pdf_name_the_category_in_the_readers_language(client, login):
    buyer = LocalAuthorityFactory(locale="en")
    order = OrderFactory(buyer=buyer.organisation, offer__certification__category="SURGICAL_I")
    login(buyer)
    assert "<td>Surgical type I</td>" in client.get(f"/orders/{order.id}").get_data(as_text=True)
    assert "Surgical type I" in pdf_text(client.get(f"/orders/{order.id}/purchase-order.pdf").data)
    client.post("/auth/logout")
    login(ProducerFactory(organisation=order.seller_organisation))
    assert "Chirurgical type I" in pdf_text(client.get(f"/orders/{order.id}/purchase-order.pdf").data)
