"""Asking for a matching run: soon after an event (debounced by the worker), or now for an administrator."""
import logging

from flask import current_app

from ...domain.runs import RunTrigger
from ...queue import enqueue

log = logging.getLogger(__name__)


def start_run_now(user):
    """Queue an administrator's run now (it runs at once in the embedded default); return whether it did.

    False when the task queue cannot be reached (the beat runs later) or, run at once, the run failed
    (it is recorded as failed, with its error, in the list of runs).
    """
    try:
        enqueue("matching.run", RunTrigger.MANUAL, user.id)
    except Exception:
        log.exception("the matching run asked by user %s could not be started or failed", user.id)
        return False
    return True


def request_run(trigger=RunTrigger.EVENT):
    """Ask for a matching run soon after an event; the worker turns a burst of events into one run."""
    if not current_app.config["MATCHING_RUN_ON_EVENTS"]:
        return
    try:
        enqueue("matching.request", trigger)
    except Exception:  # the event itself is committed; the next beat or event runs again
        log.exception("could not run or queue matching after %s; the beat will run it", trigger)
