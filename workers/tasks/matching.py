"""Matching tasks: one run of the matcher, the debounce of runs asked after events, and the expiry of
unanswered proposals."""
import logging

import redis
from celery import shared_task
from flask import current_app
from sqlalchemy.exc import DBAPIError, OperationalError

from marketplace.extensions import db
from marketplace.models import User
from marketplace.services.matching.runs import close_abandoned_runs, run_matching
from marketplace.services.proposals import expire_proposals

log = logging.getLogger(__name__)
# Connection drops, deadlocks, serialisation failures: worth another try soon.
TRANSIENT = (OperationalError,)
# Every retry countdown stays far below the broker's visibility timeout (an hour), or Redis would
# hand the task out twice.
RETRY_MAX_SECONDS = 60


@shared_task(name="matching.run", bind=True, acks_late=True, ignore_result=True, autoretry_for=TRANSIENT,
             retry_backoff=2, retry_backoff_max=RETRY_MAX_SECONDS, retry_jitter=True, max_retries=5)
def run_matching_task(self, trigger="beat", user_id=None):
    """Run the matcher once; safe to run twice (a second run finds the work done or the lock held)."""
    if _delivered_too_often(self.request):
        log.error("matching task %s handed out too many times; dropped (the next beat runs again)", self.request.id)
        return None
    user = db.session.get(User, user_id) if user_id is not None else None
    try:
        run = run_matching(trigger, user)
    except DBAPIError as error:
        if error.connection_invalidated:
            raise self.retry(exc=error, countdown=2)
        raise
    return run.id


@shared_task(name="matching.request", ignore_result=True)
def request_matching_run_task(trigger="event"):
    """Run the matcher once after a burst of events.

    With Redis, the first event of a burst sets a key for the debounce window and queues one run at
    its end; the others find the key and do nothing. In the embedded default the run happens now.
    """
    config = current_app.config
    if request_matching_run_task.request.is_eager or not config["REDIS_URL"]:
        return run_matching_task.apply(args=(trigger,)).get()
    window = config["MATCHING_DEBOUNCE_SECONDS"]
    # A frozen Redis costs one socket timeout, not a hang (REDIS_CLIENT_OPTIONS).
    client = redis.Redis.from_url(config["REDIS_URL"], **config["REDIS_CLIENT_OPTIONS"])
    if client.set("matching:debounce", "1", nx=True, ex=window):
        run_matching_task.apply_async(args=(trigger,), countdown=window)
    return None


def _delivered_too_often(request):
    """Count this delivery of the task; tell whether it went past MATCHING_MAX_DELIVERIES.

    With acks_late a worker killed mid-run leaves the message unacknowledged, and Redis hands
    it out again: a task that kills its worker every time must not come back for ever.
    """
    url = current_app.config["REDIS_URL"]
    if not url or request.is_eager or request.id is None:
        return False
    client = redis.Redis.from_url(url)
    key = f"matching:deliveries:{request.id}:{request.retries}"
    count = client.incr(key)
    client.expire(key, 86_400)
    return count > current_app.config["MATCHING_MAX_DELIVERIES"]


@shared_task(name="matching.close_abandoned", ignore_result=True)
def close_abandoned_runs_task():
    """Mark failed the runs whose worker is gone, without waiting for the next run; safe to run twice."""
    return close_abandoned_runs()


@shared_task(name="proposals.expire", ignore_result=True)
def expire_proposals_task():
    """Close proposals nobody answered in time and release their units; safe to run twice."""
    return expire_proposals()
