"""Proposals: each side answers for itself; both accept make an order; decline and expiry release."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from marketplace.domain.errors import DomainError, ErrorCode
from marketplace.extensions import db
from marketplace.models import Order, Proposal
from marketplace.services import demands, offers, proposals
from marketplace.services.matching.runs import run_matching
from tests.factories import (
    AdminFactory,
    DemandFactory,
    OfferFactory,
    PoolFactory,
    PoolMembershipFactory,
    ProducerFactory,
    UserFactory,
)


@pytest.fixture
def proposed(app):
    producer = ProducerFactory()
    offer = OfferFactory(certification__organisation=producer.organisation, quantity=80_000)
    buyer = UserFactory()
    demand = DemandFactory(organisation=buyer.organisation, created_by=buyer, quantity=50_000)
    run_matching("manual")
    proposal = db.session.scalars(select(Proposal)).one()
    return proposal, producer, buyer, offer, demand


def test_the_order_exists_only_once_both_sides_accept(proposed, outbox, clock):
    proposal, producer, buyer, offer, demand = proposed

    proposals.accept_proposal(buyer, proposal.id)
    assert proposal.status == "pending" and proposal.buyer_decision == "accepted"
    assert db.session.scalars(select(Order)).all() == []
    proposals.accept_proposal(producer, proposal.id)

    order = db.session.scalars(select(Order)).one()
    assert order.number == f"CMD-{clock.now().year}-{proposal.id:06d}"
    assert (order.quantity, order.unit_price_cents, order.buyer_organisation_id) == (50_000, 90, buyer.organisation_id)
    assert proposal.status == "accepted"
    db.session.refresh(demand), db.session.refresh(offer)
    assert (demand.matched_quantity, demand.reserved_quantity, demand.status) == (50_000, 0, "fulfilled")
    assert demand.matched_total_cents == 50_000 * 90
    assert (offer.allocated_quantity, offer.remaining_quantity) == (50_000, 30_000)
    confirmations = [m for m in outbox.messages() if order.number in m["Subject"] or order.number in outbox.text(m)]
    assert {m["To"] for m in confirmations} == {buyer.email, producer.email}


def test_a_side_answers_only_once(proposed):
    proposal, producer, buyer, *_ = proposed
    proposals.accept_proposal(buyer, proposal.id)
    with pytest.raises(DomainError) as refused:
        proposals.decline_proposal(buyer, proposal.id, "changed my mind")
    assert refused.value.code == ErrorCode.CONFLICT


def test_an_outsider_cannot_answer(proposed):
    proposal, *_ = proposed
    for outsider in (UserFactory(), ProducerFactory(), AdminFactory()):
        with pytest.raises(DomainError) as refused:
            proposals.accept_proposal(outsider, proposal.id)
        assert refused.value.code == ErrorCode.NOT_FOUND


def test_declining_releases_the_units_for_the_next_run(proposed, outbox):
    proposal, producer, buyer, offer, demand = proposed

    proposals.decline_proposal(producer, proposal.id, "Stock promised elsewhere")

    assert proposal.status == "declined" and proposal.producer_decision == "declined"
    db.session.refresh(offer), db.session.refresh(demand)
    assert (offer.allocated_quantity, offer.remaining_quantity, offer.status, offer.listed) == (0, 80_000, "approved", True)
    assert demand.reserved_quantity == 0 and not demand.has_live_proposals
    assert any("Stock promised elsewhere" in outbox.text(m) for m in outbox.to(buyer.email))
    assert run_matching("beat").proposals_created == 1


def test_a_closed_proposal_cannot_be_answered(proposed):
    proposal, producer, buyer, *_ = proposed
    proposals.decline_proposal(buyer, proposal.id)
    with pytest.raises(DomainError) as refused:
        proposals.accept_proposal(producer, proposal.id)
    assert refused.value.code == ErrorCode.CONFLICT


def test_unanswered_proposals_expire_and_release(proposed, outbox, clock):
    proposal, producer, buyer, offer, demand = proposed
    clock.advance(timedelta(hours=47))
    assert proposals.expire_proposals() == 0

    clock.advance(timedelta(hours=2))
    assert proposals.expire_proposals() == 1

    assert proposal.status == "expired"
    db.session.refresh(offer), db.session.refresh(demand)
    assert (offer.remaining_quantity, demand.reserved_quantity) == (80_000, 0)
    assert {m["To"] for m in outbox.messages() if "expir" in m["Subject"].lower()} == {buyer.email, producer.email}


def test_a_proposal_past_its_deadline_cannot_be_accepted(proposed, clock):
    proposal, producer, buyer, *_ = proposed
    clock.move_to(proposal.expires_at + timedelta(minutes=1))
    with pytest.raises(DomainError) as refused:
        proposals.accept_proposal(buyer, proposal.id)
    assert refused.value.code == ErrorCode.EXPIRED


def test_a_demand_with_pending_proposals_cannot_be_changed_and_cancelling_releases(proposed):
    proposal, producer, buyer, offer, demand = proposed
    assert not demand.can_be_edited

    demands.cancel_demand(buyer, demand)

    assert proposal.status == "declined"
    db.session.refresh(offer)
    assert offer.remaining_quantity == 80_000


def test_units_released_from_a_withdrawn_offer_stay_withdrawn(proposed):
    proposal, producer, buyer, offer, demand = proposed
    offers.withdraw_offer(producer, offer)
    assert (offer.quantity, offer.status) == (50_000, "sold_out")

    proposals.decline_proposal(buyer, proposal.id)

    db.session.refresh(offer)
    assert (offer.quantity, offer.allocated_quantity, offer.remaining_quantity, offer.listed) == (0, 0, 0, False)


def test_a_buyer_requests_an_offer_from_the_catalogue(app, outbox):
    producer = ProducerFactory()
    offer = OfferFactory(certification__organisation=producer.organisation, unit_price_cents=120)
    buyer = UserFactory()
    demand = DemandFactory(organisation=buyer.organisation, created_by=buyer, max_unit_price_cents=90)

    proposal = proposals.request_offer(buyer, offer.id, demand.id, 30_000)

    assert (proposal.source, proposal.buyer_decision, proposal.producer_decision) == ("direct_request", "accepted", None)
    db.session.refresh(offer), db.session.refresh(demand)
    assert (offer.remaining_quantity, demand.reserved_quantity) == (70_000, 30_000)
    assert outbox.to(producer.email)
    proposals.accept_proposal(producer, proposal.id)
    assert proposal.order is not None and proposal.order.unit_price_cents == 120


@pytest.mark.parametrize("quantity", [0, 50_001])
def test_a_request_beyond_the_demand_or_of_nothing_is_refused(app, quantity):
    offer = OfferFactory()
    buyer = UserFactory()
    demand = DemandFactory(organisation=buyer.organisation, created_by=buyer)
    with pytest.raises(DomainError) as refused:
        proposals.request_offer(buyer, offer.id, demand.id, quantity)
    assert refused.value.field == "quantity"


def test_a_request_for_another_region_or_category_is_refused(app):
    offer = OfferFactory(certification__category="UNS1")
    buyer = UserFactory()
    demand = DemandFactory(organisation=buyer.organisation, created_by=buyer)
    with pytest.raises(DomainError):
        proposals.request_offer(buyer, offer.id, demand.id, 10)


def test_a_request_for_another_organisations_demand_is_refused(app):
    offer = OfferFactory()
    demand = DemandFactory()
    with pytest.raises(DomainError) as refused:
        proposals.request_offer(UserFactory(), offer.id, demand.id, 10)
    assert refused.value.code == ErrorCode.NOT_FOUND


def test_pool_members_get_their_share_when_the_pools_demand_gets_an_order(app, outbox):
    pool = PoolFactory(category="FFP2", max_unit_price_cents=100)
    first = PoolMembershipFactory(pool=pool, quantity=30_000)
    second = PoolMembershipFactory(pool=pool, quantity=20_000)
    opener = UserFactory(organisation=pool.organisation)
    demand = DemandFactory(organisation=pool.organisation, created_by=opener, quantity=50_000, max_unit_price_cents=100)
    pool.demand, pool.status = demand, "submitted"
    db.session.commit()
    producer = ProducerFactory()
    OfferFactory(certification__organisation=producer.organisation, quantity=40_000)
    run_matching("manual")
    proposal = db.session.scalars(select(Proposal)).one()

    proposals.accept_proposal(opener, proposal.id)
    proposals.accept_proposal(producer, proposal.id)

    shares = [m for m in outbox.to(first.user.email) if "part" in m["Subject"].lower() or "share" in m["Subject"].lower()]
    assert len(shares) == 1 and "24" in outbox.text(shares[0])
    assert len(outbox.to(second.user.email)) >= 1
