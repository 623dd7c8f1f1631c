"""The statement as PDF, laid out like the official model, and the path to it through the pages."""

from sqlalchemy import select

from marketplace.extensions import db
from marketplace.models import ExternalOrder
from tests.factories import CertificationFactory, LocalAuthorityFactory, OfferFactory, OrderFactory
from tests.support.pdf import pdf_text


def test_a_local_authority_goes_from_its_orders_to_a_signed_ready_statement(client, login):
    mayor_office = LocalAuthorityFactory()
    commune = mayor_office.organisation
    single = OrderFactory(buyer=commune, number="BC-FFP2")
    reusable = OrderFactory(buyer=commune, number="BC-UNS1", quantity=2_000, unit_price_cents=250, offer=OfferFactory(
        certification=CertificationFactory(category="UNS1", reusable=True, standard="DGA 3 µm")))
    login(mayor_office)

    menu = client.get("/").get_data(as_text=True)
    assert "/orders/refund" in menu
    statement = client.get("/orders/refund").get_data(as_text=True)
    assert "A1" in statement and "B1" in statement
    assert "A1, B1" in statement  # both still need their payment reference

    for order, reference in ((single, "M-2020-0101"), (reusable, "M-2020-0102")):
        assert f"/orders/{order.id}" in statement
        assert client.post(f"/orders/{order.id}/payment", data={"reference": reference, "paid_on": "2020-05-12"}).status_code == 302
    client.post("/orders/refund/made-locally/new", data={
        "supplier": "Couturières solidaires", "number": "FAC-3", "order_date": "2020-04-22", "quantity": "5000",
        "materials_total": "3000", "sewing_total": "4500", "payment_reference": "M-2020-0200", "payment_date": "2020-05-02"})
    client.post("/orders/refund/funding/new", data={
        "line": f"order:{single.id}", "funder": "Union européenne", "masks_funded": "10000", "amount": "4000",
        "receipt_reference": "UE-42"})
    statement = client.get("/orders/refund").get_data(as_text=True)
    assert "prêt à être signé" in statement

    response = client.get("/orders/refund/statement.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = pdf_text(response.data)
    for heading in ("État récapitulatif", "A. Masques à usage unique", "B. Masques réutilisables", "C. Masques confectionnés",
                    "Financements extérieurs reçus", "Participation de l'État par commande", "Totaux par catégorie",
                    "Paiements", "Le maire", "Le comptable public"):
        assert heading in text, heading
    for code in ("A1", "B1", "C1", "BC-FFP2", "BC-UNS1", "FAC-3", "UE-42", "M-2020-0102"):
        assert code in text, code
    # A1: 50 000 × 0,84 = 42 000,00 − 4 000,00 = 38 000,00 → 19 000,00
    # B1: 2 000 × 2,50 HT × 1,055 = 5 275,00 TTC; 2 000 × 2,00 = 4 000,00 → 2 000,00
    # C1: 7 500,00 → 3 750,00.  Total 24 750,00
    for amount in ("19 000,00 €", "2 000,00 €", "3 750,00 €", "24 750,00 €"):
        assert amount in text, amount


def test_the_pdf_of_an_empty_statement_still_renders_with_its_sections(client, login):
    login(LocalAuthorityFactory(organisation__authority_type="departement"))
    text = pdf_text(client.get("/orders/refund/statement.pdf").data)
    assert "Aucune commande." in text and "Le président" in text
    assert db.session.scalar(select(ExternalOrder)) is None
