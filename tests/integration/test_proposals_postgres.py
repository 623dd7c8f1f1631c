"""Deciding several proposals at once on the real PostgreSQL: concurrent overlapping batches, no double decision."""
import threading
import time

import pytest
from sqlalchemy import func, select

from marketplace.extensions import db
from marketplace.models import AuditEntry, Order, Proposal
from marketplace.services import proposals
from marketplace.services.matching import run_matching
from marketplace.services.proposal_mail import BUYER, PRODUCER
from tests.factories import DemandFactory, OfferFactory, ProducerFactory, UserFactory
from tests.integration.test_matching_postgres import assert_every_unit_accounted_for

pytestmark = pytest.mark.integration


def six_proposals_on_shared_demands():
    """Six offers of one producer (two members) answering two demands: six proposals, three per demand."""
    producer = ProducerFactory()
    colleague = UserFactory(organisation=producer.organisation)
    for i in range(6):
        OfferFactory(certification__organisation=producer.organisation, quantity=50_000, unit_price_cents=80 + i)
    buyer = UserFactory()
    for _ in range(2):
        DemandFactory(organisation=buyer.organisation, created_by=buyer, quantity=150_000)
    assert run_matching("manual").proposals_created == 6
    ids = db.session.scalars(select(Proposal.id).order_by(Proposal.id)).all()
    return producer, colleague, buyer, ids


@pytest.mark.parametrize("first_accepts", [True, False], ids=["accept-accept", "decline-accept"])
def test_two_overlapping_batches_at_once_decide_each_proposal_once_without_deadlock(pg_app, monkeypatch,
                                                                                  first_accepts):
    producer, colleague, buyer, ids = six_proposals_on_shared_demands()
    proposals.decide_proposals(buyer, BUYER, ids, accept=True)  # so the producer's acceptances place orders
    real_tell = proposals.tell_decisions

    def slow_tell(*args, **kwargs):  # hold the row locks a while: the other batch has to wait for them
        real_tell(*args, **kwargs)
        time.sleep(0.5)

    monkeypatch.setattr(proposals, "tell_decisions", slow_tell)
    batches = [(producer.id, list(reversed(ids[:4])), first_accepts), (colleague.id, ids[2:], True)]
    start, outcomes, errors = threading.Barrier(2), [], []

    def decide(user_id, chosen, accept):
        with pg_app.app_context():
            try:
                user = db.session.get(type(producer), user_id)
                start.wait()
                outcome = proposals.decide_proposals(user, PRODUCER, chosen, accept=accept)
                outcomes.append((len(outcome.decided), len(outcome.orders), sorted(outcome.answered)))
            except Exception as error:  # noqa: BLE001 - a deadlock or any error fails the test below
                errors.append(repr(error))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=decide, args=batch) for batch in batches]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert errors == [] and len(outcomes) == 2
    assert sum(decided for decided, _, _ in outcomes) == 6  # the overlap was decided by one batch only
    assert sorted(answered for _, _, answered in outcomes) == [[], ids[2:4]]
    db.session.expire_all()
    decisions = db.session.execute(
        select(AuditEntry.object_id, func.count()).where(AuditEntry.action.like("proposal.producer_%"))
        .group_by(AuditEntry.object_id)).all()
    assert sorted(decisions) == [(i, 1) for i in ids]
    orders = db.session.scalar(select(func.count()).select_from(Order))
    accepted = db.session.scalar(select(func.count()).where(Proposal.status == "accepted"))
    assert orders == accepted == (6 if first_accepts else sum(o for _, o, _ in outcomes))
    assert_every_unit_accounted_for()
