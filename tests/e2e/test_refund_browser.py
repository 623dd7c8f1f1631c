"""In a real browser: a commune completes its refund statement, downloads it, and its region's admin reads it."""
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.factories import AdminFactory, LocalAuthorityFactory, OfferFactory, OrderFactory, OrganisationFactory
from tests.support.browser import log_in, log_out
from tests.support.pdf import pdf_text

pytestmark = pytest.mark.e2e

NUMBER = "BC-2020-0412"


def euros(text):
    """Write an amount as the French pages do: "21 000,00 €" with a narrow no-break space and a no-break space."""
    return text.replace(" ", "\u202f") + "\u00a0€"


def order_row(page, section, code):
    return page.get_by_role("region", name=section).get_by_role("row").filter(
        has=page.get_by_role("rowheader", name=code, exact=True))


def download(page, link_name):
    """Click a download link; return the response's content type, the file's suggested name and its bytes."""
    with page.expect_response(lambda r: "/statement." in r.url) as response, page.expect_download() as started:
        page.get_by_role("link", name=link_name).click()
    return response.value.headers["content-type"], started.value.suggested_filename, Path(started.value.path()).read_bytes()


def test_a_commune_completes_and_downloads_its_statement_and_the_regions_admin_reads_it(live_server, page):
    mayor_office = LocalAuthorityFactory(full_name="Gaëlle Le Goff", organisation__name="Ville de Rennes")
    producer = OrganisationFactory(kind="producer", name="Masques de Cornouaille", departement_code="29")
    # 50 000 FFP2 at 0,90 € HT, VAT 5,5 %: 47 475,00 € TTC, ordered on 20 April 2020 (in the period).
    OrderFactory(buyer=mayor_office.organisation, number=NUMBER, offer=OfferFactory(certification__organisation=producer))
    admin = AdminFactory(admin_region_code="53", full_name="Admin Bretagne")

    # The commune opens its statement: A1 is refunded 0,5 × 50 000 × 0,84 € = 21 000,00 €.
    log_in(page, live_server, mayor_office)
    page.get_by_role("link", name="Remboursement de l'État").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("État récapitulatif pour le remboursement de l'État")
    a1 = order_row(page, "A. Masques à usage unique", "A1")
    expect(a1).to_contain_text(NUMBER)
    expect(a1).to_contain_text("50\u202f000")
    expect(a1).to_contain_text("0,9495\u00a0€")
    expect(a1).to_contain_text(euros("47 475,00"))
    expect(a1).to_contain_text(euros("21 000,00"))
    expect(page.get_by_text("Total de la participation demandée")).to_have_text(
        f"Total de la participation demandée : {euros('21 000,00')}")

    # It adds 1 000 reusable masks bought elsewhere for 3 100,00 € TTC, i.e. 3,10 € each, above the 2,00 € cap:
    # B1 is refunded 0,5 × 1 000 × 2,00 € = 1 000,00 €, not 0,5 × 3 100,00 €.
    page.get_by_role("link", name="Ajouter une commande passée hors de la plateforme").click()
    page.get_by_label("Masques", exact=True).select_option(label="Masques réutilisables")
    page.get_by_label("Fournisseur").fill("Atelier Textile Breton")
    page.get_by_label("Numéro de commande").fill("EXT-17")
    page.get_by_label("Date de commande").fill("2020-04-25")
    page.get_by_label("Quantité (masques)").fill("1000")
    page.get_by_label("Total TTC (€)").fill("3 100,00")
    page.get_by_label("Référence du mandat de paiement").fill("M-2020-0300")
    page.get_by_label("Date du paiement").fill("2020-05-20")
    page.get_by_role("button", name="Ajouter à l'état").click()
    expect(page.get_by_text("Ajouté à votre état récapitulatif.")).to_be_visible()
    b1 = order_row(page, "B. Masques réutilisables", "B1")
    expect(b1).to_contain_text("EXT-17")
    expect(b1).to_contain_text("3,10\u00a0€")
    expect(b1).to_contain_text(euros("3 100,00"))
    expect(b1).to_contain_text(euros("1 000,00"))
    expect(page.get_by_text("Total de la participation demandée")).to_contain_text(euros("22 000,00"))

    # The EU funded 4 000,00 € of A1: deducted from the capped 42 000,00 € before halving,
    # 0,5 × (42 000,00 − 4 000,00) = 19 000,00 €; the total claimed becomes 19 000,00 + 1 000,00 = 20 000,00 €.
    page.get_by_role("link", name="Enregistrer un financement extérieur").click()
    page.get_by_label("Commande", exact=True).select_option(label=f"A1 – Masques de Cornouaille – {NUMBER}")
    page.get_by_label("Financeur").fill("Union européenne")
    page.get_by_label("Masques financés").fill("10000")
    page.get_by_label("Montant reçu (€)").fill("4 000,00")
    page.get_by_label("Référence du justificatif").fill("UE-42")
    page.get_by_role("button", name="Ajouter à l'état").click()
    expect(page.get_by_text("Ajouté à votre état récapitulatif.")).to_be_visible()
    expect(a1).to_contain_text(euros("4 000,00"))
    expect(a1).to_contain_text(euros("19 000,00"))
    section_a_total = page.get_by_role("region", name="A. Masques à usage unique").locator("tfoot")
    expect(section_a_total).to_contain_text(euros("19 000,00"))
    expect(page.get_by_role("region", name="Financements extérieurs reçus")).to_contain_text("UE-42")
    expect(page.get_by_text("Total de la participation demandée")).to_contain_text(euros("20 000,00"))
    expect(page.get_by_text("enregistrez la référence du mandat de paiement de : A1.")).to_be_visible()

    # The PDF and the CSV.
    content_type, name, body = download(page, "Télécharger l'état récapitulatif (PDF)")
    assert content_type == "application/pdf" and name == "etat-recapitulatif-ville-de-rennes.pdf"
    text = pdf_text(body)
    for expected in ("Ville de Rennes", NUMBER, "EXT-17", "UE-42", "20 000,00 €"):
        assert expected in text, expected
    content_type, name, body = download(page, "Télécharger en CSV")
    assert content_type == "text/csv; charset=utf-8" and name == "etat-recapitulatif-ville-de-rennes.csv"
    rows = [row.split(";") for row in body.decode("utf-8-sig").splitlines()]
    # section, code, supplier, number, date, quantity, unit price, total, cap, funding, refund, mandat, paid on
    assert rows[1] == ["A", "A1", "Masques de Cornouaille", NUMBER, "2020-04-20", "50000", "0,9495", "47475,00", "0,84",
                       "4000,00", "19000,00", "", ""]
    assert rows[2] == ["B", "B1", "Atelier Textile Breton", "EXT-17", "2020-04-25", "1000", "3,1000", "3100,00", "2,00",
                       "0,00", "1000,00", "M-2020-0300", "2020-05-20"]
    assert rows[-1] == ["", "Total", "", "50575,00", "", "20000,00"]
    log_out(page)

    # The region's administrator finds the commune in the list and opens the same statement, read-only.
    log_in(page, live_server, admin)
    page.get_by_role("link", name="Administration").click()
    page.get_by_role("link", name="États récapitulatifs des collectivités").click()
    listed = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Ville de Rennes"))
    for figure in ("Bretagne", "51\u202f000", euros("50 575,00"), euros("20 000,00"), "Mandat manquant : A1"):
        expect(listed).to_contain_text(figure)
    listed.get_by_role("link", name="Ville de Rennes", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("État récapitulatif pour le remboursement de l'État")
    expect(page.get_by_text("Ville de Rennes ·")).to_be_visible()
    expect(order_row(page, "A. Masques à usage unique", "A1")).to_contain_text(euros("19 000,00"))
    expect(order_row(page, "B. Masques réutilisables", "B1")).to_contain_text(euros("1 000,00"))
    expect(page.get_by_text("Total de la participation demandée")).to_contain_text(euros("20 000,00"))
    expect(page.get_by_text("la référence du mandat de paiement manque pour A1.")).to_be_visible()
    expect(page.get_by_role("link", name="Ajouter une commande passée hors de la plateforme")).to_have_count(0)
    expect(page.get_by_role("link", name="Enregistrer un financement extérieur")).to_have_count(0)
    expect(page.locator("main form")).to_have_count(0)  # no remove button either
    content_type, name, body = download(page, "Télécharger l'état récapitulatif (PDF)")
    assert content_type == "application/pdf" and body.startswith(b"%PDF")
