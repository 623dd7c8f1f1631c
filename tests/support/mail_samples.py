"""A context for every mail event, so each template can be rendered without its feature."""
from datetime import UTC, datetime
from types import SimpleNamespace as Obj

ORG = Obj(name="Filtres d'Armor")
MEMBER = Obj(full_name="Anne Le Goff")
POOL = Obj(id=3, category="FFP2", organisation=ORG, total_quantity=60000, sector="Bois", created_by=MEMBER,
           closed_at=datetime(2020, 4, 20, 14, 30, tzinfo=UTC))
MEMBERSHIP = Obj(user=MEMBER, quantity=20000)
PARTY = {"name": "Filtres d'Armor", "contact_name": "Anne Le Goff", "email": "anne@armor.fr", "phone": "02 99 00 00 00"}
BUYER = {"name": "CHU de Rennes", "contact_name": "Paul Martin", "email": "paul@chu-rennes.fr", "phone": None}
LINK = "http://localhost/somewhere"
PROPOSAL = {"category": "FFP2", "quantity": 50000, "counterpart": "CHU de Rennes", "link": LINK}
DECISIONS = {"counterpart": "CHU de Rennes", "count": 2, "more": 1, "list_link": LINK,
             "proposals": [{"quantity": 50000, "category": "FFP2", "unit_price_cents": 84, "link": LINK}]}


def context_for(event, user):
    """Return (subject_params, context) for one event."""
    return {
        "confirm_email": ({}, {"user": user, "link": LINK}),
        "reset_password": ({}, {"user": user, "link": LINK}),
        "invitation": (
            {"organisation": ORG.name},
            {"invitation": Obj(invited_by=user, organisation=ORG), "link": LINK},
        ),
        "already_registered": ({}, {"invitation": Obj(invited_by=user, organisation=ORG)}),
        "certification_decision": (
            {"category": "FFP2"},
            {"certification": Obj(id=1, is_verified=False, category="FFP2", report_reference="R-12",
                                  rejection_reason="Rapport illisible")},
        ),
        "offer_decision": (
            {"category": "FFP2"},
            {"offer": Obj(id=2, status="rejected", quantity=80000, category="FFP2",
                          rejection_reason="Prix manquant")},
        ),
        "proposal_new": (
            {"quantity": "50 000", "category": "FFP2"},
            {**PROPOSAL, "role": "buyer", "unit_price_cents": 84,
             "expires_at": datetime(2020, 5, 4, 10, tzinfo=UTC)},
        ),
        "proposals_new": (
            {"count": "2"},
            {"role": "producer", "count": 2, "more": 1, "list_link": LINK,
             "proposals": [{**PROPOSAL, "unit_price_cents": 84, "expires_at": datetime(2020, 5, 4, 10, tzinfo=UTC)}]},
        ),
        "proposal_accepted": ({"category": "FFP2"}, PROPOSAL),
        "proposal_declined": ({"category": "FFP2"}, {**PROPOSAL, "reason": "Délai trop long"}),
        "proposal_expired": ({"category": "FFP2"}, PROPOSAL),
        "proposals_accepted": ({"counterpart": "CHU de Rennes", "count": "2"}, {**DECISIONS, "reason": None}),
        "proposals_declined": ({"counterpart": "CHU de Rennes", "count": "2"}, {**DECISIONS, "reason": "Délai trop long"}),
        "order_confirmed": (
            {"quantity": "50 000", "category": "FFP2"},
            {"reference": "CMD-7", "category": "FFP2", "quantity": 50000, "total_cents": 4_200_000,
             "buyer": BUYER, "producer": PARTY, "link": LINK},
        ),
        "pool_submitted": ({"category": "FFP2"}, {"pool": POOL, "membership": MEMBERSHIP, "link": LINK}),
        "pool_matched": (
            {"category": "FFP2"},
            {"pool": POOL, "membership": MEMBERSHIP, "link": LINK,
             "share": Obj(quantity=20000, units=15000, amount_cents=1_260_000)},
        ),
        "pool_cancelled": (
            {"category": "FFP2"},
            {"pool": POOL, "membership": MEMBERSHIP, "cancelled_by": MEMBER, "lot": 50000, "link": LINK,
             "pools_link": LINK, "demand_link": LINK},
        ),
        "pool_member_left": (
            {"organisation": ORG.name, "category": "FFP2"},
            {"pool": POOL, "organisation": ORG, "before": 20000, "lot": 50000, "link": LINK},
        ),
        "pool_quantity_changed": (
            {"organisation": ORG.name, "category": "FFP2"},
            {"pool": POOL, "organisation": ORG, "before": 20000, "after": 5000, "lot": 50000, "link": LINK},
        ),
        "digest": ({}, {"items": [Obj(subject="Décision", body_text="Votre offre est approuvée.")]}),
    }[event]
