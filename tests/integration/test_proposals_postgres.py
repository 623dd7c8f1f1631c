"""Deciding several proposals at once on the real PostgreSQL: concurrent overlapping batches, no double decision,
no deadlock with the buyer cancelling the demand meanwhile."""
import threading

import pytest
from sqlalchemy import func, select, update

from marketplace.extensions import db
from marketplace.models import AuditEntry, Demand, Order, Proposal
from marketplace.services import demands, proposals
from marketplace.services.matching.runs import run_matching
from marketplace.services.proposal_mail import BUYER, PRODUCER
from tests.conftest import truncate_all
from tests.factories import DemandFactory, OfferFactory, ProducerFactory, UserFactory
from tests.support.accounting import assert_every_unit_accounted_for
from tests.support.clock import days_from_today
from tests.support.waiting import backend_pid, wait_for, wait_until_blocked

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
    real_tell, held = proposals.tell_decisions, threading.Event()

    def tell_once_the_other_batch_waits(*args, **kwargs):  # the first batch keeps its row locks until the other waits
        real_tell(*args, **kwargs)
        if not held.is_set():  # the other batch gets here only once this one has committed
            held.set()
            wait_until_blocked(db.engine, backend_pid(db.session))

    monkeypatch.setattr(proposals, "tell_decisions", tell_once_the_other_batch_waits)
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


def one_demand_with_four_proposals_the_buyer_accepted():
    """A producer's four offers answering one buyer's demand, the buyer having accepted all four proposals."""
    producer = ProducerFactory()
    for i in range(4):
        OfferFactory(certification__organisation=producer.organisation, quantity=50_000, unit_price_cents=80 + i)
    buyer = UserFactory()
    demand = DemandFactory(organisation=buyer.organisation, created_by=buyer, quantity=200_000)
    assert run_matching("manual").proposals_created == 4
    ids = db.session.scalars(select(Proposal.id).where(Proposal.demand_id == demand.id).order_by(Proposal.id)).all()
    proposals.decide_proposals(buyer, BUYER, ids, accept=True)
    return producer, buyer, demand.id, ids


@pytest.mark.parametrize("accept", [True, False], ids=["accept", "decline"])
def test_cancelling_a_demand_while_its_producer_decides_its_proposals_never_deadlocks(pg_app, monkeypatch, accept):
    real_lock_parties = proposals._lock_parties
    for _ in range(3):
        producer, buyer, demand_id, ids = one_demand_with_four_proposals_the_buyer_accepted()
        start, errors, proposals_held = threading.Barrier(2), [], threading.Event()

        def lock_parties_once_the_cancel_waits(*args):  # between the proposals' locks and the demand's
            proposals_held.set()
            wait_until_blocked(db.engine, backend_pid(db.session))  # the buyer's cancel came in and waits
            real_lock_parties(*args)

        def run(action):
            with pg_app.app_context():
                try:
                    start.wait()
                    action()
                except Exception as error:  # noqa: BLE001 - a deadlock or any error fails the test below
                    errors.append(repr(error))
                finally:
                    db.session.remove()

        def decide():
            proposals.decide_proposals(db.session.get(type(producer), producer.id), PRODUCER, ids[1:], accept=accept)

        def cancel():
            wait_for(proposals_held, "the producer's batch to hold its proposals")
            demands.cancel_demand(db.session.get(type(buyer), buyer.id), db.session.get(Demand, demand_id))

        threads = [threading.Thread(target=run, args=(action,)) for action in (decide, cancel)]
        with monkeypatch.context() as patched:  # the producer's decision in its thread, not the buyer's above
            patched.setattr(proposals, "_lock_parties", lock_parties_once_the_cancel_waits)
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(30)

        assert errors == []
        db.session.expire_all()
        statuses = db.session.scalars(select(Proposal.status).where(Proposal.id.in_(ids)).order_by(Proposal.id)).all()
        assert statuses == ["declined"] + ["accepted" if accept else "declined"] * 3
        demand = db.session.get(Demand, demand_id)
        assert (demand.status, demand.matched_quantity) == ("cancelled", 150_000 if accept else 0)
        assert db.session.scalar(select(func.count()).select_from(Order).where(Order.demand_id == demand_id)) == (
            3 if accept else 0)
        assert_every_unit_accounted_for()
        truncate_all()  # the next round's run must not match this round's offers


def two_overdue_demands_answered_one_after_the_other():
    """Two demands of one buyer answered by one producer, the first one first: its proposals have the lower ids."""
    producer = ProducerFactory()
    for i in range(4):
        OfferFactory(certification__organisation=producer.organisation, quantity=50_000, unit_price_cents=80 + i)
    buyer = UserFactory()
    first, second = (DemandFactory(organisation=buyer.organisation, created_by=buyer, quantity=100_000)
                     for _ in range(2))
    first_id, second_id = first.id, second.id
    db.session.execute(update(Demand).where(Demand.id == second_id).values(status="cancelled"))
    db.session.commit()
    assert run_matching("manual").proposals_created == 2  # the first demand's
    db.session.execute(update(Demand).where(Demand.id == second_id).values(status="open"))
    db.session.commit()
    assert run_matching("manual").proposals_created == 2  # then the second's
    yesterday = days_from_today(-1)
    for demand_id in (second_id, first_id):  # the second's row before the first's, as a table scan reads them
        db.session.execute(update(Demand).where(Demand.id == demand_id).values(needed_by=yesterday))
    db.session.commit()
    ids = db.session.scalars(select(Proposal.id).order_by(Proposal.id)).all()
    return producer, ids


def test_expiring_overdue_demands_while_a_producer_decides_proposals_of_both_never_deadlocks(pg_app, monkeypatch):
    producer, ids = two_overdue_demands_answered_one_after_the_other()
    real_record, first_closed = demands.record_decision, threading.Event()

    def record_once_the_decision_waits(*args, **kwargs):  # the first demand closed, its locks held till then
        real_record(*args, **kwargs)
        if not first_closed.is_set():
            first_closed.set()
            wait_until_blocked(db.engine, backend_pid(db.session))

    monkeypatch.setattr(demands, "record_decision", record_once_the_decision_waits)
    start, errors, outcomes = threading.Barrier(2), [], {}

    def run(name, action):
        with pg_app.app_context():
            try:
                start.wait()
                outcomes[name] = action()
            except Exception as error:  # noqa: BLE001 - a deadlock or any error fails the test below
                errors.append(repr(error))
            finally:
                db.session.remove()

    def decide():
        wait_for(first_closed, "the expiry to hold the first demand's proposals")
        outcome = proposals.decide_proposals(db.session.get(type(producer), producer.id), PRODUCER, ids, accept=True)
        return sorted(outcome.answered), sorted(p.id for p in outcome.decided)

    threads = [threading.Thread(target=run, args=pair)
               for pair in (("expired", demands.expire_overdue_demands), ("decided", decide))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert errors == [] and outcomes["expired"] == 2
    # The interleaving that deadlocked: the decision waited for the first demand to close (its proposals
    # closed as expired by then, so reported as already answered) while holding the second demand's
    # proposals, which it accepted before the expiry closed that demand.
    assert outcomes["decided"] == (ids[:2], ids[2:])
    db.session.expire_all()
    assert sorted(db.session.scalars(select(Demand.status))) == ["expired", "expired"]
    assert set(db.session.scalars(select(Proposal.status))) == {"expired"}
    assert_every_unit_accounted_for()
