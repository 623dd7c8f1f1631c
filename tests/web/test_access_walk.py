"""Every page lets through whom its view declares, and refuses everyone else.

The tests walk the app's url_map, so a new route is covered without being listed here, and a route
whose view declares no access (marketplace/web/access.py: public, signed_in, roles_required…) fails.
The objects all belong to organisations of Occitanie (76); the intruders are members and the
administrator of Bretagne (53), and members of other organisations.
"""
from datetime import date

import pytest

from marketplace.domain.notifications import Status
from marketplace.domain.organisations import OrganisationKind
from marketplace.extensions import db
from marketplace.models import ExternalOrder, Notification
from tests.conftest import PASSWORD
from tests.factories import (
    AdminFactory,
    CertificationFactory,
    DemandFactory,
    LocalAuthorityFactory,
    NationalAdminFactory,
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
        "code": "76", "token": "not-a-token", "join_code": pool.join_code,
        "organisations": {"buyer": buyer, "producer": producer, "referent": referent},
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


# --- the route × role matrix ------------------------------------------------------------------------

# Flask's own static files: no view of ours to declare anything on.
FLASK_ENDPOINTS = {"static"}


def _personas(orgs):
    """Who tries every route: each role of the world's organisations, and the wrong organisation or region."""
    return {
        "anonymous": None,
        "producer": ProducerFactory(organisation=orgs["producer"]),
        "company buyer": UserFactory(),
        "local authority": UserFactory(organisation=orgs["buyer"]),
        "sector referent": UserFactory(organisation=orgs["referent"]),
        "regional admin": AdminFactory(admin_region_code="76"),
        "national admin": NationalAdminFactory(),
        "producer of another organisation": ProducerFactory(organisation=OrganisationFactory(
            kind=OrganisationKind.PRODUCER, **ELSEWHERE)),
        "local authority of another organisation": UserFactory(organisation=OrganisationFactory(
            kind=OrganisationKind.LOCAL_AUTHORITY, authority_type="commune", **ELSEWHERE)),
        "admin of another region": AdminFactory(admin_region_code="53"),
    }


ADMINS = {"regional admin", "national admin"}
OUTSIDERS = {"producer of another organisation", "local authority of another organisation", "admin of another region"}
# Whose each object of the world is: they, and its region's administrators, must get through.
OWNERS = {
    "certification_id": {"producer"}, "offer_id": {"producer"}, "demand_id": {"local authority"},
    "pool_id": {"sector referent"}, "order_id": {"producer", "local authority"},
    "proposal_id": {"producer", "local authority"}, "record_id": {"local authority"},
    "notification_id": set(), "organisation_id": set(),
    # A subcontractors' pool is open by its link to companies (and run by its sector referent).
    "join_code": {"company buyer", "sector referent"},
}


# Arguments that are not the world's objects' ids: a region code (the administrators of 76 own it), a pool's
# join link.
REGION_PAGES = {"admin.region"}
BY_LINK = {"buyers.pool_by_link"}
# The made-up certification has no stored report file: its download answers 404 to everyone.
NO_FILE = {"producers.certification_report"}


def _objects(rule):
    return (rule.arguments & OWNERS.keys() | ({"code"} if rule.endpoint in REGION_PAGES else set())
            | ({"join_code"} if rule.endpoint in BY_LINK else set()))


def _url(rule, world):
    values = {a: world["join_code" if rule.endpoint in BY_LINK else a] for a in rule.arguments}
    return rule.build(values, append_unknown=False)[1]


def _owns(persona, rule):
    return all(persona in OWNERS.get(argument, set()) | ADMINS for argument in _objects(rule))


def _refused(persona, response):
    if persona == "anonymous" and response.status_code == 302:
        return "/auth/login" in response.headers["Location"]
    return response.status_code in (401, 403, 404)


def _client_of(app, user):
    client = app.test_client()
    if user is not None:
        assert client.post("/auth/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
    return client


def test_every_route_declares_who_it_lets_through(app):
    undeclared = [rule.endpoint for rule in app.url_map.iter_rules()
                  if rule.endpoint not in FLASK_ENDPOINTS and not hasattr(app.view_functions[rule.endpoint], "access")]
    assert undeclared == []


def test_every_route_lets_through_whom_it_declares_and_refuses_the_others(app):
    world = _world()
    personas = _personas(world["organisations"])
    wrong = []
    for name, user in personas.items():
        client = _client_of(app, user)
        for rule in app.url_map.iter_rules():
            if rule.endpoint in FLASK_ENDPOINTS or rule.endpoint in {"auth.logout", "auth.logout_everywhere"}:
                continue
            access = app.view_functions[rule.endpoint].access
            url = _url(rule, world)
            expected = access.admits(user) and (name not in OUTSIDERS or not _objects(rule)) and _owns(name, rule)
            for method in sorted(rule.methods & {"GET", "POST"}):
                if expected and (method == "POST" or rule.endpoint in NO_FILE):
                    continue  # a legitimate POST would change this made-up world: the refusals are what it tests
                response = client.get(url) if method == "GET" else client.post(url, data=FORM_DATA)
                if expected == _refused(name, response):
                    wrong.append(f"{name}: {method} {url} -> {response.status_code} "
                                 f"({'should pass' if expected else 'should be refused'})")
    assert "\n".join(wrong) == ""


def test_logging_out_is_for_logged_in_users(app, client):
    for path in ("/auth/logout", "/auth/logout-everywhere"):
        assert "/auth/login" in client.post(path).headers["Location"]
