import pytest

from marketplace.extensions import db
from marketplace.models import Certification, Offer
from tests.factories import AdminFactory, ProducerFactory
from tests.support.browser import log_in, log_out
from tests.support.pdf import make_pdf

pytestmark = pytest.mark.e2e


def test_a_producer_certifies_lists_the_admin_approves_and_the_offer_is_in_the_catalogue(live_server, page, tmp_path):
    producer = ProducerFactory(organisation__name="Masques de Cornouaille", organisation__departement_code="29")
    admin = AdminFactory(admin_region_code="53")
    report = tmp_path / "rapport.pdf"
    report.write_bytes(make_pdf())

    # The producer declares an FFP2 certification with its PDF report.
    log_in(page, live_server, producer)
    page.get_by_role("link", name="Mes certifications et offres").click()
    page.get_by_role("link", name="Déclarer une certification").click()
    page.get_by_label("Catégorie de masque").select_option("FFP2")
    page.get_by_label("Organisme d'essai").select_option("notified_body")
    page.get_by_label("Nom du laboratoire").fill("Apave Certification")
    page.get_by_label("Référence du rapport d'essai").fill("RE-2020-0412")
    page.get_by_label("Date du rapport d'essai").fill("2020-04-12")
    page.get_by_label("Rapport d'essai (PDF)").set_input_files(str(report))
    page.get_by_role("button", name="Envoyer pour vérification").click()
    page.get_by_text("En attente de vérification").first.wait_for()
    log_out(page)

    # The regional administrator verifies it from the moderation queue.
    log_in(page, live_server, admin)
    page.goto(f"{live_server.url}/admin/")
    page.get_by_role("link", name="Modération : certifications et offres à décider").click()
    page.get_by_role("link", name="FFP2").click()
    page.get_by_role("button", name="Vérifier").click()
    page.get_by_text("La certification est vérifiée").wait_for()
    log_out(page)

    # The producer lists an offer and submits it.
    log_in(page, live_server, producer)
    page.get_by_role("link", name="Mes certifications et offres").click()
    page.get_by_role("link", name="Publier une offre").click()
    page.get_by_label("Catégorie de masque").select_option("FFP2")
    page.get_by_label("Quantité disponible (unités)").fill("120000")
    page.get_by_label("Prix unitaire hors taxes (€)").fill("0,90")
    page.get_by_label("Livraison").select_option("all")
    page.get_by_label("Disponible à partir du").fill("2020-05-04")
    page.get_by_role("button", name="Soumettre à la modération").click()
    page.get_by_text("En attente de modération").wait_for()
    log_out(page)

    # The administrator approves it; it appears in the public catalogue, with and without tax.
    log_in(page, live_server, admin)
    page.goto(f"{live_server.url}/admin/moderation")
    page.get_by_label("Sélectionner l'offre", exact=False).check()
    page.get_by_role("button", name="Approuver les offres sélectionnées").click()
    page.get_by_text("1 offre approuvée.").wait_for()
    log_out(page)

    page.get_by_role("link", name="Catalogue").click()
    row = page.get_by_role("row").filter(has_text="Masques de Cornouaille")
    row.wait_for()
    assert "120\u202f000" in row.inner_text() and "0,90\xa0€" in row.inner_text() and "0,95\xa0€" in row.inner_text()
    assert db.session.scalars(db.select(Certification.status)).one() == "verified"
    assert db.session.scalars(db.select(Offer.status)).one() == "approved"
