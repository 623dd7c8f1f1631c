"""Matching on two cores on the real stack: a prefork Celery worker's run solves markets in a helper process."""
import pytest
from sqlalchemy import func, select

from marketplace.extensions import db
from marketplace.models import MatchingRun, Offer, Proposal
from tests.factories import DemandFactory, OfferFactory, ProducerFactory, UserFactory
from tests.support.waiting import wait_until
from workers.tasks.matching import run_matching_task

pytestmark = pytest.mark.integration


def two_markets():
    """Respirators and community masks: no demand accepts both, so they are independent markets."""
    buyer = UserFactory()
    for category in ("FFP2", "UNS1"):
        producer = ProducerFactory()
        OfferFactory(certification__organisation=producer.organisation, certification__category=category,
                     quantity=100_000, unit_price_cents=90)
        for units in (50_000, 70_000):
            DemandFactory(organisation=buyer.organisation, created_by=buyer, category=category, quantity=units)


def test_a_prefork_worker_solves_independent_markets_in_a_helper_process(pg_app, start_worker):
    two_markets()
    worker = start_worker(pool="prefork", MATCHING_PARALLEL_FROM_ROWS="0")
    run_matching_task.delay("beat")

    def succeeded():
        db.session.rollback()  # a fresh read of what the worker committed
        return db.session.scalar(select(func.count()).where(MatchingRun.status == "succeeded"))

    wait_until(succeeded, "a matching run to succeed", timeout=120)
    units = dict(db.session.execute(select(Proposal.category, func.sum(Proposal.quantity)).group_by(Proposal.category)).all())
    assert units == {"FFP2": 100_000, "UNS1": 100_000}
    assert db.session.scalar(select(func.sum(Offer.remaining_quantity))) == 0
    log = open(worker.log.name, encoding="utf-8").read()
    assert "1 market(s) solved in a helper process" in log
    assert "helper process failed" not in log and "could not start" not in log
