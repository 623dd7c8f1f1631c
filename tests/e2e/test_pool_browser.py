import pytest

from marketplace.domain.organisations import OrganisationKind
from tests.conftest import PASSWORD
from tests.factories import OrganisationFactory, SectorReferentFactory, UserFactory

pytestmark = pytest.mark.e2e


def log_in(page, base_url, user):
    page.goto(f"{base_url}/auth/login")
    page.get_by_label("E-mail").fill(user.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_role("link", name=user.full_name).wait_for()


def log_out(page):
    page.get_by_role("button", name="Se déconnecter").click()


def test_three_smes_join_a_pool_that_the_referent_submits_as_one_demand(live_server, page):
    referent = SectorReferentFactory(full_name="Hélène Bois-Référente",
                                     organisation__name="Fédération Bois Bretagne", organisation__sector="Bois")
    smes = [
        UserFactory(full_name=name, organisation=OrganisationFactory(name=company, kind=OrganisationKind.COMPANY, headcount=45))
        for name, company in [("Anne Scierie", "Scierie de l'Elorn"), ("Bruno Menuisier", "Menuiserie du Léon"),
                              ("Chloé Charpente", "Charpentes de Cornouaille")]
    ]

    log_in(page, live_server.url, referent)
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Mes achats groupés").click()
    page.get_by_role("link", name="Ouvrir un achat groupé").click()
    page.get_by_label("Catégorie de masque").select_option("UNS1")
    page.get_by_label("Région de livraison").select_option("53")
    page.get_by_label("Département de livraison").select_option("29")
    page.get_by_label("Prix plafond unitaire HT (€)").fill("0.60")
    page.get_by_label("Date souhaitée").fill("2099-06-01")
    page.get_by_role("button", name="Ouvrir l'achat groupé").click()
    page.get_by_text("Votre achat groupé est ouvert.").wait_for()
    log_out(page)

    for user, quantity in zip(smes, ("20000", "18000", "12000")):
        log_in(page, live_server.url, user)
        page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Mes achats groupés").click()
        page.get_by_label("Votre filière", exact=True).select_option("Bois")
        page.get_by_role("button", name="Afficher les achats groupés").click()
        page.get_by_role("link", name="UNS1 (grand public catégorie 1), livré en Bretagne, par Fédération Bois Bretagne").click()
        page.get_by_label("Votre quantité (unités)").fill(quantity)
        page.get_by_label("Mon entreprise est une PME de cette filière").check()
        page.get_by_role("button", name="Rejoindre l'achat groupé").click()
        page.get_by_text("Votre quantité est enregistrée dans l'achat groupé.").wait_for()
        log_out(page)

    log_in(page, live_server.url, referent)
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Mes achats groupés").click()
    page.get_by_role("link", name="UNS1 (grand public catégorie 1)").click()
    page.get_by_text("50\u202f000 unités réunies, pour un minimum de 50\u202f000 unités").wait_for()
    for company in ("Scierie de l'Elorn", "Menuiserie du Léon", "Charpentes de Cornouaille"):
        page.get_by_role("cell", name=company).wait_for()
    page.get_by_role("button", name="Soumettre l'achat groupé comme une seule demande").click()
    page.get_by_text("L'achat groupé est soumis comme une seule demande.").wait_for()
    page.get_by_role("link", name="Voir la demande").click()
    page.get_by_role("heading", name="Demande de 50\u202f000 masques UNS1 (grand public catégorie 1)").wait_for()

    assert [len(live_server.outbox.to(user.email)) for user in smes] == [1, 1, 1]
