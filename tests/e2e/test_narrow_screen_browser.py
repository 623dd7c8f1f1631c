import pytest

from marketplace.domain.offers import OfferStatus
from tests.factories import AdminFactory, CertificationFactory, OfferFactory, ProducerFactory, UserFactory

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}


def log_in(page, live_server, user):
    page.goto(f"{live_server.url}/auth/login")
    page.get_by_label("E-mail").fill(user.email)
    page.get_by_label("Mot de passe").fill("correct horse battery")
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_text("Vous êtes connecté(e)").wait_for()


def page_width(page, live_server, path):
    page.goto(f"{live_server.url}{path}")
    return page.evaluate("document.documentElement.scrollWidth")


def test_key_pages_do_not_scroll_sideways_on_a_390_px_phone(live_server, page):
    producer = ProducerFactory(organisation__name="Filtres et Textiles Techniques de Bretagne Occidentale")
    certification = CertificationFactory(organisation=producer.organisation)
    OfferFactory(certification=certification, regions=["53", "52", "28", "76"])
    OfferFactory(certification=certification, status=OfferStatus.SUBMITTED)
    buyer = UserFactory(email="direction.achats.equipements.protection@aerocomposants-toulouse-blagnac.example.fr")
    admin = AdminFactory(admin_region_code="53")
    page.set_viewport_size(PHONE)

    log_in(page, live_server, buyer)
    assert page_width(page, live_server, "/catalogue") <= 390  # with the buyers' "Request" column
    assert page_width(page, live_server, "/auth/account") <= 390  # with a long e-mail address
    page.context.clear_cookies()

    log_in(page, live_server, producer)
    assert page_width(page, live_server, "/producers-area/") <= 390
    page.context.clear_cookies()

    log_in(page, live_server, admin)
    assert page_width(page, live_server, "/admin/moderation") <= 390
    assert page_width(page, live_server, "/admin/audit") <= 390
