"""A matching run's lease: renewed by its worker while the run is under way, so a run that stops
being renewed is seen as stopped without waiting for the next run.

The run's worker renews `lease_expires_at` from a thread of its own every third of
MATCHING_LEASE_SECONDS. A killed worker stops renewing at once; its connection drops and PostgreSQL
frees the matching lock with it, so `runs.close_abandoned_runs` (a beat task every lease period) marks
the run failed, and the runs page shows a run whose lease lapsed as stopped even before that.
"""
import logging
import threading
from contextlib import contextmanager
from datetime import timedelta

from flask import current_app
from sqlalchemy import update

from ... import clock
from ...domain.runs import RunStatus
from ...extensions import db
from ...models import MatchingRun

log = logging.getLogger(__name__)


def first_lease():
    """Return when a run starting now must first renew its lease by (None where runs are in-process)."""
    if db.engine.dialect.name != "postgresql":
        return None  # the embedded default: the run lives and dies with the process that shows it
    return clock.utcnow() + timedelta(seconds=current_app.config["MATCHING_LEASE_SECONDS"])


@contextmanager
def renewed_lease(run_id):
    """Renew the run's lease from a thread of its own for as long as the block runs (PostgreSQL only)."""
    engine = db.engine
    if engine.dialect.name != "postgresql":
        yield
        return
    seconds = current_app.config["MATCHING_LEASE_SECONDS"]
    stop = threading.Event()

    def renew():
        while not stop.wait(seconds / 3):
            try:
                with engine.begin() as connection:
                    connection.execute(
                        update(MatchingRun)
                        .where(MatchingRun.id == run_id, MatchingRun.status == RunStatus.RUNNING)
                        .values(lease_expires_at=clock.utcnow() + timedelta(seconds=seconds)))
            except Exception:  # the next renewal may succeed; a lapsed lease only shows the run as stopped
                log.exception("could not renew the lease of matching run %s", run_id)

    renewer = threading.Thread(target=renew, name=f"matching-run-{run_id}-lease", daemon=True)
    renewer.start()
    try:
        yield
    finally:
        stop.set()
        renewer.join()
