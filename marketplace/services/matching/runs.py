"""A matching run's lifecycle: the lock, reading, solving, writing and announcing, and closing a stopped run.

Safety: one run at a time (a PostgreSQL advisory lock), and the write re-checks every
remaining quantity with conditional UPDATEs, so a producer lowering stock or a second process can
never make us allocate more than an offer holds or a demand asks; the CHECK constraints are the
last guard. A run writes its proposals, their mails and its figures in one transaction; a large run
on PostgreSQL writes its independent markets on parallel connections first, all committed or all
rolled back (`market_writes`, which says what a process killed between those commits leaves). A
run killed midway leaves no proposal without its reservation; the next one does the rest.
"""
import logging
import time
from contextlib import contextmanager
from functools import partial

from flask import current_app
from sqlalchemy import select, text, update

from ... import clock
from ...domain.matching import collector_paused, match
from ...domain.proposals import ProposalStatus
from ...domain.runs import RunStatus
from ...extensions import db
from ...models import MatchingRun, Proposal
from ..audit import record_decision
from ..proposal_mail import announce_proposals
from ..reservations import StockChanged
from .lease import first_lease, renewed_lease
from .market_writes import write_markets
from .reads import load_demands, load_offers
from .writes import write_proposals

log = logging.getLogger(__name__)
# Any constant of our own: the key of the advisory lock every matching run takes.
ADVISORY_LOCK_KEY = 0x6D61736B  # "mask"


def run_matching(trigger, user=None, today=None):
    """Pair listed offers with live demands unless another run is under way; return the MatchingRun."""
    with single_flight() as acquired:
        if not acquired:
            return _record(MatchingRun(trigger=trigger, triggered_by_id=_id(user), status=RunStatus.SKIPPED,
                                       finished_at=clock.utcnow(), unmatched={}))
        run = _start(trigger, user)
        attempts = current_app.config["MATCHING_MAX_ATTEMPTS"]
        try:
            with renewed_lease(run.id):
                for attempt in range(1, attempts + 1):
                    try:
                        return _run_once(run, today or clock.today(), user)
                    except StockChanged:
                        db.session.rollback()  # stock moved while we solved: read again and solve again
                        if attempt == attempts:
                            raise
        except Exception as error:
            db.session.rollback()
            _fail(run, error)
            raise


def close_abandoned_runs():
    """Mark failed every run left running by a worker that is gone; return their ids.

    A live run holds the matching lock; PostgreSQL frees it as soon as a killed worker's connection
    drops. So a run still marked running while we can take the lock has lost its worker.
    """
    if not db.session.scalar(select(MatchingRun.id).where(MatchingRun.status == RunStatus.RUNNING).limit(1)):
        return []
    with single_flight() as acquired:
        return _close_abandoned() if acquired else []


@contextmanager
def single_flight():
    """Hold the matching lock for the block, yielding whether we got it (always on SQLite).

    A session-level advisory lock on a connection of its own: it is released when we unlock, or
    by PostgreSQL itself when a killed worker's connection drops.
    """
    engine = db.engine
    if engine.dialect.name != "postgresql":
        yield True  # the embedded default: SQLite serialises writers, the conditional updates do the rest
        return
    with engine.connect() as connection:
        acquired = connection.scalar(text("SELECT pg_try_advisory_lock(:key)"), {"key": ADVISORY_LOCK_KEY})
        connection.commit()
        try:
            yield acquired
        finally:
            if acquired:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": ADVISORY_LOCK_KEY})
                connection.commit()


def _id(user):
    return user.id if user is not None else None


def _record(run):
    db.session.add(run)
    db.session.commit()
    return run


def _start(trigger, user):
    _close_abandoned()
    return _record(MatchingRun(trigger=trigger, triggered_by_id=_id(user), status=RunStatus.RUNNING, unmatched={},
                               lease_expires_at=first_lease()))


def _close_abandoned():
    """Close the runs marked running; the caller holds the lock, so each belongs to a killed worker."""
    abandoned = db.session.scalars(select(MatchingRun.id).where(MatchingRun.status == RunStatus.RUNNING)).all()
    for run_id in abandoned:
        _close_stopped_run(run_id, "abandoned: the worker stopped mid-run")
    return abandoned


def _fail(run, error):
    _close_stopped_run(run.id, f"{type(error).__name__}: {error}"[:2000])


def _close_stopped_run(run_id, error):
    """Mark a run that did not finish as failed, announcing the proposals it committed all the same; commit.

    A run announces its proposals as it records its figures, in its last transaction. One that wrote
    its markets in parallel and stopped after some commits (`market_writes`) has proposals nobody
    was told about: whoever moves the run out of `running` announces them, so they are announced once.
    """
    if not _claim_as_failed(run_id, error):
        return
    try:
        announce_proposals(_written_by(run_id))
        db.session.commit()
    except Exception:  # never keep a run open, nor every later run from starting, for its mails
        log.exception("could not announce the proposals of stopped matching run %s; closing it without", run_id)
        db.session.rollback()
        _claim_as_failed(run_id, error)
        db.session.commit()


def _claim_as_failed(run_id, error):
    """Mark the run failed if it is still running; return whether it was (whoever gets it closes it)."""
    return db.session.execute(
        update(MatchingRun).where(MatchingRun.id == run_id, MatchingRun.status == RunStatus.RUNNING)
        .values(status=RunStatus.FAILED, finished_at=clock.utcnow(), error=error),
        execution_options={"synchronize_session": False},
    ).rowcount == 1


def _written_by(run_id):
    """Return the proposals of a run as `write_proposals` does: [(id, what its announcement needs)]."""
    columns = ("buyer_organisation_id", "seller_organisation_id", "category", "quantity", "unit_price_cents",
               "expires_at")
    rows = db.session.execute(select(Proposal.id, *(getattr(Proposal, name) for name in columns))
                              .where(Proposal.run_id == run_id, Proposal.status == ProposalStatus.PENDING)
                              .order_by(Proposal.id))
    return [(proposal_id, dict(zip(columns, values))) for proposal_id, *values in rows]


def _run_once(run, today, user):
    parallel_from_rows = current_app.config["MATCHING_PARALLEL_FROM_ROWS"]
    with collector_paused():
        offers, offer_rows = load_offers(today)
        demands, demand_rows = load_demands(today)
        started = time.perf_counter()
        result = match(offers, demands, parallel_from_rows)
        solver_seconds = time.perf_counter() - started
        write = partial(write_proposals, run.id, offer_rows=offer_rows, demand_rows=demand_rows)
        if _in_parallel(result, len(offers) + len(demands), parallel_from_rows):
            proposals = write_markets(result.markets, write)
        else:
            proposals = write(result.allocations)
        announce_proposals(proposals)
    summary = result.summary
    run = db.session.get(MatchingRun, run.id)
    run.status, run.finished_at, run.solver_seconds = RunStatus.SUCCEEDED, clock.utcnow(), solver_seconds
    run.offers_considered, run.demands_considered = len(offers), len(demands)
    run.units_matched, run.proposals_created = summary.units_matched, len(proposals)
    run.unmatched = {f"{category}|{region}": units
                     for (category, region), units in sorted(summary.unmatched_by_category_region.items()) if units}
    if user is not None:  # an administrator's "run now"; scheduled runs are in matching_run alone
        record_decision(user, "matching.run", run, after={
            "trigger": run.trigger, "proposals": run.proposals_created, "units": run.units_matched})
    db.session.commit()  # the mails and the run's figures, with the proposals unless written in parallel
    return run


def _in_parallel(result, rows, parallel_from_rows):
    """Tell whether to write the markets on one connection each (PostgreSQL, a large run, several markets)."""
    return (parallel_from_rows is not None and rows >= parallel_from_rows
            and sum(1 for market in result.markets if market) > 1 and db.session.get_bind().dialect.name == "postgresql")


def recent_runs(page, per_page=30):
    """Return a page of matching runs, newest first."""
    return db.paginate(select(MatchingRun).order_by(MatchingRun.id.desc()), page=page, per_page=per_page,
                       error_out=False)


