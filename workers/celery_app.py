"""Celery, created from the Flask app so every task runs inside an app context."""
from celery import Celery, Task


def init_celery(app):
    """Create the Celery app from app.config["CELERY"] and attach it to the Flask app."""

    class FlaskTask(Task):
        def __call__(self, *args, **kwargs):
            with app.app_context():
                return self.run(*args, **kwargs)

    celery = Celery(app.name, task_cls=FlaskTask)
    celery.config_from_object(app.config["CELERY"])
    celery.set_default()
    # Register the tasks (the "imports" setting) so the app can queue them by name (marketplace.queue).
    celery.loader.import_default_modules()
    app.extensions["celery"] = celery
    return celery
