"""Matching runs: read listed offers and live demands, solve, and write every proposal in one transaction.

Safety (issue 6): one run at a time (a PostgreSQL advisory lock), and the write re-checks every
remaining quantity with conditional UPDATEs, so a producer lowering stock or a second process can
never make us allocate more than an offer holds or a demand asks; the CHECK constraints are the
last guard. A run killed midway commits nothing; the next one does the work.
"""
import json
import logging
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import insert, select, text, update

from ..domain.geography import regions
from ..domain.masks import is_authorised_on
from ..domain.matching import Demand as DemandValue
from ..domain.matching import Offer as OfferValue
from ..domain.matching import match
from ..domain.offers import LISTABLE
from ..extensions import db
from ..models import Demand, MatchingRun, Offer, OfferRegion, Proposal
from ..models.base import utcnow
from ..models.demand import LIVE_STATUSES
from ..models.proposal import ProposalSource
from .audit import record_decision
from .demands import local_today
from .proposal_mail import announce_proposals
from .reservations import StockChanged, reserve

log = logging.getLogger(__name__)
# Any constant of our own: the key of the advisory lock every matching run takes.
ADVISORY_LOCK_KEY = 0x6D61736B  # "mask"


class RunTrigger:
    BEAT = "beat"
    EVENT = "event"
    MANUAL = "manual"
    DEMO = "demo"


class RunStatus:
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    SKIPPED = "skipped"  # another run held the lock


@dataclass(frozen=True)
class OfferRow:
    """What a proposal copies from the offer it comes from."""

    organisation_id: int
    vat_rate_bp: int
    available_from: object


@dataclass(frozen=True)
class DemandRow:
    """What a proposal copies from the demand it serves, and the stamp its reservation checks."""

    organisation_id: int
    category: str
    max_unit_price_cents: int
    needed_by: object
    updated_at: object


def run_matching(trigger, user=None, today=None):
    """Pair listed offers with live demands unless another run is under way; return the MatchingRun."""
    with single_flight() as acquired:
        if not acquired:
            return _record(MatchingRun(trigger=trigger, triggered_by_id=_id(user), status=RunStatus.SKIPPED,
                                       finished_at=utcnow(), unmatched={}))
        run = _start(trigger, user)
        attempts = current_app.config["MATCHING_MAX_ATTEMPTS"]
        try:
            for attempt in range(1, attempts + 1):
                try:
                    return _run_once(run, today or local_today(), user)
                except StockChanged:
                    db.session.rollback()  # stock moved while we solved: read again and solve again
                    if attempt == attempts:
                        raise
        except Exception as error:
            db.session.rollback()
            _fail(run, error)
            raise


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
    # We hold the lock: any run still marked running belongs to a killed worker.
    db.session.execute(
        update(MatchingRun).where(MatchingRun.status == RunStatus.RUNNING)
        .values(status=RunStatus.FAILED, finished_at=utcnow(), error="abandoned: the worker stopped mid-run"),
        execution_options={"synchronize_session": False},
    )
    return _record(MatchingRun(trigger=trigger, triggered_by_id=_id(user), status=RunStatus.RUNNING, unmatched={}))


def _fail(run, error):
    run = db.session.get(MatchingRun, run.id)
    run.status, run.finished_at, run.error = RunStatus.FAILED, utcnow(), f"{type(error).__name__}: {error}"[:2000]
    db.session.commit()


def _run_once(run, today, user):
    offers, offer_rows = load_offers(today)
    demands, demand_rows = load_demands(today)
    started = time.perf_counter()
    result = match(offers, demands)
    solver_seconds = time.perf_counter() - started
    proposals = write_proposals(run, result.allocations, offer_rows, demand_rows)
    summary = result.summary
    run = db.session.get(MatchingRun, run.id)
    run.status, run.finished_at, run.solver_seconds = RunStatus.SUCCEEDED, utcnow(), solver_seconds
    run.offers_considered, run.demands_considered = len(offers), len(demands)
    run.units_matched, run.proposals_created = summary.units_matched, len(proposals)
    run.unmatched = {f"{category}|{region}": units
                     for (category, region), units in sorted(summary.unmatched_by_category_region.items()) if units}
    if user is not None:  # an administrator's "run now"; scheduled runs are in matching_run alone
        record_decision(user, "matching.run", run, after={
            "trigger": run.trigger, "proposals": run.proposals_created, "units": run.units_matched})
    db.session.commit()  # proposals, reservations, mails and the run's figures: all or nothing
    return run


def load_offers(today):
    """Return the listed offers still in stock as matcher values, and what proposals copy from them."""
    live = (Offer.listed.is_(True), Offer.status.in_(tuple(LISTABLE)), Offer.remaining_quantity > 0,
            (Offer.expires_on.is_(None)) | (Offer.expires_on >= today))
    rows = db.session.execute(
        select(Offer.id, Offer.organisation_id, Offer.category, Offer.region_code, Offer.delivers_everywhere,
               Offer.available_from, Offer.unit_price_cents, Offer.remaining_quantity, Offer.vat_rate_bp)
        .where(*live)
    ).all()
    delivered = {}
    for offer_id, code in db.session.execute(
        select(OfferRegion.offer_id, OfferRegion.region_code).join(Offer, Offer.id == OfferRegion.offer_id).where(*live)
    ):
        delivered.setdefault(offer_id, set()).add(code)
    everywhere = frozenset(regions())
    values, info = [], {}
    for row in rows:
        # A foreign equivalent must still be authorised on the earliest day it could be delivered.
        if not is_authorised_on(row.category, max(row.available_from, today)):
            continue
        where = everywhere if row.delivers_everywhere else frozenset(delivered.get(row.id, ()))
        values.append(OfferValue(row.id, row.category, row.region_code, where, row.available_from,
                                 row.unit_price_cents, row.remaining_quantity))
        info[row.id] = OfferRow(row.organisation_id, row.vat_rate_bp, row.available_from)
    return values, info


def load_demands(today):
    """Return the live demands with units still unreserved as matcher values, and what proposals copy."""
    unreserved = Demand.quantity - Demand.matched_quantity - Demand.reserved_quantity
    rows = db.session.execute(
        select(Demand.id, Demand.organisation_id, Demand.category, Demand.accepted_substitutes, Demand.region_code,
               Demand.needed_by, Demand.max_unit_price_cents, Demand.priority_rank, Demand.updated_at,
               unreserved.label("units"))
        .where(Demand.status.in_(tuple(LIVE_STATUSES)), Demand.needed_by >= today, unreserved > 0)
    ).all()
    values, info = [], {}
    for row in rows:
        values.append(DemandValue(row.id, row.category, row.region_code, row.needed_by, row.max_unit_price_cents,
                                  row.units, row.priority_rank, frozenset(row.accepted_substitutes or ())))
        info[row.id] = DemandRow(row.organisation_id, row.category, row.max_unit_price_cents, row.needed_by,
                                 row.updated_at)
    return values, info


def write_proposals(run, allocations, offer_rows, demand_rows):
    """Reserve every allocation's units and add its proposal; raise StockChanged if any row moved."""
    if not allocations:
        return []
    reserve(
        [(a.offer_id, a.units) for a in allocations],
        [(a.demand_id, a.units, demand_rows[a.demand_id].updated_at) for a in allocations],
    )
    expires_at = utcnow() + timedelta(hours=current_app.config["PROPOSAL_TTL_HOURS"])
    rows = [_proposal_row(run, a, offer_rows[a.offer_id], demand_rows[a.demand_id], expires_at) for a in allocations]
    if db.session.get_bind().dialect.name == "postgresql":
        ids = _copy_proposals(rows)
    else:
        ids = db.session.scalars(insert(Proposal).returning(Proposal.id, sort_by_parameter_order=True), rows).all()
    announce_proposals(list(zip(ids, rows)))
    return ids


COPIED = ("id", "offer_id", "demand_id", "run_id", "buyer_organisation_id", "seller_organisation_id", "source",
          "category", "region_code", "quantity", "unit_price_cents", "vat_rate_bp", "priority_rank", "own_region",
          "reasons", "status", "expires_at", "created_at")


def _copy_proposals(rows):
    """Insert the proposals with COPY on the session's own connection (same transaction); return their ids.

    A national run writes a hundred thousand rows: COPY is several times faster than multi-row INSERTs.
    """
    ids = db.session.scalars(
        text("SELECT nextval(pg_get_serial_sequence('proposal', 'id')) FROM generate_series(1, :n)"), {"n": len(rows)}
    ).all()
    cursor = db.session.connection().connection.dbapi_connection.cursor()
    with cursor.copy(f"COPY proposal ({', '.join(COPIED)}) FROM STDIN") as copy:
        for proposal_id, row in zip(ids, rows):
            row["id"] = proposal_id
            copy.write_row([json.dumps(row[c]) if c == "reasons" else row[c] for c in COPIED])
    return ids


def _proposal_row(run, allocation, offer, demand, expires_at):
    return {
        "offer_id": allocation.offer_id, "demand_id": allocation.demand_id, "run_id": run.id,
        "buyer_organisation_id": demand.organisation_id, "seller_organisation_id": offer.organisation_id,
        "source": ProposalSource.MATCHING.value, "category": allocation.category, "region_code": allocation.region,
        "quantity": allocation.units, "unit_price_cents": allocation.unit_price_cents,
        "vat_rate_bp": offer.vat_rate_bp, "priority_rank": allocation.priority, "own_region": allocation.own_region,
        "reasons": {
            "asked": demand.category, "served": allocation.category, "region": allocation.region,
            "unit_price_cents": allocation.unit_price_cents, "max_unit_price_cents": demand.max_unit_price_cents,
            "available_from": offer.available_from.isoformat(), "needed_by": demand.needed_by.isoformat(),
            "priority": allocation.priority, "own_region": allocation.own_region,
        },
        "status": "pending", "expires_at": expires_at, "created_at": utcnow(),
    }


def recent_runs(page, per_page=30):
    """Return a page of matching runs, newest first."""
    return db.paginate(select(MatchingRun).order_by(MatchingRun.id.desc()), page=page, per_page=per_page,
                       error_out=False)


def request_run(trigger=RunTrigger.EVENT):
    """Ask for a matching run soon after an event; a burst of events causes one run.

    With Redis, the first event of a burst sets a key for the debounce window and queues one run at
    its end; the others find the key and do nothing. In the embedded default the run happens now.
    """
    config = current_app.config
    if not config["MATCHING_RUN_ON_EVENTS"]:
        return
    from workers.tasks.matching import run_matching_task

    if not config["REDIS_URL"] or config["CELERY"].get("task_always_eager"):
        try:
            run_matching_task.apply(args=(trigger,))
        except Exception:  # the event itself is committed; the next beat or event runs again
            log.exception("matching after %s failed", trigger)
        return
    import redis

    window = config["MATCHING_DEBOUNCE_SECONDS"]
    try:
        if redis.Redis.from_url(config["REDIS_URL"]).set("matching:debounce", "1", nx=True, ex=window):
            run_matching_task.apply_async(args=(trigger,), countdown=window)
    except Exception:
        log.exception("could not queue a matching run; the beat will run it")
