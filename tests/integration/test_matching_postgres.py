"""Matching on the real stack: no over-allocation with concurrent runs, moving stock, killed workers."""
import threading
import time

import pytest
from sqlalchemy import func, select, text, update
from sqlalchemy.exc import IntegrityError

from marketplace.extensions import db
from marketplace.models import Demand, MatchingRun, Offer, Proposal
from marketplace.services import matching
from marketplace.services.matching import RunStatus, run_matching
from marketplace.services.reservations import StockChanged, reserve
from tests.factories import DemandFactory, OfferFactory, ProducerFactory, UserFactory
from workers.tasks.matching import _delivered_too_often, run_matching_task

pytestmark = pytest.mark.integration


def market(offers=3, demands=8, stock=100_000):
    """Offers of one region, more demanded than offered, so every run has something to fight over."""
    producer = ProducerFactory()
    made = [OfferFactory(certification__organisation=producer.organisation, quantity=stock,
                         unit_price_cents=80 + i) for i in range(offers)]
    buyer = UserFactory()
    for i in range(demands):
        DemandFactory(organisation=buyer.organisation, created_by=buyer, quantity=50_000 + 1_000 * i)
    return made


def assert_every_unit_accounted_for():
    db.session.expire_all()
    for offer in db.session.scalars(select(Offer)):
        held = db.session.scalar(select(func.coalesce(func.sum(Proposal.quantity), 0)).where(
            Proposal.offer_id == offer.id, Proposal.status.in_(("pending", "accepted"))))
        assert offer.allocated_quantity + offer.remaining_quantity == offer.quantity
        assert offer.allocated_quantity == held and offer.remaining_quantity >= 0
    for demand in db.session.scalars(select(Demand)):
        pending = db.session.scalar(select(func.coalesce(func.sum(Proposal.quantity), 0)).where(
            Proposal.demand_id == demand.id, Proposal.status == "pending"))
        assert demand.reserved_quantity == pending
        assert demand.matched_quantity + demand.reserved_quantity <= demand.quantity


def test_the_conditional_update_refuses_to_over_allocate(pg_app):
    offer = market(offers=1, demands=1)[0]
    demand = db.session.scalars(select(Demand)).one()
    with pytest.raises(StockChanged):
        reserve([(offer.id, 100_001)], [(demand.id, 1, demand.updated_at)])
    db.session.rollback()
    with pytest.raises(IntegrityError):  # the schema's CHECK is the last guard
        db.session.execute(update(Offer).where(Offer.id == offer.id).values(remaining_quantity=-1,
                                                                            allocated_quantity=100_001))
    db.session.rollback()


def test_a_producer_lowering_stock_during_a_run_is_never_over_allocated(pg_app, monkeypatch):
    offer = market(offers=1, demands=3)[0]
    real_match, solves = matching.match, []

    def producer_edits_meanwhile(offers, demands):
        result = real_match(offers, demands)
        if not solves:
            with db.engine.begin() as other:  # another connection, committed while we solve
                other.execute(update(Offer).where(Offer.id == offer.id).values(quantity=30_000, remaining_quantity=30_000))
        solves.append(1)
        return result

    monkeypatch.setattr(matching, "match", producer_edits_meanwhile)
    run = run_matching("beat")

    assert len(solves) == 2 and run.units_matched == 30_000
    assert_every_unit_accounted_for()


def test_two_concurrent_runs_one_runs_the_other_is_skipped(pg_app, monkeypatch):
    market()
    real_match = matching.match

    def slow(offers, demands):
        time.sleep(1.5)
        return real_match(offers, demands)

    monkeypatch.setattr(matching, "match", slow)
    outcomes = []

    def run():
        with pg_app.app_context():
            outcomes.append(run_matching("beat").status)
            db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
        time.sleep(0.2)
    for thread in threads:
        thread.join(30)

    assert sorted(outcomes) == [RunStatus.SKIPPED, RunStatus.SUCCEEDED]
    assert_every_unit_accounted_for()
    assert db.session.scalar(select(func.sum(Offer.allocated_quantity))) == 300_000


def _runs():
    db.session.expire_all()
    return db.session.scalars(select(MatchingRun).order_by(MatchingRun.id)).all()


def _wait(predicate, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError("timed out")


def _finished_a_run(worker):
    worker.log.flush()
    with open(worker.log.name) as log:
        return any("matching.run[" in line and "succeeded" in line for line in log)


def test_two_workers_one_killed_mid_run_leave_no_unit_unaccounted(pg_app, start_worker):
    offers = market()
    workers = [start_worker(), start_worker()]
    # Hold one offer's row: whichever run gets the lock stops inside its write transaction.
    blocker = db.engine.connect()
    blocker.execute(text("SELECT id FROM offer WHERE id = :id FOR UPDATE"), {"id": offers[0].id})
    try:
        run_matching_task.delay("beat")
        run_matching_task.delay("beat")
        _wait(lambda: sorted(r.status for r in _runs()) == ["running", "skipped"])
        busy = [w for w in workers if not _finished_a_run(w)]
        assert len(busy) == 1
        busy[0].kill()  # SIGKILL in the middle of the write
    finally:
        blocker.rollback()
        blocker.close()
    # Nothing of the killed run was written; the next run does the whole work.
    assert db.session.scalar(select(func.count(Proposal.id))) == 0
    run_matching_task.delay("beat")
    _wait(lambda: any(r.status == "succeeded" for r in _runs()))
    statuses = [r.status for r in _runs()]
    assert statuses.count("succeeded") == 1 and "failed" in statuses  # the killed run, marked abandoned
    assert_every_unit_accounted_for()
    assert db.session.scalar(select(func.sum(Offer.remaining_quantity))) == 0


def test_a_task_handed_out_too_many_times_is_dropped(pg_app):
    class Request:
        id, retries, is_eager = "poison-task", 0, False

    allowed = pg_app.config["MATCHING_MAX_DELIVERIES"]
    assert [_delivered_too_often(Request) for _ in range(allowed + 1)] == [False] * allowed + [True]


def test_retry_countdowns_stay_below_the_visibility_timeout(pg_app):
    from workers.tasks.matching import RETRY_MAX_SECONDS

    visibility = pg_app.config["CELERY"]["broker_transport_options"]["visibility_timeout"]
    assert RETRY_MAX_SECONDS < visibility and pg_app.config["MATCHING_DEBOUNCE_SECONDS"] < visibility
