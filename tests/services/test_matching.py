"""Matching runs on the embedded default: proposals, reservations, runs recorded, refusals."""
from datetime import date

import pytest
from sqlalchemy import func, select

from marketplace.domain.runs import RunStatus
from marketplace.extensions import db
from marketplace.models import MatchingRun, Offer, Proposal
from marketplace.services.matching import runs
from marketplace.services.matching.runs import run_matching
from marketplace.services.reservations import StockChanged, reserve
from tests.factories import DemandFactory, OfferFactory, ProducerFactory, UserFactory


@pytest.fixture
def market(app):
    producer = ProducerFactory()
    offer = OfferFactory(certification__organisation=producer.organisation, quantity=80_000)
    buyer = UserFactory()
    demand = DemandFactory(organisation=buyer.organisation, created_by=buyer, quantity=50_000)
    return offer, demand, producer, buyer


def test_a_run_proposes_and_reserves_at_once(market, outbox):
    offer, demand, producer, buyer = market

    run = run_matching("manual")

    proposal = db.session.scalars(select(Proposal)).one()
    assert (proposal.offer_id, proposal.demand_id, proposal.quantity) == (offer.id, demand.id, 50_000)
    assert proposal.status == "pending" and proposal.run_id == run.id
    assert proposal.reasons["asked"] == "FFP2" and proposal.reasons["region"] == "53"
    db.session.refresh(offer), db.session.refresh(demand)
    assert (offer.allocated_quantity, offer.remaining_quantity, offer.status) == (50_000, 30_000, "partially_allocated")
    assert demand.reserved_quantity == 50_000 and demand.matched_quantity == 0 and demand.has_live_proposals
    assert (run.status, run.offers_considered, run.demands_considered, run.units_matched) == (RunStatus.SUCCEEDED, 1, 1, 50_000)
    assert {m["To"] for m in outbox.messages()} == {producer.email, buyer.email}


def test_a_second_run_finds_nothing_left_to_do(market):
    run_matching("manual")
    second = run_matching("beat")
    assert second.proposals_created == 0 and second.demands_considered == 0
    assert db.session.scalar(select(func.count(Proposal.id))) == 1


def test_unmatched_units_are_recorded_by_category_and_region(app):
    DemandFactory(category="FFP3", region_code="84", departement_code="69", quantity=60_000)
    run = run_matching("manual")
    assert run.unmatched == {"FFP3|84": 60_000}


def test_expired_and_unlisted_offers_are_not_considered(app, clock):
    OfferFactory(expires_on=clock.days_from_today(-1))
    OfferFactory(status="submitted")
    DemandFactory()
    run = run_matching("manual")
    assert run.offers_considered == 0 and run.proposals_created == 0


def test_foreign_equivalents_past_their_end_are_not_considered(app):
    OfferFactory(certification__category="KN95", available_from=date(2020, 5, 4))
    DemandFactory(accepted_substitutes=["KN95"])
    assert run_matching("manual").offers_considered == 0


def test_reserving_more_than_an_offer_holds_is_refused(market):
    offer, demand, *_ = market
    with pytest.raises(StockChanged):
        reserve([(offer.id, 80_001)], [(demand.id, 1, demand.updated_at)])
    db.session.rollback()


def test_reserving_from_a_demand_changed_since_read_is_refused(market):
    offer, demand, *_ = market
    stale = demand.updated_at
    demand.updated_at = demand.created_at
    db.session.commit()
    with pytest.raises(StockChanged):
        reserve([(offer.id, 10)], [(demand.id, 10, stale)])
    db.session.rollback()


def test_stock_lowered_during_a_run_makes_it_solve_again(market, monkeypatch):
    offer, demand, *_ = market
    real_match = runs.match
    calls = []

    def producer_lowers_stock_meanwhile(offers, demands, *options):
        result = real_match(offers, demands, *options)
        if not calls:
            db.session.execute(Offer.__table__.update().where(Offer.id == offer.id)
                               .values(quantity=20_000, remaining_quantity=20_000))
            db.session.commit()
        calls.append(1)
        return result

    monkeypatch.setattr(runs, "match", producer_lowers_stock_meanwhile)
    run = run_matching("manual")

    assert len(calls) == 2
    assert run.units_matched == 20_000
    db.session.refresh(offer)
    assert (offer.allocated_quantity, offer.remaining_quantity, offer.status) == (20_000, 0, "sold_out")
    assert not offer.listed


def test_a_failed_run_is_recorded_and_writes_nothing(market, monkeypatch):
    def broken(*args):
        raise RuntimeError("solver bug")

    monkeypatch.setattr(runs, "match", broken)
    with pytest.raises(RuntimeError):
        run_matching("manual")
    run = db.session.scalars(select(MatchingRun)).one()
    assert run.status == RunStatus.FAILED and "solver bug" in run.error
    assert db.session.scalar(select(func.count(Proposal.id))) == 0


def test_proposals_a_stopped_run_committed_are_mailed_when_the_next_run_closes_it(market, outbox, clock):
    offer, demand, producer, buyer = market
    today = clock.today()
    (offers, offer_rows), (demands, demand_rows) = runs.load_offers(today), runs.load_demands(today)
    stopped = MatchingRun(trigger="beat", status="running", unmatched={})
    db.session.add(stopped)
    db.session.commit()
    # Written and committed, then the worker died before the run's last transaction (its mails).
    runs.write_proposals(stopped.id, runs.match(offers, demands).allocations,
                             offer_rows=offer_rows, demand_rows=demand_rows)
    db.session.commit()
    assert outbox.messages() == []

    run_matching("manual")

    statuses = db.session.scalars(select(MatchingRun.status).order_by(MatchingRun.id)).all()
    assert statuses == ["failed", "succeeded"]
    assert sorted(m["To"] for m in outbox.messages()) == sorted([producer.email, buyer.email])


def test_a_run_left_running_by_a_killed_worker_is_marked_abandoned(market):
    db.session.add(MatchingRun(trigger="beat", status="running", unmatched={}))
    db.session.commit()
    run_matching("manual")
    statuses = db.session.scalars(select(MatchingRun.status).order_by(MatchingRun.id)).all()
    assert statuses == ["failed", "succeeded"]
