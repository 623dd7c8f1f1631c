"""Write independent markets' proposals at once, one database connection each, all or nothing.

A national run's write is PostgreSQL's work, one backend per connection: the conditional UPDATEs,
then the COPY with two key checks and seven index entries per proposal. Independent markets share
no offer and no demand, so each group of them can be written by its own connection, in a thread
of its own (the threads mostly wait on PostgreSQL, which works on both cores meanwhile).

All or nothing, as far as transactions on several connections can be: every thread writes, then
waits until all have; if one failed (stock moved, a lock not granted in time, any error), all roll
back, else all commit. A COMMIT that fails after another succeeded (a dropped connection), or a
process killed between the commits, leaves the markets committed by then: complete (proposals with
their reservations) but not the whole run. The run is then recorded as failed, the proposals it
committed are announced, and the next run does the rest (`services.matching`).

A writer that has written holds its rows' locks while it waits for the others, where PostgreSQL
cannot see it waiting: a request locking rows of two markets could wait on one writer while the
other writer waits on it. So writers give up on a row lock after LOCK_TIMEOUT (StockChanged: the
run starts again), which breaks such a cycle.
"""
import threading

from flask import current_app
from sqlalchemy import text

from ...extensions import db
from ..reservations import StockChanged

MOST_WRITERS = 3  # on two cores, three connections wrote a national run faster than two (measured)
LOCK_TIMEOUT = "5s"
WAIT_SECONDS = 120  # for the writers to write, commit or roll back; a national run takes about 5 s


def write_markets(markets, write):
    """Run `write(allocations)` for groups of markets, each in a transaction of its own, in threads.

    `markets` are tuples of allocations sharing no offer and no demand. Commit every transaction or
    none; return what the calls returned, concatenated; raise the first error after rolling back.
    """
    groups = _balanced([market for market in markets if market], MOST_WRITERS)
    app = current_app._get_current_object()
    written = threading.Barrier(len(groups) + 1, timeout=WAIT_SECONDS)
    verdict = _Verdict()
    writers = [_Writer(app, allocations, write, written, verdict) for allocations in groups]
    for writer in writers:
        writer.start()
    try:
        written.wait()
        verdict.decide(commit=not any(writer.error for writer in writers))
    finally:
        verdict.decide(commit=False)  # no effect once decided; else (we were interrupted) roll back
        written.abort()
        for writer in writers:
            writer.join(WAIT_SECONDS)
    failures = [writer.error for writer in writers if writer.error is not None]
    if failures or any(writer.is_alive() for writer in writers):
        raise failures[0] if failures else TimeoutError("a market writer did not finish")
    return [item for writer in writers for item in writer.result]


def _balanced(markets, most):
    """Group the markets into at most `most` groups of about as many allocations (largest first)."""
    groups = [[] for _ in range(min(most, len(markets)))]
    for market in sorted(markets, key=len, reverse=True):
        min(groups, key=len).extend(market)
    return groups


class _Verdict:
    """Commit or roll back: decided once, awaited by every writer."""

    def __init__(self):
        self._decided = threading.Event()
        self._lock = threading.Lock()
        self.commit = False

    def decide(self, commit):
        with self._lock:
            if not self._decided.is_set():
                self.commit = commit
                self._decided.set()

    def wait(self):
        return self._decided.wait(WAIT_SECONDS) and self.commit


class _Writer(threading.Thread):
    def __init__(self, app, allocations, write, written, verdict):
        super().__init__(name="market-writer", daemon=True)
        self.app, self.allocations, self.write = app, allocations, write
        self.written, self.verdict = written, verdict
        self.result, self.error = [], None

    def run(self):
        with self.app.app_context():  # a session, and so a connection, of its own
            try:
                self._write()
                self._wait_for_the_others()
                self._settle()
            except Exception as error:  # a failed COMMIT: reported to the caller
                self.error = self.error or error
            finally:
                db.session.remove()

    def _write(self):
        try:
            db.session.execute(text(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'"))
            self.result = self.write(self.allocations)
        except Exception as error:  # reported to the caller, which rolls every writer back
            self.error = StockChanged() if _lock_not_granted(error) else error

    def _wait_for_the_others(self):
        try:
            self.written.wait()
        except threading.BrokenBarrierError:
            pass  # the caller stopped waiting: its verdict is to roll back

    def _settle(self):
        if self.error is None and self.verdict.wait():
            db.session.commit()
        else:
            db.session.rollback()


def _lock_not_granted(error):
    """Tell whether a (psycopg or SQLAlchemy) error is PostgreSQL's lock_not_available."""
    return "55P03" in (getattr(error, "sqlstate", None), getattr(getattr(error, "orig", None), "sqlstate", None))
