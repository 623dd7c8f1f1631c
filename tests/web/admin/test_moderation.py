from datetime import timedelta

import pytest

from marketplace.extensions import db
from marketplace.models import AuditEntry, Certification, Offer
from tests.factories import (
    AdminFactory,
    CertificationFactory,
    NationalAdminFactory,
    OfferFactory,
    OrganisationFactory,
    ProducerFactory,
    UserFactory,
)
from tests.support.clock import days_from_today


def occitanie_producer():
    return ProducerFactory(organisation__region_code="76", organisation__departement_code="31", organisation__name="Masques du Sud", organisation__kind="producer")


def pending_certification(producer=None, **fields):
    producer = producer or ProducerFactory(organisation__name="Filtres de Bretagne")
    return CertificationFactory(organisation=producer.organisation, status="pending", decided_at=None, **fields)


def pending_offer(producer=None, **fields):
    producer = producer or ProducerFactory(organisation__name="Filtres de Bretagne")
    certification = CertificationFactory(organisation=producer.organisation)
    return OfferFactory(certification=certification, status="submitted", **fields)


def test_the_queue_shows_only_the_admins_region_oldest_first_with_the_producers_history(client, login, clock):
    now = clock.now()
    newer = pending_offer(submitted_at=now - timedelta(hours=1))
    older = pending_offer(submitted_at=now - timedelta(days=2))
    OfferFactory(certification=newer.certification, status="rejected")
    south = pending_offer(occitanie_producer())
    certification = pending_certification()
    login(AdminFactory(admin_region_code="53"))
    page = client.get("/admin/moderation").get_data(as_text=True)
    assert page.index(f"/admin/offers/{older.id}") < page.index(f"/admin/offers/{newer.id}")
    assert f"/admin/offers/{south.id}" not in page and "Masques du Sud" not in page
    assert f"/admin/certifications/{certification.id}" in page
    assert "offres : 0 approuvées, 1 refusées" in page


def test_a_national_admin_sees_every_region_in_the_queue(client, login):
    south = pending_offer(occitanie_producer())
    login(NationalAdminFactory())
    assert f"/admin/offers/{south.id}" in client.get("/admin/moderation").get_data(as_text=True)


def test_verifying_a_certification_is_audited_shown_and_mailed_to_the_producer(client, login, outbox):
    certification = pending_certification()
    admin = AdminFactory(admin_region_code="53")
    login(admin)
    response = client.post(f"/admin/certifications/{certification.id}/verify")
    assert response.status_code == 302
    assert db.session.get(Certification, certification.id).status == "verified"
    entry = db.session.scalars(db.select(AuditEntry)).one()
    assert (entry.action, entry.actor_id, entry.region_code) == ("certification.verified", admin.id, "53")
    page = client.get(f"/admin/certifications/{certification.id}").get_data(as_text=True)
    assert "Certification vérifiée" in page and admin.email in page
    [mail] = outbox.to(certification.organisation.members[0].email)
    assert "Décision sur votre certification FFP2" in mail["Subject"]
    assert "a vérifié votre certification FFP2" in outbox.text(mail)


def test_rejecting_a_certification_needs_a_reason_which_reaches_the_producer(client, login, outbox):
    certification = pending_certification()
    login(AdminFactory(admin_region_code="53"))
    response = client.post(f"/admin/certifications/{certification.id}/reject", data={"reason": ""})
    assert response.status_code == 422
    assert "Indiquez le motif du refus." in response.get_data(as_text=True)
    assert db.session.get(Certification, certification.id).status == "pending"
    client.post(f"/admin/certifications/{certification.id}/reject", data={"reason": "Rapport illisible"})
    assert db.session.get(Certification, certification.id).status == "rejected"
    [mail] = outbox.to(certification.organisation.members[0].email)
    assert "Rapport illisible" in outbox.text(mail)
    assert db.session.scalars(db.select(AuditEntry.reason)).one() == "Rapport illisible"


def test_a_decided_certification_cannot_be_decided_again(client, login):
    certification = CertificationFactory(status="rejected")
    login(AdminFactory(admin_region_code="53"))
    page = client.post(f"/admin/certifications/{certification.id}/verify", follow_redirects=True).get_data(as_text=True)
    assert "Cette certification a déjà fait l&#39;objet d&#39;une décision." in page
    assert db.session.get(Certification, certification.id).status == "rejected"


def test_approving_an_offer_publishes_it_and_tells_the_producer(client, login, outbox):
    offer = pending_offer()
    login(AdminFactory(admin_region_code="53"))
    client.post(f"/admin/offers/{offer.id}/approve")
    offer = db.session.get(Offer, offer.id)
    assert offer.status == "approved" and offer.listed
    assert "Offre approuvée" in client.get(f"/admin/offers/{offer.id}").get_data(as_text=True)
    assert "Filtres de Bretagne" in client.get("/catalogue").get_data(as_text=True)
    assert outbox.to(offer.organisation.members[0].email)


def test_rejecting_an_offer_keeps_it_out_of_the_catalogue_with_the_reason(client, login):
    offer = pending_offer()
    login(AdminFactory(admin_region_code="53"))
    client.post(f"/admin/offers/{offer.id}/reject", data={"reason": "Prix manifestement erroné"})
    offer = db.session.get(Offer, offer.id)
    assert offer.status == "rejected" and not offer.listed
    assert offer.rejection_reason == "Prix manifestement erroné"
    assert "Filtres de Bretagne" not in client.get("/catalogue").get_data(as_text=True)


def test_an_approved_offer_cannot_be_approved_or_rejected_again(client, login):
    offer = OfferFactory()
    login(AdminFactory(admin_region_code="53"))
    page = client.post(f"/admin/offers/{offer.id}/reject", data={"reason": "x"}).get_data(as_text=True)
    assert "Cette offre n&#39;attend pas de modération." in page
    assert db.session.get(Offer, offer.id).status == "approved"


def test_bulk_approval_approves_the_ticked_offers(client, login):
    first, second, untouched = pending_offer(), pending_offer(), pending_offer()
    login(AdminFactory(admin_region_code="53"))
    response = client.post("/admin/offers/bulk-approve", data={"offer_ids": [first.id, second.id]}, follow_redirects=True)
    assert "2 offres approuvées." in response.get_data(as_text=True)
    statuses = dict(db.session.execute(db.select(Offer.id, Offer.status)).all())
    assert statuses == {first.id: "approved", second.id: "approved", untouched.id: "submitted"}
    assert db.session.scalar(db.select(db.func.count()).select_from(AuditEntry)) == 2


def test_bulk_approval_of_an_offer_of_another_region_is_forbidden_and_approves_nothing(client, login):
    mine, theirs = pending_offer(), pending_offer(occitanie_producer())
    login(AdminFactory(admin_region_code="53"))
    assert client.post("/admin/offers/bulk-approve", data={"offer_ids": [mine.id, theirs.id]}).status_code == 403
    assert db.session.get(Offer, mine.id).status == "submitted"


def expired_pending_offer():
    return pending_offer(available_from=days_from_today(-60), expires_on=days_from_today(-1))


def test_the_moderation_queue_shows_the_expiry_and_refuses_approving_an_expired_offer(client, login):
    offer = expired_pending_offer()
    login(AdminFactory())
    queue = client.get("/admin/moderation").get_data(as_text=True)
    assert "Expire le" in queue and "expirée" in queue
    page = client.post(f"/admin/offers/{offer.id}/approve", follow_redirects=True).get_data(as_text=True)
    assert f"L&#39;offre {offer.id} a expiré le" in page and "elle ne peut pas être approuvée" in page
    assert db.session.get(Offer, offer.id).status == "submitted"
    page = client.post("/admin/offers/bulk-approve", data={"offer_ids": [offer.id]},
                       follow_redirects=True).get_data(as_text=True)
    assert "elle ne peut pas être approuvée" in page
    assert db.session.get(Offer, offer.id).status == "submitted"


def test_approving_with_nothing_ticked_asks_to_select_an_offer(client, login):
    expired_pending_offer()
    login(AdminFactory())
    page = client.post("/admin/offers/bulk-approve", follow_redirects=True).get_data(as_text=True)
    assert "Sélectionnez au moins une offre." in page


def test_the_bulk_approve_button_is_protected_by_csrf(app, client, login):
    offer = pending_offer()
    login(AdminFactory(admin_region_code="53"))
    app.config["WTF_CSRF_ENABLED"] = True
    assert client.post("/admin/offers/bulk-approve", data={"offer_ids": [offer.id]}).status_code == 400
    assert db.session.get(Offer, offer.id).status == "submitted"


def occitanie_objects():
    producer = occitanie_producer()
    return pending_offer(producer), pending_certification(producer)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/admin/offers/{offer}"),
        ("post", "/admin/offers/{offer}/approve"),
        ("post", "/admin/offers/{offer}/reject"),
        ("get", "/admin/certifications/{certification}"),
        ("post", "/admin/certifications/{certification}/verify"),
        ("post", "/admin/certifications/{certification}/reject"),
    ],
)
def test_an_admin_of_bretagne_gets_403_on_occitanies_offers_and_certifications(client, login, method, path):
    offer, certification = occitanie_objects()
    login(AdminFactory(admin_region_code="53"))
    url = path.format(offer=offer.id, certification=certification.id)
    response = getattr(client, method)(url, data={"reason": "non"})
    assert response.status_code == 403
    assert db.session.get(Offer, offer.id).status == "submitted"
    assert db.session.get(Certification, certification.id).status == "pending"


@pytest.mark.parametrize(
    "path",
    ["/admin/offers/{offer}/approve", "/admin/certifications/{certification}/verify", "/admin/offers/bulk-approve"],
)
@pytest.mark.parametrize("factory", [ProducerFactory, UserFactory])
def test_a_producer_cannot_approve_its_own_offer_nor_a_buyer_anything(client, login, path, factory):
    producer = factory() if factory is UserFactory else ProducerFactory(organisation__name="Filtres de Bretagne")
    organisation = producer.organisation if factory is ProducerFactory else OrganisationFactory(kind="producer")
    offer = pending_offer(producer if factory is ProducerFactory else None)
    certification = pending_certification(ProducerFactory(organisation=organisation))
    login(producer)
    url = path.format(offer=offer.id, certification=certification.id)
    assert client.post(url, data={"offer_ids": [offer.id]}).status_code == 403
    assert client.get("/admin/moderation").status_code == 403
    assert db.session.get(Offer, offer.id).status == "submitted"


def test_the_admin_dashboard_links_to_the_moderation_queue(client, login):
    login(AdminFactory(admin_region_code="53"))
    assert "/admin/moderation" in client.get("/admin/").get_data(as_text=True)


def test_the_decision_mail_names_the_category_in_the_producers_language_not_the_admins(client, login, outbox):
    producer = ProducerFactory(locale="en", organisation__name="Filtres de Bretagne")
    certification = CertificationFactory(organisation=producer.organisation, category="SURGICAL_I")
    offer = OfferFactory(certification=certification, status="submitted")
    login(AdminFactory(admin_region_code="53"))
    page = client.get(f"/admin/offers/{offer.id}").get_data(as_text=True)
    assert "Offre de masques Chirurgical type I" in page
    client.post(f"/admin/offers/{offer.id}/approve")
    [mail] = outbox.to(producer.email)
    assert mail["Subject"] == "Decision on your offer of Surgical type I masks"
    assert "Surgical type I masks" in outbox.text(mail) and "Chirurgical" not in outbox.text(mail)
