"""The mails announcing new proposals: one per organisation member and run, in the member's language."""
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from sqlalchemy import select

from marketplace.domain.notifications import PROPOSALS_LISTED_PER_MAIL
from marketplace.extensions import db
from marketplace.models import Proposal
from marketplace.services import proposals
from marketplace.services.matching.runs import run_matching
from tests.factories import DemandFactory, OfferFactory, ProducerFactory, UserFactory

PARIS = ZoneInfo("Europe/Paris")


def market(buyers, **producer):
    """One producer (two members, French and English) whose offer serves `buyers` demands of 50,000."""
    member = ProducerFactory(locale="fr", **producer)
    colleague = ProducerFactory(locale="en", organisation=member.organisation)
    OfferFactory(certification__organisation=member.organisation, quantity=50_000 * buyers, unit_price_cents=84)
    demanders = [UserFactory() for _ in range(buyers)]
    for buyer in demanders:
        DemandFactory(organisation=buyer.organisation, created_by=buyer, quantity=50_000)
    return member, colleague, demanders


def proposals_by_id():
    return db.session.scalars(select(Proposal).order_by(Proposal.id.desc())).all()


def test_a_run_mails_each_producer_member_once_listing_every_proposal_in_their_language(app, outbox):
    member, colleague, buyers = market(3)

    run_matching("manual")

    made, site = proposals_by_id(), app.config["SITE_URL"]
    assert len(made) == 3
    [french] = outbox.to(member.email)
    [english] = outbox.to(colleague.email)
    assert french["Subject"] == "3 nouvelles propositions attendent votre réponse"
    assert english["Subject"] == "3 new proposals await your answer"
    text = outbox.text(french)
    assert "3 nouvelles propositions sur vos offres attendent votre réponse" in text
    for proposal in made:
        deadline = format_datetime(proposal.expires_at, "medium", tzinfo=PARIS, locale="fr")
        line = (f"{proposal.buyer_organisation.name} : 50\u202f000 masques FFP2 à 0,84\u00a0€ HT l’unité, "
                f"à accepter ou décliner avant le {deadline}")
        assert line in text
        assert f"{site}/producers-area/proposals/{proposal.id}\n" in text
    english_text = outbox.text(english)
    assert "3 new proposals on your offers await your answer" in english_text
    assert "50,000 FFP2 masks at €0.84 per unit excl. tax" in english_text and "masques" not in english_text
    assert english_text.endswith(f"See all your proposals:\n{site}/producers-area/proposals")
    assert "more proposal" not in english_text
    html = french.get_body(("html",)).get_content()
    assert all(f'href="{site}/producers-area/proposals/{p.id}"' in html for p in made)
    for buyer in buyers:  # one proposal each: the mail of that proposal
        [mail] = outbox.to(buyer.email)
        assert mail["Subject"].startswith("Nouvelle proposition : 50\u202f000 masques FFP2")


def test_a_long_list_shows_the_newest_proposals_then_links_to_the_rest(app, outbox):
    member, _, _ = market(PROPOSALS_LISTED_PER_MAIL + 2)

    run_matching("manual")

    made, site = proposals_by_id(), app.config["SITE_URL"]
    [mail] = outbox.to(member.email)
    text = outbox.text(mail)
    assert mail["Subject"] == f"{PROPOSALS_LISTED_PER_MAIL + 2} nouvelles propositions attendent votre réponse"
    listed = [p for p in made if f"/producers-area/proposals/{p.id}\n" in text]
    assert listed == made[:PROPOSALS_LISTED_PER_MAIL]
    assert "Et 2 autres propositions." in text
    assert text.endswith(f"Toutes vos propositions :\n{site}/producers-area/proposals")


def test_a_buyers_direct_request_mails_the_producer_about_that_one_proposal(app, outbox):
    producer = ProducerFactory(locale="en")
    offer = OfferFactory(certification__organisation=producer.organisation, unit_price_cents=120)
    buyer = UserFactory()
    demand = DemandFactory(organisation=buyer.organisation, created_by=buyer, max_unit_price_cents=90)

    proposal = proposals.request_offer(buyer, offer.id, demand.id, 30_000)
    site = app.config["SITE_URL"]

    [mail] = outbox.to(producer.email)
    assert mail["Subject"] == "New proposal: 30,000 FFP2 masks"
    text = outbox.text(mail)
    assert f"{buyer.organisation.name} may receive 30,000 FFP2 masks at €1.20 per unit" in text
    assert f"{site}/producers-area/proposals/{proposal.id}" in text
