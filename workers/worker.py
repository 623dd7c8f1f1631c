"""Entry point for `celery -A workers.worker worker` and `celery -A workers.worker beat`."""
from pathlib import Path

from marketplace import create_app

flask_app = create_app()
celery = flask_app.extensions["celery"]
# Beat opens its schedule file once the app is loaded: a fresh clone has no instance/ folder yet.
Path(celery.conf.beat_schedule_filename).parent.mkdir(parents=True, exist_ok=True)
