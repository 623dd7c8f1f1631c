"""Producers read measurements, dates, counts and headcounts written the French way."""
from tests.factories import CertificationFactory, ProducerFactory
from tests.support.offers import IMPORT_HEADER, certified_producer, upload


def test_measurements_use_the_decimal_comma_and_dates_one_format(client, login):
    producer = ProducerFactory()
    certification = CertificationFactory(organisation=producer.organisation, category="UNS1", filtration_3um_pct=95.0,
                                         air_permeability=120.5, breathability_hours=4)
    login(producer)
    page = client.get(f"/producers-area/certifications/{certification.id}").get_data(as_text=True)
    assert "95&nbsp;%" in page and "95.0" not in page
    assert "120,5&nbsp;L·m⁻²·s⁻¹" in page
    assert "10 avril 2020" in page and "10 avr. 2020" not in page


def test_the_import_count_agrees_in_number(client, login):
    certified_producer(login)
    assert upload(client, IMPORT_HEADER + "FFP2;50000;0,90;;2020-05-04;\n").status_code == 302
    assert "1 offre importée et envoyée en modération." in client.get("/producers-area/").get_data(as_text=True)
    refused = upload(client, IMPORT_HEADER + "FFP3;1000;0,90;;2020-05-04;\n").get_data(as_text=True)
    assert "Rien n&#39;a été importé : 1 ligne comporte des erreurs." in refused


def test_the_account_page_groups_the_headcounts_digits(client, login):
    producer = ProducerFactory(organisation__headcount=3500)
    login(producer)
    assert "3\u202f500" in client.get("/auth/account").get_data(as_text=True)
