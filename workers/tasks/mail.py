"""Mail tasks: send a batch of outbox rows, sweep lost ones, send the daily digests."""
from celery import shared_task

from marketplace.mail.hooks import queue_sends
from marketplace.services.notifications import send_digests, send_notifications, sweep_outbox


@shared_task(name="mail.send", ignore_result=True)
def send_notifications_task(ids):
    """Send the pending notifications among ids; safe to run twice (rows are claimed first)."""
    outcome = send_notifications(ids)
    # Countdowns are capped below the broker's visibility timeout (MAIL_RETRY_MAX_SECONDS), so
    # Redis never hands the same retry out twice; the sweep covers a retry that got lost.
    if outcome.retry_ids and not send_notifications_task.app.conf.task_always_eager:
        send_notifications_task.apply_async((outcome.retry_ids,), countdown=outcome.retry_after)
    return outcome.sent


@shared_task(name="mail.sweep", ignore_result=True)
def sweep_outbox_task():
    """Queue every due notification whose task was lost, and release rows of dead workers."""
    ids = sweep_outbox()
    queue_sends(ids)
    return len(ids)


@shared_task(name="mail.digest", ignore_result=True)
def send_digests_task():
    """Send each user's daily digest of held notifications."""
    return send_digests()
