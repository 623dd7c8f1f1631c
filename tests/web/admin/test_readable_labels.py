"""Administrators read actions, objects, kinds, categories and dates in words, never internal codes."""
from pathlib import Path

from babel.dates import format_datetime

from marketplace.extensions import db
from marketplace.mail import notify
from marketplace.services.audit import record_decision
from marketplace.web.labels import ACTION_LABELS
from tests.factories import (
    AdminFactory,
    CertificationFactory,
    NationalAdminFactory,
    OfferFactory,
    OrganisationFactory,
    ProducerFactory,
    ProposalFactory,
)


def test_the_decision_history_names_actions_and_objects_in_french(client, login):
    admin = AdminFactory(admin_region_code="53")
    offer = OfferFactory()
    certification = CertificationFactory()
    record_decision(admin, "offer.submitted", offer)
    record_decision(admin, "certification.declared", certification)
    db.session.commit()
    login(admin)
    page = client.get("/admin/audit").get_data(as_text=True)
    assert "Offre soumise à la modération" in page and f"Offre n° {offer.id}" in page
    assert "Certification déclarée" in page and f"Certification n° {certification.id}" in page
    assert "offer.submitted" not in page and "Offer #" not in page


def test_every_audit_action_recorded_by_the_code_has_a_label():
    root = Path(__file__).resolve().parents[3] / "marketplace" / "services"
    text = "\n".join(path.read_text() for path in root.rglob("*.py"))
    for action in ("offer.submitted", "offer.created", "certification.declared", "matching.run", "order.payment_recorded",
                   "refund.funding_added", "refund.external_order_added", "refund.share_added", "pool.joined",
                   "demand.posted", "proposal.requested"):
        assert f'"{action}"' in text, action
        assert action in ACTION_LABELS, action
    for side in ("buyer", "producer"):
        for decision in ("accepted", "declined"):
            assert f"proposal.{side}_{decision}" in ACTION_LABELS
    for removed in ("external_order", "external_funding", "beneficiary_share"):
        assert f"refund.{removed}_removed" in ACTION_LABELS


def test_the_region_page_names_organisation_kinds(client, login):
    OrganisationFactory(region_code="53", kind="sector_referent", sector="Bois")
    OrganisationFactory(region_code="53", kind="local_authority", authority_type="commune")
    login(AdminFactory(admin_region_code="53"))
    page = client.get("/admin/regions/53").get_data(as_text=True)
    assert "Référent de filière" in page and "Collectivité territoriale" in page
    assert "sector_referent" not in page and "local_authority" not in page


def test_the_proposals_list_names_the_category(client, login):
    proposal = ProposalFactory(category="SURGICAL_I")
    login(AdminFactory(admin_region_code=proposal.region_code))
    page = client.get("/admin/proposals").get_data(as_text=True)
    assert "<td>Chirurgical type I</td>" in page and "SURGICAL_I" not in page


def test_the_outbox_shows_each_mails_date_in_paris_time(client, login, outbox):
    user = ProducerFactory()
    notify(user, "reset_password", user=user, link="http://localhost/reset-me")
    db.session.commit()
    sent = outbox.messages()[0]["Date"].datetime
    login(NationalAdminFactory())
    page = client.get("/admin/mail/outbox").get_data(as_text=True)
    assert format_datetime(sent, "medium", tzinfo="Europe/Paris", locale="fr") in page
    assert "+0000" not in page
