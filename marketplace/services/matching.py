"""Matching runs: read listed offers and live demands, solve, write the proposals, announce them.

Safety (issue 6): one run at a time (a PostgreSQL advisory lock), and the write re-checks every
remaining quantity with conditional UPDATEs, so a producer lowering stock or a second process can
never make us allocate more than an offer holds or a demand asks; the CHECK constraints are the
last guard. A run writes its proposals, their mails and its figures in one transaction; a large run
on PostgreSQL writes its independent markets on parallel connections first, all committed or all
rolled back (`market_writes`, which says what a process killed between those commits leaves). A
run killed midway leaves no proposal without its reservation; the next one does the rest.
"""
import json
import logging
import time
from contextlib import contextmanager
from datetime import timedelta
from functools import partial

from flask import current_app
from sqlalchemy import Text, cast, insert, select, text, true, update

from .. import clock
from ..domain.geography import regions
from ..domain.masks import is_authorised_on
from ..domain.matching import Demand as DemandValue
from ..domain.matching import Offer as OfferValue
from ..domain.matching import collector_paused, match
from ..domain.offers import LISTABLE
from ..extensions import db
from ..models import Demand, MatchingRun, Offer, OfferRegion, Proposal
from ..models.demand import LIVE_STATUSES
from ..models.proposal import ProposalSource, ProposalStatus
from .audit import record_decision
from .market_writes import write_markets
from .proposal_mail import announce_proposals
from .reservations import StockChanged, reserve
from .session_cursor import session_cursor

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


def run_matching(trigger, user=None, today=None):
    """Pair listed offers with live demands unless another run is under way; return the MatchingRun."""
    with single_flight() as acquired:
        if not acquired:
            return _record(MatchingRun(trigger=trigger, triggered_by_id=_id(user), status=RunStatus.SKIPPED,
                                       finished_at=clock.utcnow(), unmatched={}))
        run = _start(trigger, user)
        attempts = current_app.config["MATCHING_MAX_ATTEMPTS"]
        try:
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
    for abandoned in db.session.scalars(select(MatchingRun.id).where(MatchingRun.status == RunStatus.RUNNING)).all():
        _close_stopped_run(abandoned, "abandoned: the worker stopped mid-run")
    return _record(MatchingRun(trigger=trigger, triggered_by_id=_id(user), status=RunStatus.RUNNING, unmatched={}))


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


def _rows(statement):
    """Return a SELECT's rows as plain tuples.

    On PostgreSQL straight from the session's psycopg cursor (same transaction): a national run reads
    hundreds of thousands of rows, and SQLAlchemy's per-row result processing would cost more than the
    query itself. Elsewhere (the embedded SQLite default) through the session.
    """
    connection = db.session.connection()
    if connection.dialect.name != "postgresql":
        return db.session.execute(statement).all()
    compiled = statement.compile(dialect=connection.dialect, compile_kwargs={"render_postcompile": True})
    with session_cursor() as cursor:
        cursor.execute(str(compiled), compiled.params)
        return cursor.fetchall()




def load_offers(today):
    """Return the listed offers still in stock as matcher values, and what proposals copy from them.

    What proposals copy is a tuple (organisation_id, vat_rate_bp, available_from) per offer id.
    """
    live = (Offer.listed == true(), Offer.status.in_(tuple(LISTABLE)), Offer.remaining_quantity > 0,
            (Offer.expires_on.is_(None)) | (Offer.expires_on >= today))
    rows = _rows(
        select(Offer.id, Offer.organisation_id, Offer.category, Offer.region_code, Offer.delivers_everywhere,
               Offer.available_from, Offer.unit_price_cents, Offer.remaining_quantity, Offer.vat_rate_bp)
        .where(*live)
    )
    delivered = {}
    for offer_id, code in _rows(
        select(OfferRegion.offer_id, OfferRegion.region_code).join(Offer, Offer.id == OfferRegion.offer_id).where(*live)
    ):
        delivered.setdefault(offer_id, []).append(code)
    everywhere = frozenset(regions())
    nowhere = frozenset()
    region_sets = {}  # one frozenset per distinct delivery set: built once, and its hash computed once
    authorised = {}  # (category, day) -> still authorised
    values, info = [], {}
    for offer_id, organisation_id, category, region, anywhere, available_from, price, units, vat in rows:
        # A foreign equivalent must still be authorised on the earliest day it could be delivered.
        day = available_from if available_from > today else today
        allowed = authorised.get((category, day))
        if allowed is None:
            allowed = authorised[(category, day)] = is_authorised_on(category, day)
        if not allowed:
            continue
        if anywhere:
            where = everywhere
        else:
            codes = delivered.get(offer_id)
            if codes is None:
                where = nowhere
            else:
                key = tuple(sorted(codes))
                where = region_sets.get(key)
                if where is None:
                    where = region_sets[key] = frozenset(key)
        values.append(OfferValue(offer_id, category, region, where, available_from, price, units))
        info[offer_id] = (organisation_id, vat, available_from)
    return values, info


def load_demands(today):
    """Return the live demands with units still unreserved as matcher values, and what proposals copy.

    What proposals copy is a tuple (organisation_id, category, max_unit_price_cents, needed_by, updated_at)
    per demand id; updated_at is the stamp its reservation checks.
    """
    unreserved = Demand.quantity - Demand.matched_quantity - Demand.reserved_quantity
    rows = _rows(
        # The substitutes as their JSON text: few distinct lists, each parsed once below.
        select(Demand.id, Demand.organisation_id, Demand.category, cast(Demand.accepted_substitutes, Text),
               Demand.region_code, Demand.needed_by, Demand.max_unit_price_cents, Demand.priority_rank,
               Demand.updated_at, unreserved)
        .where(Demand.status.in_(tuple(LIVE_STATUSES)), Demand.needed_by >= today, unreserved > 0)
    )
    substitute_sets = {}
    values, info = [], {}
    for demand_id, organisation_id, category, substitutes, region, needed_by, ceiling, rank, stamp, units in rows:
        accepted = substitute_sets.get(substitutes)
        if accepted is None:
            accepted = substitute_sets[substitutes] = frozenset(json.loads(substitutes) or () if substitutes else ())
        values.append(DemandValue(demand_id, category, region, needed_by, ceiling, units, rank, accepted))
        info[demand_id] = (organisation_id, category, ceiling, needed_by, stamp)
    return values, info


def write_proposals(run_id, allocations, offer_rows, demand_rows):
    """Reserve every allocation's units and add its proposal; raise StockChanged if any row moved.

    Return [(proposal id, what its announcement needs)], for `announce_proposals`.
    """
    if not allocations:
        return []
    reserve(
        [(a.offer_id, a.units) for a in allocations],
        [(a.demand_id, a.units, demand_rows[a.demand_id][4]) for a in allocations],
    )
    now = clock.utcnow()
    expires_at = now + timedelta(hours=current_app.config["PROPOSAL_TTL_HOURS"])
    if db.session.get_bind().dialect.name == "postgresql":
        ids, rows = _copy_proposals(run_id, allocations, offer_rows, demand_rows, expires_at, now)
    else:
        rows = [_proposal_row(run_id, a, offer_rows[a.offer_id], demand_rows[a.demand_id], expires_at, now)
                for a in allocations]
        ids = db.session.scalars(insert(Proposal).returning(Proposal.id, sort_by_parameter_order=True), rows).all()
    return list(zip(ids, rows))


COPIED = ("id", "offer_id", "demand_id", "run_id", "buyer_organisation_id", "seller_organisation_id", "source",
          "category", "region_code", "quantity", "unit_price_cents", "vat_rate_bp", "priority_rank", "own_region",
          "reasons", "status", "expires_at", "created_at")
COPY_CHUNK = 10_000  # proposals per write to the COPY stream


def _copy_proposals(run_id, allocations, offer_rows, demand_rows, expires_at, now):
    """Insert the proposals with COPY on the session's own connection (same transaction).

    Return their ids and, per proposal, what its announcement mails need. A national run writes a
    hundred thousand rows or more: the COPY text is assembled here with as little work per row as
    possible (every string and date converted once, not once per row), in the column order of COPIED.
    """
    with session_cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence('proposal', 'id')) FROM generate_series(1, %s)",
                       (len(allocations),))
        ids = [proposal_id for (proposal_id,) in cursor.fetchall()]
        text_of = _CopyText()
        tail = f"\tpending\t{expires_at.isoformat()}\t{now.isoformat()}\n"
        source = ProposalSource.MATCHING.value
        lines, rows = [], []
        with cursor.copy(f"COPY proposal ({', '.join(COPIED)}) FROM STDIN") as copy:
            for proposal_id, a in zip(ids, allocations):
                buyer, asked, ceiling, needed_by, _stamp = demand_rows[a.demand_id]
                seller, vat, available_from = offer_rows[a.offer_id]
                category, region = text_of.string(a.category), text_of.string(a.region)
                own = "true" if a.own_region else "false"
                reasons = (f'{{"asked": {text_of.json(asked)}, "served": {text_of.json(a.category)}, '
                           f'"region": {text_of.json(a.region)}, "unit_price_cents": {a.unit_price_cents}, '
                           f'"max_unit_price_cents": {ceiling}, "available_from": {text_of.day(available_from)}, '
                           f'"needed_by": {text_of.day(needed_by)}, "priority": {a.priority}, "own_region": {own}}}')
                lines.append(f"{proposal_id}\t{a.offer_id}\t{a.demand_id}\t{run_id}\t{buyer}\t{seller}\t{source}\t"
                             f"{category}\t{region}\t{a.units}\t{a.unit_price_cents}\t{vat}\t{a.priority}\t"
                             f"{own}\t{reasons}{tail}")
                rows.append({"buyer_organisation_id": buyer, "seller_organisation_id": seller, "category": a.category,
                             "quantity": a.units, "unit_price_cents": a.unit_price_cents, "expires_at": expires_at})
                if len(lines) == COPY_CHUNK:
                    copy.write("".join(lines))
                    lines.clear()
            if lines:
                copy.write("".join(lines))
    return ids, rows


class _CopyText:
    """Values as COPY text fields, each distinct one converted once (a run has few categories, regions, dates)."""

    def __init__(self):
        self._strings, self._json, self._days = {}, {}, {}

    def string(self, value):
        field = self._strings.get(value)
        if field is None:
            field = self._strings[value] = _escape(str(value))
        return field

    def json(self, value):
        field = self._json.get(value)
        if field is None:
            field = self._json[value] = _escape(json.dumps(value))
        return field

    def day(self, value):
        field = self._days.get(value)
        if field is None:
            field = self._days[value] = _escape(json.dumps(value.isoformat()))
        return field


def _escape(text):
    """Escape a field for COPY's text format."""
    return (text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r"))


def _proposal_row(run_id, allocation, offer, demand, expires_at, now):
    organisation_id, vat_rate_bp, available_from = offer
    buyer_id, asked, ceiling, needed_by, _stamp = demand
    return {
        "offer_id": allocation.offer_id, "demand_id": allocation.demand_id, "run_id": run_id,
        "buyer_organisation_id": buyer_id, "seller_organisation_id": organisation_id,
        "source": ProposalSource.MATCHING.value, "category": allocation.category, "region_code": allocation.region,
        "quantity": allocation.units, "unit_price_cents": allocation.unit_price_cents,
        "vat_rate_bp": vat_rate_bp, "priority_rank": allocation.priority, "own_region": allocation.own_region,
        "reasons": {
            "asked": asked, "served": allocation.category, "region": allocation.region,
            "unit_price_cents": allocation.unit_price_cents, "max_unit_price_cents": ceiling,
            "available_from": available_from.isoformat(), "needed_by": needed_by.isoformat(),
            "priority": allocation.priority, "own_region": allocation.own_region,
        },
        "status": "pending", "expires_at": expires_at, "created_at": now,
    }


def recent_runs(page, per_page=30):
    """Return a page of matching runs, newest first."""
    return db.paginate(select(MatchingRun).order_by(MatchingRun.id.desc()), page=page, per_page=per_page,
                       error_out=False)


def start_run_now(user):
    """Queue an administrator's run now (it runs at once in the embedded default); return whether it did.

    False when the task queue cannot be reached (the beat runs later) or, run at once, the run failed
    (it is recorded as failed, with its error, in the list of runs).
    """
    from workers.tasks.matching import run_matching_task

    try:
        run_matching_task.delay(RunTrigger.MANUAL, user.id)
    except Exception:
        log.exception("the matching run asked by user %s could not be started or failed", user.id)
        return False
    return True


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
    # A frozen Redis costs the request one socket timeout, not a hang (REDIS_CLIENT_OPTIONS).
    client = redis.Redis.from_url(config["REDIS_URL"], **config["REDIS_CLIENT_OPTIONS"])
    try:
        if client.set("matching:debounce", "1", nx=True, ex=window):
            run_matching_task.apply_async(args=(trigger,), countdown=window)
    except Exception:
        log.exception("could not queue a matching run; the beat will run it")
