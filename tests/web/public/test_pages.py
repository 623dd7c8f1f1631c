import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from redis import Redis

from marketplace import create_app
from tests.factories import OrganisationFactory, ProducerFactory, UserFactory


def test_the_home_page_explains_the_marketplace_in_french_with_signup_and_login_links(client):
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="fr">' in page
    assert "Des masques en quantités industrielles, auprès de producteurs certifiés" in page
    assert "Inscrire votre organisation" in page and "Se connecter" in page
    assert "/producers" in page


def test_a_visitor_switches_to_english_and_back(client):
    client.post("/language/en", data={"next": "/producers"})
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="en">' in page
    assert "Register your organisation" in page
    client.post("/language/fr")
    assert "Inscrire votre organisation" in client.get("/").get_data(as_text=True)


def test_an_unknown_language_is_a_404(client):
    assert client.post("/language/de").status_code == 404


def test_the_producers_directory_lists_certified_producers_by_region(client):
    from tests.factories import CertificationFactory

    CertificationFactory(organisation__name="Filtres de Bretagne", organisation__kind="producer", organisation__region_code="53")
    CertificationFactory(
        organisation__name="Masques du Sud", organisation__kind="importer",
        organisation__region_code="76", organisation__departement_code="31",
    )
    OrganisationFactory(name="Producteur sans certification", kind="producer")

    everything = client.get("/producers").get_data(as_text=True)
    assert "Filtres de Bretagne" in everything and "Masques du Sud" in everything
    assert "Producteur sans certification" not in everything
    bretagne = client.get("/producers?region=53").get_data(as_text=True)
    assert "Masques du Sud" not in bretagne


def test_every_message_of_the_interface_has_a_french_translation(app, tmp_path):
    root = Path(app.root_path).parent
    template = tmp_path / "check.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg", "-k", "_l", "-k", "N_",
         "--no-location", "-o", str(template), "."],
        cwd=root, check=True, capture_output=True,
    )
    with open(template, "rb") as handle:
        wanted = {m.id for m in read_po(handle) if m.id}
    with open(root / "marketplace/translations/fr/LC_MESSAGES/messages.po", "rb") as handle:
        translated = {m.id for m in read_po(handle) if m.id and m.string}
    assert sorted(wanted - translated) == []


def test_unknown_pages_get_a_french_404_page(client):
    response = client.get("/nowhere")
    assert response.status_code == 404
    assert "Cette page n&#39;existe pas." in response.get_data(as_text=True)


def test_the_api_answers_errors_in_json(client):
    response = client.get("/api/v1/nowhere")
    assert response.status_code == 404
    assert response.get_json()["error"]["status"] == 404


def test_the_api_lists_regions_with_their_departements(client):
    regions = client.get("/api/v1/regions").get_json()["regions"]
    bretagne = next(r for r in regions if r["code"] == "53")
    assert {d["code"] for d in bretagne["departements"]} == {"22", "29", "35", "56"}


@pytest.mark.parametrize("factory, orders", [(ProducerFactory, "/producers-area/orders"), (UserFactory, "/buyers/orders")])
def test_producers_and_buyers_find_their_orders_in_the_menu(client, login, factory, orders):
    login(factory())
    page = client.get("/").get_data(as_text=True)
    assert f'<a class="nav-link" href="{orders}">Mes commandes</a>' in page


def test_the_confirmation_script_is_served_and_loaded_by_every_page(client):
    script = client.get("/static/js/app.js").get_data(as_text=True)
    assert "data-confirm" in script and "confirm(" in script
    assert "/static/js/app.js" in client.get("/").get_data(as_text=True)


@pytest.fixture
def production_client(monkeypatch, tmp_path, sqlite_template):
    """A client of the production app (https forced), on a copy of the migrated SQLite schema."""
    database = tmp_path / "production.sqlite3"
    database.write_bytes(sqlite_template.read_bytes())
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("SITE_URL", "https://masques.example.fr")  # production answers only this host
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{database}")
    monkeypatch.delenv("REDIS_URL", raising=False)
    return create_app("production").test_client()


@pytest.mark.parametrize("path", ["/api/v1/health", "/api/v1/ready"])
def test_health_and_readiness_answer_a_plain_http_probe_where_production_forces_https(production_client, path):
    plain_http = "http://masques.example.fr"  # the test client would otherwise speak PREFERRED_URL_SCHEME, https
    assert production_client.get("/catalogue", base_url=plain_http).status_code == 302  # every other page: https
    response = production_client.get(path, base_url=plain_http)
    assert response.status_code == 200
    assert response.get_json()["status"] in ("ok", "ready")


def test_readiness_says_which_server_does_not_answer(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", "redis://127.0.0.1:9/0")  # nothing listens on the discard port
    response = client.get("/api/v1/ready")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable", "database": "ok", "redis": "ConnectionError"}
    monkeypatch.setattr(Redis, "ping", lambda self: True)
    assert client.get("/api/v1/ready").get_json() == {"status": "ready", "database": "ok", "redis": "ok"}
