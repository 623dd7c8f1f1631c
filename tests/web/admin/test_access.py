import pytest

from marketplace.extensions import db
from marketplace.services.audit import record_decision
from tests.factories import AdminFactory, NationalAdminFactory, OrganisationFactory, ProducerFactory, UserFactory


def test_a_regional_admin_sees_its_region(client, login):
    OrganisationFactory(name="Ville de Rennes", region_code="53", departement_code="35")
    login(AdminFactory(admin_region_code="53"))
    page = client.get("/admin/regions/53")
    assert page.status_code == 200
    assert "Ville de Rennes" in page.get_data(as_text=True)


def test_a_regional_admin_gets_403_on_another_regions_pages(client, login):
    login(AdminFactory(admin_region_code="53"))
    response = client.get("/admin/regions/76")
    assert response.status_code == 403
    assert "Vous n&#39;avez pas accès à cette page." in response.get_data(as_text=True)


def test_a_national_admin_sees_every_region(client, login):
    login(NationalAdminFactory())
    dashboard = client.get("/admin/").get_data(as_text=True)
    assert "Occitanie" in dashboard and "Mayotte" in dashboard
    assert client.get("/admin/regions/76").status_code == 200


@pytest.mark.parametrize("factory", [UserFactory, ProducerFactory])
def test_members_get_403_on_administration(client, login, factory):
    login(factory())
    assert client.get("/admin/").status_code == 403
    assert client.get("/admin/audit").status_code == 403


def test_visitors_are_sent_to_the_login_page(client):
    response = client.get("/admin/regions/53")
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


def test_the_audit_log_shows_a_regions_decisions_to_its_admins_only(client, login):
    bretagne_admin = AdminFactory(admin_region_code="53")
    record_decision(bretagne_admin, "organisation.noted", OrganisationFactory(region_code="53"), reason="Visite du site")
    record_decision(bretagne_admin, "organisation.noted", OrganisationFactory(region_code="76", departement_code="31"), reason="Hors région")
    db.session.commit()
    login(bretagne_admin)
    page = client.get("/admin/audit").get_data(as_text=True)
    assert "Visite du site" in page
    assert "Hors région" not in page
