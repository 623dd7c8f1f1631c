"""Deciding several proposals at once: the single decision's rules, one transaction, one mail per counterpart member."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from marketplace.domain.errors import DomainError, ErrorCode
from marketplace.extensions import db
from marketplace.models import AuditEntry, Order, Proposal
from marketplace.services import orders, proposals
from marketplace.services.matching.runs import run_matching
from marketplace.services.proposal_mail import BUYER, PRODUCER
from tests.factories import DemandFactory, OfferFactory, ProducerFactory, UserFactory


def market(*demands_per_buyer):
    """One producer with stock for everyone; buyers each with that many demands of 50,000. Return producer, buyers."""
    producer = ProducerFactory()
    OfferFactory(certification__organisation=producer.organisation, quantity=1_000_000)
    buyers = []
    for count in demands_per_buyer:
        buyer = UserFactory()
        for _ in range(count):
            DemandFactory(organisation=buyer.organisation, created_by=buyer, quantity=50_000)
        buyers.append(buyer)
    run_matching("manual")
    return producer, buyers


def proposals_of(buyer):
    return db.session.scalars(select(Proposal).where(Proposal.buyer_organisation_id == buyer.organisation_id)
                              .order_by(Proposal.id)).all()


def mails_since(outbox, seen, address):
    return [m for m in outbox.to(address) if m["Message-ID"] not in seen]


def test_accepting_many_creates_the_orders_the_other_side_had_accepted_already(app):
    producer, [buyer] = market(3)
    first, second, third = proposals_of(buyer)
    proposals.accept_proposal(buyer, first.id)
    proposals.accept_proposal(buyer, second.id)

    outcome = proposals.decide_proposals(producer, PRODUCER, [third.id, first.id, second.id], accept=True)

    assert [p.id for p in outcome.decided] == [first.id, second.id, third.id]
    assert sorted(order.proposal_id for order in outcome.orders) == [first.id, second.id]
    placed = db.session.scalars(select(Order).order_by(Order.id)).all()
    assert [o.number for o in placed] == [orders.order_number(first), orders.order_number(second)]
    assert (first.status, second.status) == ("accepted", "accepted")
    assert (third.status, third.producer_decision, third.buyer_decision) == ("pending", "accepted", None)


def test_another_organisations_proposal_is_refused_and_nothing_is_decided(app, outbox):
    producer, [buyer] = market(2)
    own = proposals_of(buyer)
    stranger = ProducerFactory()
    OfferFactory(certification__organisation=stranger.organisation, quantity=50_000, unit_price_cents=85)
    other_buyer = UserFactory()
    DemandFactory(organisation=other_buyer.organisation, created_by=other_buyer, quantity=50_000)
    run_matching("manual")
    [foreign] = proposals_of(other_buyer)
    assert foreign.seller_organisation_id == stranger.organisation_id
    seen = {m["Message-ID"] for m in outbox.messages()}

    with pytest.raises(DomainError) as refused:
        proposals.decide_proposals(producer, PRODUCER, [own[0].id, foreign.id, own[1].id], accept=False)

    assert refused.value.code == ErrorCode.NOT_FOUND
    db.session.expire_all()
    assert all((p.status, p.producer_decision) == ("pending", None) for p in [*own, foreign])
    assert mails_since(outbox, seen, buyer.email) == []


def test_the_buyer_side_cannot_decide_through_the_producer_side(app):
    producer, [buyer] = market(1)
    [proposal] = proposals_of(buyer)
    with pytest.raises(DomainError) as refused:
        proposals.decide_proposals(buyer, PRODUCER, [proposal.id], accept=True)
    assert refused.value.code == ErrorCode.NOT_FOUND


def test_expired_and_already_answered_proposals_are_reported_not_decided(app, clock):
    producer, [buyer] = market(4)
    fresh, late, answered, closed = proposals_of(buyer)
    late.expires_at = clock.now() - timedelta(minutes=1)
    db.session.commit()
    proposals.accept_proposal(producer, answered.id)
    proposals.decline_proposal(buyer, closed.id)
    entries = db.session.scalar(select(func.count()).select_from(AuditEntry))

    outcome = proposals.decide_proposals(producer, PRODUCER, [fresh.id, late.id, answered.id, closed.id],
                                         accept=False, reason="Stock vendu")

    assert [p.id for p in outcome.decided] == [fresh.id]
    assert outcome.expired == [late.id] and outcome.answered == [answered.id, closed.id]
    assert (fresh.status, late.status, answered.status) == ("declined", "pending", "pending")
    assert (late.producer_decision, answered.producer_decision) == (None, "accepted")
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == entries + 1


def test_nothing_ticked_is_refused(app):
    producer, _ = market(1)
    with pytest.raises(DomainError) as refused:
        proposals.decide_proposals(producer, PRODUCER, [], accept=True)
    assert refused.value.field == "ids"


def test_more_than_the_cap_is_refused_before_anything_is_locked_or_decided(app):
    producer, [buyer] = market(2)
    real = [p.id for p in proposals_of(buyer)]
    forged = real + list(range(10_000, 10_000 + proposals.MOST_DECIDED_AT_ONCE))
    with pytest.raises(DomainError) as refused:
        proposals.decide_proposals(producer, PRODUCER, forged, accept=True)
    assert (refused.value.field, refused.value.params) == ("ids", {"most": proposals.MOST_DECIDED_AT_ONCE})
    assert refused.value.code == ErrorCode.INVALID
    assert [p.producer_decision for p in proposals_of(buyer)] == [None, None]


def test_the_same_id_sent_many_times_counts_once_against_the_cap(app):
    producer, [buyer] = market(1)
    [proposal] = proposals_of(buyer)
    outcome = proposals.decide_proposals(producer, PRODUCER, [proposal.id] * 500, accept=True)
    assert [p.id for p in outcome.decided] == [proposal.id]


def test_declining_many_mails_each_counterpart_member_once_listing_its_proposals(app, outbox):
    producer, [big, small] = market(3, 1)
    colleague = UserFactory(organisation=big.organisation, locale="en")
    made = proposals_of(big) + proposals_of(small)
    seen = {m["Message-ID"] for m in outbox.messages()}

    proposals.decide_proposals(producer, PRODUCER, [p.id for p in made], accept=False, reason="Stock vendu")

    [french] = mails_since(outbox, seen, big.email)
    [english] = mails_since(outbox, seen, colleague.email)
    name = producer.organisation.name
    assert french["Subject"] == f"{name} a décliné 3 de vos propositions"
    assert english["Subject"] == f"{name} declined 3 of your proposals"
    text = outbox.text(french)
    assert text.count("50\u202f000 masques FFP2 à 0,90\u00a0€ HT l’unité") == 3
    assert all(f"/buyers/proposals/{p.id}\n" in text for p in proposals_of(big))
    assert "Motif : Stock vendu" in text
    [single] = mails_since(outbox, seen, small.email)  # one proposal: the single decision's mail
    assert single["Subject"] == "Votre proposition de masques FFP2 a été déclinée"
    assert "Stock vendu" in outbox.text(single)


def test_accepting_many_mails_the_buyer_one_list_and_orders_their_confirmation(app, outbox):
    producer, [buyer] = market(3)
    first, *others = proposals_of(buyer)
    proposals.accept_proposal(producer, first.id)
    seen = {m["Message-ID"] for m in outbox.messages()}

    outcome = proposals.decide_proposals(buyer, BUYER, [p.id for p in proposals_of(buyer)], accept=True)

    [order] = outcome.orders
    subjects = sorted(m["Subject"] for m in mails_since(outbox, seen, producer.email))
    assert subjects == sorted([f"{buyer.organisation.name} a accepté 2 de vos propositions",
                               "Commande confirmée : 50\u202f000 masques FFP2"])
    assert order.proposal_id == first.id


def test_an_error_midway_leaves_no_decision_unit_or_mail_behind(app, outbox, monkeypatch):
    producer, [buyer] = market(3)
    made = proposals_of(buyer)
    offer = made[0].offer
    entries = db.session.scalar(select(func.count()).select_from(AuditEntry))
    seen = {m["Message-ID"] for m in outbox.messages()}

    def mail_server_refuses(*args, **kwargs):  # after every proposal is declined and its units released
        raise RuntimeError("outbox unavailable")

    monkeypatch.setattr(proposals, "tell_decisions", mail_server_refuses)
    with pytest.raises(RuntimeError):
        proposals.decide_proposals(producer, PRODUCER, [p.id for p in made], accept=False)

    db.session.expire_all()
    assert [(p.status, p.producer_decision) for p in made] == [("pending", None)] * 3
    assert (offer.allocated_quantity, offer.remaining_quantity) == (150_000, 850_000)
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == entries
    assert mails_since(outbox, seen, buyer.email) == []
