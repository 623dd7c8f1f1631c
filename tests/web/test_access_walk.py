"""Every page that takes an object id refuses a logged-in user with no business with that object.

The test walks the app's url_map: a new route with an id is covered without being listed here.
The objects all belong to organisations of Occitanie (76); the intruders are members and the
administrator of Bretagne (53).
"""
from datetime import date

import pytest

from marketplace.domain.notifications import Status
from marketplace.domain.organisations import OrganisationKind
from marketplace.extensions import db
from marketplace.models import ExternalOrder, Notification
from tests.factories import (
    AdminFactory,
    CertificationFactory,
    DemandFactory,
    LocalAuthorityFactory,
    OfferFactory,
    OrderFactory,
    OrganisationFactory,
    PoolFactory,
    ProducerFactory,
    ProposalFactory,
    SectorReferentFactory,
    UserFactory,
)

ELSEWHERE = {"region_code": "76", "departement_code": "31"}

# Endpoints anyone of the right role may use whatever the id: the catalogue's offers are public.
PUBLIC_BY_DESIGN = {"buyers.request_offer"}

# What a legitimate user would post, so that a missing check shows as a success, not a form error.
FORM_DATA = {"reason": "Hors sujet", "quantity": "1000", "in_sector": "y", "reference": "M-1", "paid_on": "2020-05-01"}

INTRUDERS = {
    "company buyer": lambda: UserFactory(),
    "local authority": lambda: LocalAuthorityFactory(),
    "sector referent": lambda: SectorReferentFactory(),
    "producer": lambda: ProducerFactory(),
    "regional admin": lambda: AdminFactory(admin_region_code="53"),
}


def _world():
    """Create one object of each kind, all in Occitanie, and return its id by URL argument."""
    buyer = OrganisationFactory(kind=OrganisationKind.LOCAL_AUTHORITY, authority_type="commune", **ELSEWHERE)
    producer = OrganisationFactory(kind=OrganisationKind.PRODUCER, **ELSEWHERE)
    pending_certification = CertificationFactory(organisation=producer, status="pending", decided_at=None)
    submitted_offer = OfferFactory(certification__organisation=producer, status="submitted")
    demand = DemandFactory(organisation=buyer, **ELSEWHERE)
    proposal = ProposalFactory(offer__certification__organisation=producer, demand=demand, status="pending",
                               buyer_decision=None, producer_decision=None)
    order = OrderFactory(buyer=buyer, offer__certification__organisation=producer)
    referent = OrganisationFactory(kind=OrganisationKind.SECTOR_REFERENT, sector="Bois", **ELSEWHERE)
    pool = PoolFactory(organisation=referent, kind="subcontractors", **ELSEWHERE)
    letter = Notification(event="offer_approved", to_address="x@example.fr", region_code="76", locale="fr",
                          subject="s", body_text="t", body_html="h", message_id="<walk@example.fr>",
                          status=Status.DEAD, attempts=5)
    external = ExternalOrder(organisation_id=buyer.id, kind="single_use", supplier="S", number="N1",
                             order_date=date(2020, 4, 20), quantity=10, total_ttc_cents=100)
    db.session.add_all([letter, external])
    db.session.commit()
    return {
        "certification_id": pending_certification.id, "offer_id": submitted_offer.id, "demand_id": demand.id,
        "proposal_id": proposal.id, "order_id": order.id, "pool_id": pool.id, "notification_id": letter.id,
        "record_id": external.id, "what": "external", "organisation_id": buyer.id,
    }


def _routes_with_ids(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC_BY_DESIGN or not any(a.endswith("_id") for a in rule.arguments):
            continue
        for method in sorted(rule.methods & {"GET", "POST"}):
            yield rule, method


@pytest.mark.parametrize("intruder", INTRUDERS)
def test_an_unrelated_user_gets_403_or_404_on_every_page_with_an_id(app, client, login, intruder):
    ids = _world()
    login(INTRUDERS[intruder]())
    let_through = []
    for rule, method in _routes_with_ids(app):
        url = rule.build({a: ids[a] for a in rule.arguments}, append_unknown=False)[1]
        response = client.get(url) if method == "GET" else client.post(url, data=FORM_DATA)
        if response.status_code not in (403, 404):
            let_through.append(f"{method} {url} -> {response.status_code}")
    assert let_through == []
