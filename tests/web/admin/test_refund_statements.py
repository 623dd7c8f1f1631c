"""Administrators see the local authorities' refund statements of their regions, read-only."""
import re
from datetime import UTC, date, datetime
from html import unescape

import pytest
from sqlalchemy import event

from marketplace.extensions import db
from marketplace.models import BeneficiaryShare, ExternalFunding
from marketplace.services import refunds
from tests.factories import (
    AdminFactory,
    CertificationFactory,
    LocalAuthorityFactory,
    NationalAdminFactory,
    OfferFactory,
    OrderFactory,
    OrganisationFactory,
    ProducerFactory,
    UserFactory,
)
from tests.support.pdf import pdf_text

OCCITANIE = {"region_code": "76", "departement_code": "31"}


def commune(name, **where):
    return OrganisationFactory(name=name, kind="local_authority", authority_type="commune", **where)


def row_of(page, name):
    """Return the text of each cell of the list's row of one body."""
    row = re.search(rf"<tr>\s*<th scope=\"row\"><a [^>]*>{re.escape(name)}</a></th>(.*?)</tr>", page, re.S)
    assert row, f"no row for {name}"
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)
    return [" ".join(unescape(re.sub(r"<[^>]+>", " ", cell)).split()) for cell in cells]


def rennes_with_three_eligible_orders():
    """Ville de Rennes: A1 from the marketplace, A2 made elsewhere, B1 reusable, and a late order."""
    mayor_office = LocalAuthorityFactory(organisation__name="Ville de Rennes")
    rennes = mayor_office.organisation
    # 50 000 × 0,90 HT × 1,055 = 47 475,00 TTC; 50 000 × 0,84 = 42 000,00 → 21 000,00
    OrderFactory(buyer=rennes, number="BC-FFP2", payment_reference="M-2020-0101")
    # 2 000 × 2,50 HT × 1,055 = 5 275,00 TTC; 2 000 × 2,00 = 4 000,00 → 2 000,00 (no payment reference yet)
    OrderFactory(buyer=rennes, number="BC-UNS1", quantity=2_000, unit_price_cents=250, offer=OfferFactory(
        certification=CertificationFactory(category="UNS1", reusable=True, standard="DGA 3 µm")))
    # ordered on 2 June: outside the period, not counted
    OrderFactory(buyer=rennes, number="BC-LATE", created_at=datetime(2020, 6, 2, 9, tzinfo=UTC))
    # 10 000 single-use masks for 5 000,00 TTC, i.e. 0,50 each, under the 0,84 cap → 2 500,00
    refunds.add_external_order(mayor_office, {
        "kind": "single_use", "supplier": "Pharmacie du Thabor", "number": "EXT-1", "order_date": date(2020, 4, 25),
        "quantity": 10_000, "total_ttc_cents": 500_000, "payment_reference": "M-2020-0102",
        "payment_date": date(2020, 5, 2)})
    return mayor_office


def test_the_list_shows_each_local_authority_of_the_region_with_its_statement_totals(client, login):
    rennes = rennes_with_three_eligible_orders().organisation
    commune("Commune de Vitré")
    commune("Ville de Toulouse", **OCCITANIE)
    OrganisationFactory(name="Aéro Composants Rennes")  # a company: no statement
    login(AdminFactory(admin_region_code="53"))

    page = client.get("/admin/refunds").get_data(as_text=True)

    # 3 orders, 62 000 masks, 47 475,00 + 5 000,00 + 5 275,00 = 57 750,00 TTC, 21 000 + 2 500 + 2 000 = 25 500,00
    assert row_of(page, "Ville de Rennes") == [
        "Bretagne", "3", "62 000", "57 750,00 €", "25 500,00 €", "Mandat manquant : B1", "PDF · CSV"]
    assert row_of(page, "Commune de Vitré") == [
        "Bretagne", "0", "0", "0,00 €", "0,00 €", "Aucune commande éligible", "PDF · CSV"]
    assert "Ville de Toulouse" not in page and "Aéro Composants Rennes" not in page
    for url in ("", "/statement.pdf", "/statement.csv"):
        assert f'href="/admin/refunds/{rennes.id}{url}"' in page


def test_a_statement_whose_orders_all_have_their_mandat_is_ready_to_sign(client, login):
    OrderFactory(buyer=commune("Commune de Dinan"), payment_reference="M-1")
    login(AdminFactory(admin_region_code="53"))
    page = client.get("/admin/refunds").get_data(as_text=True)
    assert row_of(page, "Commune de Dinan")[1:6] == ["1", "50 000", "47 475,00 €", "21 000,00 €", "Prêt à être signé"]


def test_the_regional_admin_reads_the_statement_and_its_documents_without_editing_controls(client, login):
    mayor_office = rennes_with_three_eligible_orders()
    rennes = mayor_office.organisation
    admin = AdminFactory(admin_region_code="53")
    login(admin)

    response = client.get(f"/admin/refunds/{rennes.id}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Ville de Rennes" in page and "Bretagne" in page
    for text in ("A1", "A2", "B1", "BC-FFP2", "EXT-1", "BC-UNS1", "21\u202f000,00\u00a0€", "2\u202f500,00\u00a0€",
                 "Total de la participation demandée : 25\u202f500,00\u00a0€", "BC-LATE"):
        assert text in page, text
    assert "la référence du mandat de paiement manque pour B1" in page
    assert f'href="/admin/refunds/{rennes.id}/statement.pdf"' in page
    assert f'href="/admin/refunds/{rennes.id}/statement.csv"' in page
    # No way to change the body's statement: no add links, no remove buttons, no form at all in the content.
    content = page.split('<main id="main"', 1)[1]
    assert "/orders/refund/" not in content and "Supprimer" not in content and "<form" not in content

    pdf = client.get(f"/admin/refunds/{rennes.id}/statement.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert 'filename="etat-recapitulatif-ville-de-rennes.pdf"' in pdf.headers["Content-Disposition"]
    text = pdf_text(pdf.data)
    assert "Ville de Rennes" in text and "25 500,00 €" in text

    csv = client.get(f"/admin/refunds/{rennes.id}/statement.csv")
    assert csv.status_code == 200 and csv.mimetype == "text/csv"
    rows = csv.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert [row.split(";")[1] for row in rows[1:4]] == ["A1", "A2", "B1"]
    assert rows[-1] == ";Total;;57750,00;;25500,00"


def test_the_body_still_edits_its_own_statement_from_the_same_page(client, login):
    mayor_office = rennes_with_three_eligible_orders()
    login(mayor_office)
    page = client.get("/orders/refund").get_data(as_text=True)
    assert "Ville de Rennes" in page and "Total de la participation demandée : 25\u202f500,00\u00a0€" in page
    assert 'href="/orders/refund/orders/new"' in page and 'href="/orders/refund/funding/new"' in page
    assert "/orders/refund/external/" in page  # the remove button of EXT-1
    assert 'href="/orders/refund/statement.pdf"' in page and "/admin/refunds" not in page


def test_an_admin_of_another_region_gets_403_and_does_not_see_the_body_listed(client, login):
    toulouse = commune("Ville de Toulouse", **OCCITANIE)
    OrderFactory(buyer=toulouse)
    login(AdminFactory(admin_region_code="53"))
    for url in ("", "/statement.pdf", "/statement.csv"):
        assert client.get(f"/admin/refunds/{toulouse.id}{url}").status_code == 403, url
    assert "Ville de Toulouse" not in client.get("/admin/refunds").get_data(as_text=True)


def test_the_national_admin_sees_every_regions_local_authorities(client, login):
    toulouse = commune("Ville de Toulouse", **OCCITANIE)
    OrderFactory(buyer=toulouse)
    commune("Ville de Rennes")
    login(NationalAdminFactory())
    page = client.get("/admin/refunds").get_data(as_text=True)
    assert row_of(page, "Ville de Toulouse")[:2] == ["Occitanie", "1"]
    assert row_of(page, "Ville de Rennes")[:2] == ["Bretagne", "0"]
    for url in ("", "/statement.pdf", "/statement.csv"):
        assert client.get(f"/admin/refunds/{toulouse.id}{url}").status_code == 200, url


def test_an_organisation_that_is_not_a_local_authority_has_no_statement(client, login):
    company = OrganisationFactory(name="Aéro Composants Rennes")
    login(AdminFactory(admin_region_code="53"))
    assert client.get(f"/admin/refunds/{company.id}").status_code == 404
    assert client.get("/admin/refunds/999999").status_code == 404


@pytest.mark.parametrize("factory", [UserFactory, LocalAuthorityFactory, ProducerFactory])
def test_buyers_producers_and_the_body_itself_get_403_on_the_admin_pages(client, login, factory):
    user = factory()
    rennes = commune("Ville de Rennes") if not user.organisation.is_local_authority else user.organisation
    login(user)
    for url in ("/admin/refunds", f"/admin/refunds/{rennes.id}", f"/admin/refunds/{rennes.id}/statement.pdf",
                f"/admin/refunds/{rennes.id}/statement.csv"):
        assert client.get(url).status_code == 403, url


def test_the_administration_menu_links_to_the_statements(client, login):
    login(AdminFactory(admin_region_code="53"))
    dashboard = client.get("/admin/").get_data(as_text=True)
    assert 'href="/admin/refunds"' in dashboard and "États récapitulatifs des collectivités" in dashboard


def bodies_in_different_situations():
    """Rennes (mixed, a mandat missing), a funded and paid body, an overseas one, one with only a late order."""
    rennes = rennes_with_three_eligible_orders().organisation
    funded = commune("Commune de Fougères")
    order = OrderFactory(buyer=funded, payment_reference="M-7")
    db.session.add(ExternalFunding(organisation_id=funded.id, order_id=order.id, funder="FEDER", masks_funded=5_000,
                                   amount_cents=400_000, receipt_reference="R-1"))
    db.session.add(BeneficiaryShare(organisation_id=funded.id, order_id=order.id, beneficiary="CCAS de Fougères",
                                    paid_cents=1_000_000))
    db.session.commit()
    overseas = commune("Ville de Saint-Denis", region_code="04", departement_code="974")
    OrderFactory(buyer=overseas, quantity=3_000, unit_price_cents=240, payment_reference="M-8", offer=OfferFactory(
        certification=CertificationFactory(category="UNS1", reusable=True, standard="DGA 3 µm")))
    late = commune("Commune de Vannes")
    OrderFactory(buyer=late, created_at=datetime(2020, 6, 2, 9, tzinfo=UTC), payment_reference="M-9")
    return [rennes, funded, overseas, late]


def csv_figures(csv):
    """Return the eligible orders, masks, total incl. tax and refund of a statement's CSV."""
    rows = [row.split(";") for row in csv.lstrip("\ufeff").splitlines()]
    coded = [row for row in rows[1:] if len(row) > 5 and re.fullmatch(r"[ABC]\d+", row[1])]
    total = next(row for row in rows if row[:2] == ["", "Total"])
    return [str(len(coded)), str(sum(int(row[5]) for row in coded)), total[3], total[5]]


def plain(text):
    """Write a figure of the page as the CSV does: 57 750,00 € -> 57750,00."""
    return re.sub(r"[\s€]", "", text)


def test_the_list_shows_exactly_the_figures_of_each_bodys_statement(client, login):
    bodies = bodies_in_different_situations()
    login(NationalAdminFactory())
    listing = client.get("/admin/refunds").get_data(as_text=True)
    for body in bodies:
        _, orders, masks, total_ttc, refund, status, _ = row_of(listing, body.name)
        page = client.get(f"/admin/refunds/{body.id}").get_data(as_text=True)
        csv = client.get(f"/admin/refunds/{body.id}/statement.csv").get_data(as_text=True)
        claimed = re.search(r"Total de la participation demandée : ([^<]+)</p>", page).group(1)
        assert [plain(orders), plain(masks), plain(total_ttc), plain(refund)] == csv_figures(csv), body.name
        assert plain(refund) == plain(claimed), body.name
        warning = re.search(r'class="alert alert-warning"[^>]*>([^<]*)<', page)
        assert re.findall(r"[ABC]\d+", status) == re.findall(r"[ABC]\d+", warning.group(1) if warning else ""), body.name
        assert (status == "Prêt à être signé") == ('class="alert alert-success"' in page), body.name
    # The situations differ: a mandat missing, ready to sign, overseas cap, nothing eligible.
    assert [row_of(listing, body.name)[5] for body in bodies] == [
        "Mandat manquant : B1", "Prêt à être signé", "Prêt à être signé", "Aucune commande éligible"]
    # 3 000 × 2,40 HT × 1,055 = 7 596,00 TTC, over the overseas cap: 3 000 × 2,50 = 7 500,00 → 3 750,00
    assert row_of(listing, "Ville de Saint-Denis")[4] == "3 750,00 €"


def test_the_list_reads_a_page_of_bodies_in_a_constant_number_of_queries(app, client, login):
    login(AdminFactory(admin_region_code="53"))

    def queries_of_the_list():
        count = [0]

        def counted(*args):
            count[0] += 1

        event.listen(db.engine, "before_cursor_execute", counted)
        try:
            assert client.get("/admin/refunds").status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", counted)
        return count[0]

    bodies_in_different_situations()
    few = queries_of_the_list()
    for n in range(12):
        body = commune(f"Commune {n:02d}")
        OrderFactory(buyer=body, payment_reference=f"M-{n}")
        OrderFactory(buyer=body, quantity=2_000, unit_price_cents=250, offer=OfferFactory(
            certification=CertificationFactory(category="UNS1", reusable=True, standard="DGA 3 µm")))
    assert queries_of_the_list() == few
