"""The refund statement writes its period, CSV and PDF headers in plain French."""
from io import BytesIO

from pypdf import PdfReader

from tests.factories import LocalAuthorityFactory, OrderFactory


def test_the_period_ends_on_the_1er_juin(client, login):
    login(LocalAuthorityFactory())
    page = client.get("/orders/refund").get_data(as_text=True)
    assert "au 1er juin 2020" in page and "au 1 juin" not in page


def test_the_csv_summary_heads_its_category_column_category(client, login):
    buyer = LocalAuthorityFactory()
    OrderFactory(buyer=buyer.organisation, number="BC-1")
    login(buyer)
    rows = client.get("/orders/refund/statement.csv").get_data(as_text=True).lstrip("\ufeff").splitlines()
    summary = next(row for row in rows if row.startswith("Section;") and not row.startswith("Section;Code"))
    assert summary.split(";")[:3] == ["Section", "Catégorie", "Quantité"]


def test_the_pdf_names_the_refundable_amount_in_words(client, login):
    buyer = LocalAuthorityFactory()
    OrderFactory(buyer=buyer.organisation, number="BC-1")
    login(buyer)
    response = client.get("/orders/refund/statement.pdf")
    text = "\n".join(page.extract_text() for page in PdfReader(BytesIO(response.data)).pages)
    assert "Montant remboursable" in text and "min(" not in text
