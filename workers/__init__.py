"""Celery application and tasks of the marketplace."""
