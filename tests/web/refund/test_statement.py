"""The refund statement's pages, PDF and CSV for a local authority, and who may reach them."""
import csv
import io
from datetime import UTC, datetime

from sqlalchemy import select

from marketplace.extensions import db
from marketplace.models import BeneficiaryShare, ExternalFunding, ExternalOrder
from tests.factories import LocalAuthorityFactory, OrderFactory, OrganisationFactory, UserFactory
from tests.support.refund import external_order


def test_marketplace_orders_in_the_window_are_coded_and_refunded_those_outside_refused(client, login):
    buyer = LocalAuthorityFactory()
    OrderFactory(buyer=buyer.organisation, number="BC-IN")  # 47 475,00 TTC → 50 000 × 0,84 / 2 = 21 000,00
    OrderFactory(buyer=buyer.organisation, number="BC-LATE", created_at=datetime(2020, 6, 2, 9, tzinfo=UTC))
    login(buyer)
    page = client.get("/orders/refund").get_data(as_text=True)
    assert "A1" in page and "BC-IN" in page and "21\u202f000,00\u00a0€" in page
    assert "Commandes hors période, non éligibles" in page and "BC-LATE" in page
    assert '<th scope="row">A1</th>' in page and '<th scope="row">A2</th>' not in page  # not in a CSRF token


def test_an_external_order_typed_the_french_way_is_added_and_refunded_within_2_00(client, login):
    buyer = LocalAuthorityFactory()
    login(buyer)
    response = client.post("/orders/refund/orders/new", data=external_order())
    assert response.status_code == 302
    saved = db.session.scalar(select(ExternalOrder))
    assert (saved.kind, saved.total_ttc_cents, saved.quantity) == ("reusable", 310_000, 1_000)
    page = client.get("/orders/refund").get_data(as_text=True)
    # 1 000 × min(3,10 ; 2,00) = 2 000,00 → 1 000,00
    assert "B1" in page and "1\u202f000,00\u00a0€" in page


def test_an_external_order_form_with_errors_keeps_the_input(client, login):
    login(LocalAuthorityFactory())
    response = client.post("/orders/refund/orders/new", data=external_order(total_ttc="trois mille", supplier="Atelier X"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and 'value="Atelier X"' in page and 'value="trois mille"' in page
    assert "Indiquez un montant en euros" in page
    assert db.session.scalar(select(ExternalOrder)) is None


def test_masks_made_locally_cost_materials_plus_sewing_and_count_as_reusable(client, login):
    login(LocalAuthorityFactory())
    response = client.post("/orders/refund/made-locally/new", data={
        "supplier": "Couturières solidaires", "number": "FAC-3", "order_date": "2020-04-22", "quantity": "5000",
        "materials_total": "3000", "sewing_total": "4 500,00", "payment_reference": "M-9", "payment_date": "2020-05-02"})
    assert response.status_code == 302
    page = client.get("/orders/refund").get_data(as_text=True)
    # 7 500,00 / 5 000 = 1,50 € each, under the 2,00 cap → 3 750,00
    assert "C1" in page and "1,50\u00a0€" in page and "3\u202f750,00\u00a0€" in page


def test_external_funding_is_deducted_before_halving(client, login):
    buyer = LocalAuthorityFactory()
    order = OrderFactory(buyer=buyer.organisation, quantity=20_000, unit_price_cents=90)  # 18 990,00 TTC
    login(buyer)
    response = client.post("/orders/refund/funding/new", data={
        "line": f"order:{order.id}", "funder": "Union européenne", "masks_funded": "5000", "amount": "4000",
        "receipt_reference": "UE-42"})
    assert response.status_code == 302
    page = client.get("/orders/refund").get_data(as_text=True)
    # 20 000 × 0,84 = 16 800,00 − 4 000,00 = 12 800,00 → 6 400,00
    assert "6\u202f400,00\u00a0€" in page and "Union européenne" in page and "UE-42" in page
    funding_table = page.split('id="fundings"', 1)[1].split("</section>", 1)[0]
    assert '<div class="table-responsive"><table' in funding_table  # no sideways scroll on phones
    assert '<th scope="col"><span class="visually-hidden">Retirer</span></th>' in funding_table


def test_funding_or_a_share_cannot_point_at_another_bodys_order(client, login):
    other = OrderFactory()
    mine = OrderFactory(buyer=(buyer := LocalAuthorityFactory()).organisation)
    login(buyer)
    for url, data in (("/orders/refund/funding/new", {"funder": "UE", "masks_funded": "1", "amount": "10", "receipt_reference": "R"}),
                      ("/orders/refund/shares/new", {"beneficiary": "Commune B", "paid": "10"})):
        response = client.post(url, data=data | {"line": f"order:{other.id}"})
        assert response.status_code == 200
    assert db.session.scalar(select(ExternalFunding)) is None and db.session.scalar(select(BeneficiaryShare)) is None
    assert mine.id != other.id


def test_a_central_purchase_shows_what_the_body_owes_each_one(client, login):
    grouping = LocalAuthorityFactory(organisation__authority_type="grouping")
    # 30 000 masks at 0,70 TTC: entered outside the marketplace, 21 000,00 → 10 500,00
    login(grouping)
    client.post("/orders/refund/orders/new", data=external_order(kind="single_use", quantity="30000", total_ttc="21000"))
    key = f"external:{db.session.scalar(select(ExternalOrder.id))}"
    for body, paid in (("Commune de Vitré", "10500"), ("Commune de Fougères", "6300"), ("Commune de Redon", "4200")):
        assert client.post("/orders/refund/shares/new", data={"line": key, "beneficiary": body, "paid": paid}).status_code == 302
    page = client.get("/orders/refund").get_data(as_text=True)
    for owed in ("5\u202f250,00\u00a0€", "3\u202f150,00\u00a0€", "2\u202f100,00\u00a0€"):
        assert owed in page, owed
    too_much = client.post("/orders/refund/shares/new", data={"line": key, "beneficiary": "Commune X", "paid": "1"})
    assert "Les parts dépasseraient le coût de la commande." in too_much.get_data(as_text=True)


def test_a_grouping_keeps_the_contribution_of_what_it_bought_for_itself(client, login):
    grouping = LocalAuthorityFactory(organisation__authority_type="grouping", organisation__name="SIVOM du Pays")
    # 30 000 masks at 0,70 TTC, 21 000,00 → refund 10 500,00; two communes paid 7 000,00 each
    login(grouping)
    client.post("/orders/refund/orders/new", data=external_order(kind="single_use", quantity="30000", total_ttc="21000"))
    key = f"external:{db.session.scalar(select(ExternalOrder.id))}"
    for body in ("Commune de Vitré", "Commune de Redon"):
        client.post("/orders/refund/shares/new", data={"line": key, "beneficiary": body, "paid": "7000"})
    page = client.get("/orders/refund").get_data(as_text=True)
    assert page.count("3\u202f500,00\u00a0€") == 3  # each commune's part, and the grouping's own
    assert "SIVOM du Pays (sa part propre, conservée)" in page
    assert "5\u202f250,00\u00a0€" not in page
    rows = client.get("/orders/refund/statement.csv").get_data(as_text=True).splitlines()
    assert rows[-1].split(";")[1:] == ["SIVOM du Pays (sa part propre, conservée)", "7000,00", "3500,00"]


def test_entries_can_be_removed(client, login):
    login(LocalAuthorityFactory())
    client.post("/orders/refund/orders/new", data=external_order())
    record_id = db.session.scalar(select(ExternalOrder.id))
    assert client.post(f"/orders/refund/external/{record_id}/remove").status_code == 302
    assert db.session.scalar(select(ExternalOrder)) is None


def test_removing_a_refund_line_asks_for_confirmation(client, login):
    login(LocalAuthorityFactory())
    client.post("/orders/refund/orders/new", data=external_order())
    page = client.get("/orders/refund").get_data(as_text=True)
    assert 'data-confirm="Retirer cette ligne de l\'état ?"' in page


def test_the_csv_lists_the_lines_the_totals_and_the_shares(client, login):
    buyer = LocalAuthorityFactory()
    OrderFactory(buyer=buyer.organisation, number="BC-1", payment_reference="M-1")
    login(buyer)
    client.post("/orders/refund/orders/new", data=external_order())
    response = client.get("/orders/refund/statement.csv")
    assert response.mimetype == "text/csv"
    rows = response.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert rows[0].startswith("Section;Code;Fournisseur;Numéro de commande")
    assert rows[1].split(";")[:8] == ["A", "A1", rows[1].split(";")[2], "BC-1", "2020-04-20", "50000", "0,9495", "47475,00"]
    assert rows[1].split(";")[-3:] == ["21000,00", "M-1", ""]
    assert rows[2].split(";")[:2] == ["B", "B1"] and rows[2].split(";")[10] == "1000,00"
    assert rows[-1] == ";Total;;50575,00;;22000,00"


def test_the_csv_never_hands_a_spreadsheet_a_formula_typed_by_a_user(client, login):
    login(LocalAuthorityFactory())
    client.post("/orders/refund/orders/new", data=external_order(supplier='=HYPERLINK("http://evil.example";"Facture")',
                                                           number="+33-1", payment_reference="@SUM(A1)"))
    body = client.get("/orders/refund/statement.csv").get_data(as_text=True).lstrip("\ufeff")
    cells = [cell for line in csv.reader(io.StringIO(body), delimiter=";") for cell in line]
    assert "'=HYPERLINK(\"http://evil.example\";\"Facture\")" in cells and "'+33-1" in cells and "'@SUM(A1)" in cells
    # What a spreadsheet would run: a cell starting with =, +, -, @, a tab or a carriage return
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "@", "\t", "\r") or (cell[:1] == "-" and not cell[1:2].isdigit())]


def test_another_organisation_or_a_company_cannot_reach_a_statement(client, login):
    login(UserFactory())  # a company
    assert client.get("/orders/refund").status_code == 404
    assert client.get("/orders/refund/statement.pdf").status_code == 404
    assert client.post("/orders/refund/orders/new", data=external_order()).status_code == 404


def test_someone_elses_entries_cannot_be_removed(client, login):
    owner = LocalAuthorityFactory()
    login(owner)
    client.post("/orders/refund/orders/new", data=external_order())
    record_id = db.session.scalar(select(ExternalOrder.id))
    client.post("/auth/logout")
    login(LocalAuthorityFactory(organisation=OrganisationFactory(kind="local_authority", authority_type="commune")))
    client.post(f"/orders/refund/external/{record_id}/remove")
    assert db.session.get(ExternalOrder, record_id) is not None
    assert "EXT-17" not in client.get("/orders/refund").get_data(as_text=True)
