"""A test report sent with a form that had errors is kept for the corrected submission, for its sender only."""
import re
from datetime import timedelta
from pathlib import Path

from marketplace.extensions import db
from marketplace.models import Certification
from tests.conftest import PASSWORD
from tests.factories import ProducerFactory
from tests.support.pdf import make_pdf


def declare(client, form):
    return client.post("/producers-area/certifications/new", data=form, content_type="multipart/form-data")


def kept_token(page):
    return re.search(r'name="report_token" type="hidden" value="([^"]*)"', page).group(1)


def without_file(form, token):
    return {k: v for k, v in form.items() if k != "report"} | {"report_token": token}


def pending_files(app):
    folder = Path(app.config["UPLOAD_DIR"]) / "pending"
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def test_every_error_shows_at_once_and_the_report_survives_to_the_corrected_submission(app, client, login, certification_form):
    login(ProducerFactory())
    report = make_pdf(pages=2)
    wrong = certification_form(
        report=report, category="UNS1", report_reference="", filtration_3um_pct="85", air_permeability="50",
        breathability_hours="beaucoup",
    )
    response = declare(client, wrong)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "doit filtrer plus de 90 % des particules de 3 µm" in page  # a rule of the trade
    assert "perméabilité à l&#39;air" in page.lower()  # another one, in the same submission
    assert page.count('class="invalid-feedback"') >= 4  # reference, breathability, filtration, permeability
    assert "Rapport déjà reçu : rapport-essai.pdf" in page and ">remplacer</label>)" in page
    assert 'value="85"' in page and 'value="Apave Certification"' in page
    token = kept_token(page)
    assert token and len(pending_files(app)) == 2

    right = certification_form(category="UNS1", filtration_3um_pct="95", air_permeability="120", breathability_hours="4")
    response = declare(client, without_file(right, token))
    assert response.status_code == 302, response.get_data(as_text=True)
    certification = db.session.scalars(db.select(Certification)).one()
    stored = Path(app.config["UPLOAD_DIR"]) / certification.report_path
    assert stored.read_bytes() == report
    assert (certification.report_filename, certification.report_size) == ("rapport-essai.pdf", len(report))
    assert pending_files(app) == []


def test_a_new_file_replaces_the_kept_one(app, client, login, certification_form):
    login(ProducerFactory())
    page = declare(client, certification_form(report_reference="")).get_data(as_text=True)
    token = kept_token(page)
    newer = make_pdf(pages=3)
    form = certification_form(report=newer, filename="nouveau.pdf") | {"report_token": token}
    assert declare(client, form).status_code == 302
    certification = db.session.scalars(db.select(Certification)).one()
    assert certification.report_filename == "nouveau.pdf"
    assert (Path(app.config["UPLOAD_DIR"]) / certification.report_path).read_bytes() == newer
    assert pending_files(app) == []


def test_an_invalid_file_is_not_kept_and_is_reported_with_the_other_errors(app, client, login, certification_form):
    login(ProducerFactory())
    page = declare(client, certification_form(report=b"MZ\x90\x00" + b"\x00" * 500, report_reference="")).get_data(as_text=True)
    assert "Le rapport d&#39;essai doit être un fichier PDF." in page
    assert 'id="report_reference-error"' in page
    assert "Rapport déjà reçu" not in page and pending_files(app) == []


def test_a_token_of_another_user_is_refused(app, client, login, certification_form):
    login(ProducerFactory())
    token = kept_token(declare(client, certification_form(report_reference="")).get_data(as_text=True))
    other = app.test_client()
    assert other.post("/auth/login", data={"email": ProducerFactory().email, "password": PASSWORD}).status_code == 302
    response = declare(other, without_file(certification_form(), token))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Joignez le rapport d&#39;essai." in page and "Rapport déjà reçu" not in page
    assert db.session.scalar(db.select(db.func.count()).select_from(Certification)) == 0
    assert len(pending_files(app)) == 2  # still there for its owner


def test_an_expired_report_is_refused_and_cleaned_up(app, client, login, certification_form, clock):
    login(ProducerFactory())
    token = kept_token(declare(client, certification_form(report_reference="")).get_data(as_text=True))
    clock.advance(app.config["PENDING_REPORT_MAX_AGE"] + timedelta(minutes=1))
    page = declare(client, without_file(certification_form(), token)).get_data(as_text=True)
    assert "Joignez le rapport d&#39;essai." in page
    declare(client, certification_form(report_reference=""))  # keeping a new report sweeps the expired ones
    assert token + ".pdf" not in pending_files(app)
