import pytest

from marketplace.extensions import db
from marketplace.models import AuditEntry, Certification
from tests.factories import AdminFactory, NationalAdminFactory, ProducerFactory, UserFactory
from tests.support.clock import half_past_midnight_in_france
from tests.support.pdf import make_pdf


def declare(client, form):
    return client.post("/producers-area/certifications/new", data=form, content_type="multipart/form-data")


def test_a_producer_declares_a_certification_with_its_pdf_report(client, login, certification_form):
    producer = ProducerFactory()
    login(producer)
    response = declare(client, certification_form())
    assert response.status_code == 302
    certification = db.session.scalars(db.select(Certification)).one()
    assert certification.status == "pending" and certification.standard == "EN 149+A1:2009"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "En attente de vérification" in page and "RE-2020-0412" in page
    assert db.session.scalars(db.select(AuditEntry.action)).all() == ["certification.declared"]


def test_the_report_is_stored_outside_the_web_root(app, client, login, certification_form):
    login(ProducerFactory())
    declare(client, certification_form())
    certification = db.session.scalars(db.select(Certification)).one()
    stored = app.config["UPLOAD_DIR"] + "/" + certification.report_path
    assert open(stored, "rb").read().startswith(b"%PDF-")
    assert not certification.report_path.startswith("static")


def test_a_uns1_at_85_percent_is_refused_with_the_reason_and_the_form_keeps_its_input(client, login, certification_form):
    login(ProducerFactory())
    form = certification_form(
        category="UNS1", filtration_3um_pct="85", air_permeability="120", breathability_hours="4"
    )
    response = declare(client, form)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Un masque UNS1 (grand public catégorie 1) doit filtrer plus de 90 % des particules de 3 µm" in page
    assert 'value="RE-2020-0412"' in page
    assert db.session.scalar(db.select(db.func.count()).select_from(Certification)) == 0


def test_a_reusable_non_sanitary_mask_with_4_washes_is_refused(client, login, certification_form):
    login(ProducerFactory())
    form = certification_form(
        category="UNS2", reusable="y", washes="4", filtration_3um_pct="80", air_permeability="120", breathability_hours="4"
    )
    page = declare(client, form).get_data(as_text=True)
    assert "au moins 5 lavages" in page


def test_a_renamed_exe_is_refused(client, login, certification_form):
    login(ProducerFactory())
    page = declare(client, certification_form(report=b"MZ\x90\x00" + b"\x00" * 500, filename="rapport.pdf")).get_data(as_text=True)
    assert "Le rapport d&#39;essai doit être un fichier PDF." in page
    assert db.session.scalar(db.select(db.func.count()).select_from(Certification)) == 0


def test_a_file_that_only_starts_like_a_pdf_is_refused(client, login, certification_form):
    login(ProducerFactory())
    page = declare(client, certification_form(report=b"%PDF-1.7\nnot really a pdf")).get_data(as_text=True)
    assert "Le rapport d&#39;essai n&#39;est pas un fichier PDF lisible." in page


def test_a_report_above_the_size_cap_is_refused(app, client, login, certification_form):
    app.config["CERTIFICATION_REPORT_MAX_BYTES"] = 50_000
    login(ProducerFactory())
    padded = make_pdf() + b"%" + b"0" * 60_000
    page = declare(client, certification_form(report=padded)).get_data(as_text=True)
    assert "Le rapport d&#39;essai dépasse" in page


def test_a_request_above_the_upload_limit_gets_the_413_page(client, login, certification_form):
    login(ProducerFactory())
    response = declare(client, certification_form(report=b"%PDF-" + b"0" * (13 * 1024 * 1024)))
    assert response.status_code == 413
    assert "Le fichier est trop volumineux." in response.get_data(as_text=True)


@pytest.fixture
def declared(client, login, certification_form):
    """A certification declared by a producer of Bretagne, through the form; the client is logged out."""
    producer = ProducerFactory()
    login(producer)
    declare(client, certification_form())
    client.post("/auth/logout")
    return db.session.scalars(db.select(Certification)).one()


def test_the_owner_downloads_its_report(client, login, declared):
    login(declared.organisation.members[0])
    response = client.get(f"/producers-area/certifications/{declared.id}/report.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf" and response.data.startswith(b"%PDF-")
    assert "attachment" in response.headers["Content-Disposition"]


def test_another_producer_cannot_see_the_report(client, login, declared):
    login(ProducerFactory())
    assert client.get(f"/producers-area/certifications/{declared.id}/report.pdf").status_code == 404
    assert client.get(f"/producers-area/certifications/{declared.id}").status_code == 404


def test_a_buyer_cannot_see_the_report(client, login, declared):
    login(UserFactory())
    assert client.get(f"/producers-area/certifications/{declared.id}/report.pdf").status_code == 404


def test_the_regions_administrator_sees_the_report_and_another_regions_does_not(client, login, declared):
    login(AdminFactory(admin_region_code="53"))
    assert client.get(f"/producers-area/certifications/{declared.id}/report.pdf").status_code == 200
    client.post("/auth/logout")
    login(AdminFactory(admin_region_code="76"))
    assert client.get(f"/producers-area/certifications/{declared.id}/report.pdf").status_code == 403
    client.post("/auth/logout")
    login(NationalAdminFactory())
    assert client.get(f"/producers-area/certifications/{declared.id}/report.pdf").status_code == 200


def test_visitors_are_sent_to_log_in(client, declared):
    response = client.get(f"/producers-area/certifications/{declared.id}/report.pdf")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


@pytest.mark.parametrize("factory", [UserFactory, AdminFactory])
def test_only_producers_declare_certifications(client, login, factory):
    login(factory())
    assert client.get("/producers-area/certifications/new").status_code == 403
    assert client.get("/producers-area/").status_code == 403


def test_the_upload_form_is_protected_by_csrf(app, client, login, certification_form):
    login(ProducerFactory())
    app.config["WTF_CSRF_ENABLED"] = True
    assert declare(client, certification_form()).status_code == 400


def test_a_report_dated_today_in_france_is_accepted_whatever_the_servers_clock_zone(
    client, login, certification_form, clock
):
    french_today = clock.days_from_today(1)
    clock.move_to(half_past_midnight_in_france(french_today))  # the UTC date is still yesterday
    login(ProducerFactory())
    response = client.post("/producers-area/certifications/new", data=certification_form(report_date=french_today.isoformat()))
    assert response.status_code == 302
    assert db.session.scalar(db.select(Certification)).report_date == french_today


def test_the_refusal_names_the_category_in_the_producers_language(client, login, certification_form):
    login(ProducerFactory(locale="en"))
    form = certification_form(
        category="UNS1", filtration_3um_pct="85", air_permeability="120", breathability_hours="4"
    )
    page = declare(client, form).get_data(as_text=True)
    assert "A UNS1 (general public, category 1) mask must filter more than 90 % of 3 µm particles" in page
