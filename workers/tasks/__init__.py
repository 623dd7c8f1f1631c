"""Celery tasks: thin, taking ids, safe to run twice."""
