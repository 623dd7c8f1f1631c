"""Queueing the send of outbox rows once their transaction commits, and forgetting them on rollback.

The factory registers the session hooks (register); a rolled-back event sends nothing.
"""
import logging

from flask import current_app
from sqlalchemy import event as sa_event
from sqlalchemy import inspect

from ..extensions import db
from ..queue import enqueue

log = logging.getLogger(__name__)
QUEUED = "outbox_queued"


def send_after_commit(notification):
    """Queue the send task for notification once the session's transaction commits."""
    db.session.info.setdefault(QUEUED, []).append(notification)


def queue_sends(ids):
    """Queue send tasks for ids in batches; if the broker is unreachable the sweep sends them later."""
    size = current_app.config["MAIL_BATCH_SIZE"]
    for start in range(0, len(ids), size):
        try:
            enqueue("mail.send", ids[start:start + size])
        except Exception:  # the rows are committed: the periodic sweep sends them
            # Each failed publish waits out the retry policy; the next batches would wait as long, for nothing.
            left = ids[start:]
            log.exception("could not queue the mail of %d notification(s), first ids %s; the sweep will send it",
                          len(left), left[:5])
            return


def _queue_committed(session):
    queued = session.info.pop(QUEUED, [])
    ids = [state.identity[0] for state in map(inspect, queued) if state.identity and not state.was_deleted]
    if ids:
        queue_sends(ids)


def _forget_rolled_back(session):
    session.info.pop(QUEUED, None)


def register(app):
    """Queue committed outbox rows and forget rolled-back ones, on the session every request and task uses."""
    for name, hook in (("after_commit", _queue_committed), ("after_rollback", _forget_rolled_back)):
        if not sa_event.contains(db.session, name, hook):
            sa_event.listen(db.session, name, hook)
