import re

import pytest
from playwright.sync_api import expect

from marketplace.demo import make_siret

pytestmark = pytest.mark.e2e


def confirmation_link(outbox, address):
    [mail] = outbox.to(address)
    return re.search(r"https?://\S+/auth/confirm/\S+", outbox.text(mail)).group(0)


def test_a_newcomer_signs_up_confirms_the_email_from_the_outbox_and_logs_in(live_server, page):
    page.goto(live_server.url)
    page.get_by_role("link", name="Inscrire votre organisation").first.click()

    page.get_by_label("Nom de l'organisation").fill("Masques de Cornouaille")
    page.get_by_label("SIRET").fill(make_siret(77))
    page.get_by_label("Type d'organisation").select_option("producer")
    page.get_by_label("Région").select_option("53")
    page.get_by_label("Département").select_option("29")
    page.get_by_label("Effectif").fill("35")
    page.get_by_label("Vos prénom et nom").fill("Yann Kerhervé")
    page.get_by_label("Votre e-mail professionnel").fill("yann@cornouaille.fr")
    page.get_by_label("Mot de passe", exact=True).fill("un mot de passe solide")
    page.get_by_label("Confirmez le mot de passe").fill("un mot de passe solide")
    page.get_by_role("button", name="S'inscrire").click()
    expect(page.get_by_text("Votre organisation est inscrite.")).to_be_visible()

    link = confirmation_link(live_server.outbox, "yann@cornouaille.fr")
    page.goto(link.replace("http://localhost", live_server.url))
    expect(page.get_by_text("Votre adresse e-mail est confirmée.")).to_be_visible()

    page.get_by_label("E-mail").fill("yann@cornouaille.fr")
    page.get_by_label("Mot de passe").fill("un mot de passe solide")
    page.get_by_role("button", name="Se connecter").click()

    page.get_by_role("link", name="Yann Kerhervé").click()
    expect(page.get_by_role("heading", name="Masques de Cornouaille")).to_be_visible()
