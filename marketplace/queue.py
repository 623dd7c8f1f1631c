"""The one seam between the application and its task queue: a task is named, never imported.

The worker side (workers/tasks) registers the names. With Redis the task is published to the broker;
in the embedded default Celery runs it at once, in the caller's process, and its errors reach the caller.
"""
from flask import current_app


def enqueue(task_name, *args, countdown=None):
    """Queue the task registered as task_name with args; raise when the queue cannot be reached."""
    task = current_app.extensions["celery"].tasks[task_name]
    return task.apply_async(args=args, countdown=countdown)
