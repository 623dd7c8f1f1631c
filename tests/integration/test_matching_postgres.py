"""Matching on the real stack: no over-allocation with concurrent runs, moving stock, killed workers."""
import threading

import pytest
from sqlalchemy import func, select, text, update
from sqlalchemy.exc import IntegrityError

from marketplace.domain.matching import match
from marketplace.domain.runs import RunStatus
from marketplace.extensions import db
from marketplace.models import Demand, MatchingRun, Notification, Offer, Proposal
from marketplace.services.matching import market_writes, runs
from marketplace.services.matching.runs import run_matching
from marketplace.services.reservations import StockChanged, reserve
from tests.factories import (
    DemandFactory,
    OfferFactory,
    OrganisationFactory,
    ProducerFactory,
    ProposalFactory,
    UserFactory,
)
from tests.support.accounting import assert_every_unit_accounted_for
from tests.support.waiting import backend_pid, wait_for, wait_until, wait_until_gone
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


def two_markets(stock=100_000):
    """Surgical and FFP2 masks, more demanded than offered: two independent markets."""
    producer, buyer = ProducerFactory(), UserFactory()
    for category in ("SURGICAL_II", "FFP2"):
        for i in range(2):
            OfferFactory(certification__organisation=producer.organisation, certification__category=category,
                         quantity=stock, unit_price_cents=80 + i)
        for i in range(3):
            DemandFactory(organisation=buyer.organisation, created_by=buyer, category=category,
                          quantity=50_000 + 1_000 * i)
    return producer, buyer


def in_parallel(app, monkeypatch):
    """Write every run's markets on parallel connections; return the list of markets each run wrote so."""
    app.config["MATCHING_PARALLEL_FROM_ROWS"] = 0
    written, real = [], market_writes.write_markets

    def recorded(markets, write):
        written.append(len(markets))
        return real(markets, write)

    monkeypatch.setattr(runs, "write_markets", recorded)
    return written


def proposals_made():
    return sorted(db.session.execute(select(Proposal.offer_id, Proposal.demand_id, Proposal.quantity)).all())


def proposal_mails():
    db.session.expire_all()
    return sorted(db.session.execute(select(Notification.user_id, Notification.event)
                                      .where(Notification.event.like("proposal%"))).all())


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


@pytest.mark.parametrize("party", ["seller_organisation", "buyer_organisation"])
def test_the_database_refuses_a_proposal_whose_party_is_not_its_offers_or_demands(pg_app, party):
    with pytest.raises(IntegrityError):  # one composite foreign key checks the offer (demand) and its copy
        ProposalFactory(**{party: OrganisationFactory()})
    db.session.rollback()


def test_the_bulk_reservation_takes_units_only_from_a_demand_unchanged_since_read(pg_app):
    offer = market(offers=1, demands=2)[0]
    first, second = db.session.scalars(select(Demand).order_by(Demand.id)).all()
    stale = second.updated_at
    db.session.execute(update(Demand).where(Demand.id == second.id).values(updated_at=func.now()))
    db.session.commit()
    with pytest.raises(StockChanged):  # the buyer edited the second demand after it was read
        reserve([(offer.id, 20)], [(first.id, 10, first.updated_at), (second.id, 10, stale)])
    db.session.rollback()
    reserve([(offer.id, 10)], [(first.id, 10, first.updated_at)])
    db.session.commit()
    db.session.expire_all()
    assert (db.session.get(Demand, first.id).reserved_quantity, db.session.get(Demand, second.id).reserved_quantity) == (10, 0)
    assert db.session.get(Offer, offer.id).allocated_quantity == 10


def stock_lowered_during_the_first_solve(monkeypatch, offer_id, quantity):
    """Have the producer lower an offer's stock while the run's first solve is under way; return the solves."""
    real_match, solves = runs.match, []

    def producer_edits_meanwhile(offers, demands, *options):
        result = real_match(offers, demands, *options)
        if not solves:
            with db.engine.begin() as other:  # another connection, committed while we solve
                other.execute(update(Offer).where(Offer.id == offer_id).values(quantity=quantity,
                                                                                remaining_quantity=quantity))
        solves.append(1)
        return result

    monkeypatch.setattr(runs, "match", producer_edits_meanwhile)
    return solves


def test_a_producer_lowering_stock_during_a_run_is_never_over_allocated(pg_app, monkeypatch):
    offer = market(offers=1, demands=3)[0]
    solves = stock_lowered_during_the_first_solve(monkeypatch, offer.id, 30_000)
    run = run_matching("beat")

    assert len(solves) == 2 and run.units_matched == 30_000
    assert_every_unit_accounted_for()


def test_a_large_run_writes_its_markets_on_parallel_connections_as_one_would(pg_app, monkeypatch, clock):
    producer, buyer = two_markets()
    today = clock.today()
    expected = sorted((a.offer_id, a.demand_id, a.units) for a in match(
        runs.load_offers(today)[0], runs.load_demands(today)[0]).allocations)
    db.session.rollback()
    written = in_parallel(pg_app, monkeypatch)

    run = run_matching("beat")

    assert written == [2] and run.status == RunStatus.SUCCEEDED
    assert proposals_made() == expected and run.proposals_created == len(expected)
    assert {p.category for p in db.session.scalars(select(Proposal))} == {"SURGICAL_II", "FFP2"}
    # One mail per member and run, listing the proposals of both markets.
    assert proposal_mails() == sorted([(buyer.id, "proposals_new"), (producer.id, "proposals_new")])
    assert_every_unit_accounted_for()


def test_stock_moved_in_one_market_rolls_back_every_market_and_the_run_starts_again(pg_app, monkeypatch):
    two_markets()
    written = in_parallel(pg_app, monkeypatch)
    ffp2 = db.session.scalars(select(Offer.id).where(Offer.category == "FFP2").order_by(Offer.id)).first()
    solves = stock_lowered_during_the_first_solve(monkeypatch, ffp2, 30_000)
    run = run_matching("beat")

    assert written == [2, 2] and len(solves) == 2
    # The surgical market, written fine the first time, was rolled back with the other: the second
    # attempt wrote, counted and announced every proposal of the run.
    assert run.proposals_created == db.session.scalar(select(func.count(Proposal.id)))
    assert run.units_matched == 153_000 + 130_000 == db.session.scalar(select(func.sum(Proposal.quantity)))
    assert_every_unit_accounted_for()


def test_a_market_that_fails_to_write_rolls_back_the_others(pg_app, monkeypatch):
    two_markets()
    in_parallel(pg_app, monkeypatch)
    real_write = runs.write_proposals

    def broken_for_ffp2(run_id, allocations, **rows):
        written = real_write(run_id, allocations, **rows)
        if allocations[0].category == "FFP2":
            raise RuntimeError("the FFP2 market's connection broke")
        return written

    monkeypatch.setattr(runs, "write_proposals", broken_for_ffp2)
    with pytest.raises(RuntimeError):
        run_matching("beat")

    assert [r.status for r in _runs()] == [RunStatus.FAILED]
    assert proposals_made() == [] and proposal_mails() == []
    assert db.session.scalar(select(func.sum(Offer.remaining_quantity))) == 400_000
    assert_every_unit_accounted_for()


def test_proposals_of_a_run_stopped_between_its_commits_are_announced_once_by_the_next_run(pg_app, clock):
    producer, buyer = two_markets()
    today = clock.today()
    (offers, offer_rows), (demands, demand_rows) = runs.load_offers(today), runs.load_demands(today)
    stopped = MatchingRun(trigger="beat", status=RunStatus.RUNNING, unmatched={})
    db.session.add(stopped)
    db.session.commit()
    # What a run leaves when killed after its markets committed and before its last transaction.
    [surgical] = [m for m in match(offers, demands).markets if m[0].category == "SURGICAL_II"]
    runs.write_proposals(stopped.id, surgical, offer_rows=offer_rows, demand_rows=demand_rows)
    db.session.commit()
    assert proposal_mails() == []

    run_matching("beat")
    run_matching("beat")

    assert [r.status for r in _runs()] == [RunStatus.FAILED, RunStatus.SUCCEEDED, RunStatus.SUCCEEDED]
    # The stopped run's proposals, then the next run's (the FFP2 market): one mail each per member.
    assert proposal_mails() == sorted([(buyer.id, "proposals_new")] * 2 + [(producer.id, "proposals_new")] * 2)
    assert_every_unit_accounted_for()


def test_a_commit_failing_after_another_market_committed_fails_the_run_and_announces_what_it_wrote(
        pg_app, monkeypatch):
    producer, buyer = two_markets()
    in_parallel(pg_app, monkeypatch)
    real_write, ffp2_written, ffp2_backend = runs.write_proposals, threading.Event(), []

    def ffp2_connection_dropped_before_its_commit(run_id, allocations, **rows):
        written = real_write(run_id, allocations, **rows)
        if allocations[0].category == "FFP2":  # PostgreSQL ends this session as it waits for the other writer
            ffp2_backend.append(backend_pid(db.session))
            db.session.execute(text("SET LOCAL idle_in_transaction_session_timeout = '100ms'"))
            ffp2_written.set()
        else:  # the surgical market's writer is done once PostgreSQL has ended the FFP2 writer's session
            wait_for(ffp2_written, "the FFP2 market's writer to write")
            wait_until_gone(db.engine, ffp2_backend[0])
        return written

    monkeypatch.setattr(runs, "write_proposals", ffp2_connection_dropped_before_its_commit)
    with pytest.raises(Exception):
        run_matching("beat")

    [failed] = _runs()
    assert failed.status == RunStatus.FAILED
    # The surgical market committed, complete, and its proposals were announced as the run was closed.
    assert {p.category for p in db.session.scalars(select(Proposal))} == {"SURGICAL_II"}
    assert proposal_mails() == sorted([(buyer.id, "proposals_new"), (producer.id, "proposals_new")])
    assert_every_unit_accounted_for()
    monkeypatch.setattr(runs, "write_proposals", real_write)
    assert run_matching("beat").status == RunStatus.SUCCEEDED  # the next run does the rest
    assert {p.category for p in db.session.scalars(select(Proposal))} == {"SURGICAL_II", "FFP2"}
    assert len(proposal_mails()) == 4
    assert_every_unit_accounted_for()


def test_a_writer_waiting_on_a_row_lock_gives_up_and_the_run_starts_again(pg_app, monkeypatch):
    two_markets()
    in_parallel(pg_app, monkeypatch)
    monkeypatch.setattr(market_writes, "LOCK_TIMEOUT", "200ms")
    ffp2 = db.session.scalars(select(Offer.id).where(Offer.category == "FFP2")).first()
    db.session.rollback()
    # A request holding an offer's row (it could itself be waiting on the other market's writer).
    blocker = db.engine.connect()
    blocker.execute(text("SELECT id FROM offer WHERE id = :id FOR UPDATE"), {"id": ffp2})
    real_match, solves = runs.match, []

    def release_on_the_second_attempt(offers, demands, *options):
        solves.append(1)
        if len(solves) == 2:
            blocker.rollback()
        return real_match(offers, demands, *options)

    monkeypatch.setattr(runs, "match", release_on_the_second_attempt)
    try:
        run = run_matching("beat")
    finally:
        blocker.close()

    assert len(solves) == 2 and run.status == RunStatus.SUCCEEDED
    assert {p.category for p in db.session.scalars(select(Proposal))} == {"SURGICAL_II", "FFP2"}
    assert_every_unit_accounted_for()


def test_two_concurrent_runs_one_runs_the_other_is_skipped(pg_app, monkeypatch):
    market()
    real_match, one_returned = runs.match, threading.Event()

    def solve_once_the_other_run_returned(offers, demands, *options):  # the matching lock held meanwhile
        wait_for(one_returned, "the other run to return")
        return real_match(offers, demands, *options)

    monkeypatch.setattr(runs, "match", solve_once_the_other_run_returned)
    outcomes = []

    def run():
        with pg_app.app_context():
            try:
                outcomes.append(run_matching("beat").status)
            finally:
                one_returned.set()
                db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert sorted(outcomes) == [RunStatus.SKIPPED, RunStatus.SUCCEEDED]
    assert_every_unit_accounted_for()
    assert db.session.scalar(select(func.sum(Offer.allocated_quantity))) == 300_000


def _runs():
    db.session.expire_all()
    return db.session.scalars(select(MatchingRun).order_by(MatchingRun.id)).all()


def _named(database_url, name):
    """The database URL with an application_name, so the worker's sessions show in pg_stat_activity."""
    return f"{database_url}{'&' if '?' in database_url else '?'}application_name={name}"


def _sessions(sql, **params):
    db.session.rollback()  # a fresh snapshot of the statistics views
    return sorted(db.session.scalars(text(sql), params))


def _waiting_behind(pid):
    """Return the application names of the sessions waiting for a lock that backend pid holds."""
    return _sessions("SELECT application_name FROM pg_stat_activity WHERE :pid = ANY(pg_blocking_pids(pid))", pid=pid)


def _matching_lock_holders():
    return _sessions(
        "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
        " WHERE l.locktype = 'advisory' AND l.granted AND l.objid::bigint = :key AND l.database ="
        " (SELECT oid FROM pg_database WHERE datname = current_database())",
        key=runs.ADVISORY_LOCK_KEY,
    )


def _connected(name):
    return _sessions("SELECT application_name FROM pg_stat_activity WHERE application_name = :name", name=name)


@pytest.mark.parametrize("parallel", [False, True], ids=["one-transaction", "markets-in-parallel"])
def test_two_workers_one_killed_mid_run_leave_no_unit_unaccounted(pg_app, postgres_url, start_worker, parallel):
    if parallel:  # two markets, written on two connections: the killed run's other writer has written and waits
        two_markets()
        held = db.session.scalars(select(Offer.id).where(Offer.category == "FFP2").order_by(Offer.id)).first()
    else:
        held = market()[0].id
    offered = db.session.scalar(select(func.sum(Offer.quantity)))
    asked = db.session.scalar(select(func.sum(Demand.quantity)))
    settings = {"MATCHING_PARALLEL_FROM_ROWS": "0"} if parallel else {}
    workers = {name: start_worker(DATABASE_URL=_named(postgres_url, name), **settings)
               for name in ("mp-worker-a", "mp-worker-b")}
    # Hold one offer's row: whichever run gets the lock stops inside its write transaction.
    blocker = db.engine.connect()
    blocker_pid = backend_pid(blocker)
    blocker.execute(text("SELECT id FROM offer WHERE id = :id FOR UPDATE"), {"id": held})
    try:
        run_matching_task.delay("beat")
        run_matching_task.delay("beat")
        # Database state, not log timing: one run is recorded running and its worker's write waits
        # behind our row lock; the other run found the matching lock held and was recorded skipped.
        wait_until(lambda: sorted(r.status for r in _runs()) == ["running", "skipped"] and _waiting_behind(blocker_pid),
                   "one run waiting behind our row lock, the other skipped", timeout=120)
        [busy] = _waiting_behind(blocker_pid)
        assert _matching_lock_holders() == [busy]  # the run under way is that worker's
        workers[busy].kill()  # SIGKILL in the middle of the write
    finally:
        blocker.rollback()
        blocker.close()
    # PostgreSQL drops the killed worker's sessions: its write is rolled back and the matching lock freed.
    wait_until(lambda: not _connected(busy), f"the sessions of the killed {busy} to end", timeout=120)
    assert _matching_lock_holders() == []
    # Nothing of the killed run was written; the next run, on the surviving worker, does the whole work.
    assert db.session.scalar(select(func.count(Proposal.id))) == 0
    [survivor] = [worker for name, worker in workers.items() if name != busy]
    assert survivor.process.poll() is None
    run_matching_task.delay("beat")
    wait_until(lambda: any(r.status == "succeeded" for r in _runs()), "a run to succeed", timeout=120)
    statuses = [r.status for r in _runs()]
    assert statuses.count("succeeded") == 1 and "failed" in statuses  # the killed run, marked abandoned
    assert_every_unit_accounted_for()
    assert db.session.scalar(select(func.sum(Proposal.quantity))) == min(offered, asked)  # every unit a buyer could get


def test_a_run_whose_worker_is_killed_is_shown_stopped_and_closed_without_waiting_for_the_next_run(
        pg_app, postgres_url, start_worker):
    held = market()[0].id
    worker = start_worker(DATABASE_URL=_named(postgres_url, "mp-worker-leased"), MATCHING_LEASE_SECONDS="1")
    blocker = db.engine.connect()  # the run stops inside its write, behind our lock on one offer's row
    blocker_pid = blocker.scalar(text("SELECT pg_backend_pid()"))
    blocker.execute(text("SELECT id FROM offer WHERE id = :id FOR UPDATE"), {"id": held})
    try:
        run_matching_task.delay("beat")
        wait_until(lambda: _waiting_behind(blocker_pid), "the run to wait behind our lock")
        [run] = _runs()
        first_lease = run.lease_expires_at
        wait_until(lambda: _runs()[0].lease_expires_at > first_lease, "the lease to be renewed")  # while the run waits
        assert not _runs()[0].lease_lapsed() and runs.close_abandoned_runs() == []  # its worker is alive
        worker.kill()
    finally:
        blocker.rollback()
        blocker.close()
    wait_until(lambda: _runs()[0].lease_lapsed(), "the lease to lapse")  # the runs page says "stopped" within 1 s
    wait_until(lambda: runs.close_abandoned_runs() == [run.id], "the beat task to close the run")  # lock freed
    [closed] = _runs()
    assert (closed.status, closed.error) == (RunStatus.FAILED, "abandoned: the worker stopped mid-run")
    assert db.session.scalar(select(func.count(Proposal.id))) == 0


def test_a_task_handed_out_too_many_times_is_dropped(pg_app):
    class Request:
        id, retries, is_eager = "poison-task", 0, False

    allowed = pg_app.config["MATCHING_MAX_DELIVERIES"]
    assert [_delivered_too_often(Request) for _ in range(allowed + 1)] == [False] * allowed + [True]


def test_retry_countdowns_stay_below_the_visibility_timeout(pg_app):
    from workers.tasks.matching import RETRY_MAX_SECONDS

    visibility = pg_app.config["CELERY"]["broker_transport_options"]["visibility_timeout"]
    assert RETRY_MAX_SECONDS < visibility and pg_app.config["MATCHING_DEBOUNCE_SECONDS"] < visibility
