"""Tasks that prove the wiring between Celery, Flask and the database."""
from celery import shared_task

from marketplace.services.directory import marketplace_figures


@shared_task(name="system.count_organisations")
def count_organisations_task():
    """Return how many sellers and buyers the database holds (needs an app context)."""
    return marketplace_figures()
