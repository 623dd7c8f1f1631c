"""Write independent markets' proposals at once, one database connection each, all or nothing.

A national run's write is PostgreSQL's work, one backend per connection: the conditional UPDATEs,
then the COPY with a key check and six index entries per proposal. Independent markets share no
offer and no demand, so each can be written by its own connection in a thread of its own (the
threads mostly wait on PostgreSQL, which works on both cores meanwhile).

All or nothing: every thread writes, then waits until all have; if one failed (stock moved, or
any error), all roll back, else all commit. What no transaction can cover is a process killed
between the commits, a matter of milliseconds: the markets committed by then are complete
(proposals with their reservations), and the next run announces them and does the rest
(`services.matching`).
"""
import threading

from flask import current_app

from ..extensions import db

WAIT_SECONDS = 600  # for the other writers, before giving up on them (a hung connection)


def write_markets(markets, write):
    """Run `write(allocations)` for each market in a transaction of its own, in threads; commit all or none.

    Return the list of what each call returned, in market order; raise the first error (after
    rolling every transaction back) if any call failed.
    """
    app = current_app._get_current_object()
    written = threading.Barrier(len(markets) + 1, timeout=WAIT_SECONDS)
    verdict = _Verdict()
    writers = [_Writer(app, market, write, written, verdict) for market in markets]
    for writer in writers:
        writer.start()
    try:
        written.wait()
    except threading.BrokenBarrierError:  # a writer never finished writing: roll back what the others did
        verdict.decide(False)
        raise
    failures = [writer.error for writer in writers if writer.error is not None]
    verdict.decide(not failures)
    for writer in writers:
        writer.join()
    failures += [writer.commit_error for writer in writers if writer.commit_error is not None]
    if failures:
        raise failures[0]
    return [writer.result for writer in writers]


class _Verdict:
    """Commit or roll back: decided once by the caller, awaited by every writer."""

    def __init__(self):
        self._decided = threading.Event()
        self.commit = False

    def decide(self, commit):
        self.commit = commit
        self._decided.set()

    def wait(self):
        return self._decided.wait(WAIT_SECONDS) and self.commit


class _Writer(threading.Thread):
    def __init__(self, app, market, write, written, verdict):
        super().__init__(name="market-writer", daemon=True)
        self.app, self.market, self.write = app, market, write
        self.written, self.verdict = written, verdict
        self.result = self.error = self.commit_error = None

    def run(self):
        with self.app.app_context():  # a session, and so a connection, of its own
            try:
                try:
                    self.result = self.write(self.market)
                except Exception as error:  # reported to the caller, which rolls every writer back
                    self.error = error
                try:
                    self.written.wait()
                except threading.BrokenBarrierError:
                    pass  # the caller gave up waiting: its verdict is to roll back
                if self.error is None and self.verdict.wait():
                    db.session.commit()
                else:
                    db.session.rollback()
            except Exception as error:
                self.commit_error = error
            finally:
                db.session.remove()
