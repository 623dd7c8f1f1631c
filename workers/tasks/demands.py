"""Periodic work on demands."""
from celery import shared_task

from marketplace.services.demands import expire_overdue_demands


@shared_task(name="demands.expire_overdue")
def expire_overdue_demands_task():
    """Expire live demands whose date needed has passed; safe to run twice."""
    return expire_overdue_demands()
