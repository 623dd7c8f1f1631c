import time

import pytest
from sqlalchemy import func, select

from marketplace.domain.organisations import OrganisationKind
from marketplace.extensions import db
from marketplace.models import MatchingRun
from marketplace.services.matching.requests import request_run
from tests.factories import DemandFactory, OfferFactory, OrganisationFactory
from workers.tasks.system import count_organisations_task

pytestmark = pytest.mark.integration


def test_a_task_runs_on_a_real_worker_with_redis_inside_an_app_context(pg_app, celery_worker):
    OrganisationFactory(kind=OrganisationKind.PRODUCER)
    OrganisationFactory(kind=OrganisationKind.IMPORTER)
    OrganisationFactory(kind=OrganisationKind.HEALTHCARE)

    result = count_organisations_task.delay()

    assert result.get(timeout=60) == {"sellers": 2, "buyers": 1}
    assert pg_app.config["CELERY"]["broker_url"].startswith("redis://")


def test_a_burst_of_events_queued_by_name_makes_one_matching_run_on_a_real_worker(pg_app, start_worker):
    start_worker(MATCHING_DEBOUNCE_SECONDS="2")
    OfferFactory(quantity=100_000)
    DemandFactory(quantity=50_000)

    for _ in range(3):  # three events of one burst: a demand posted, an offer approved, a demand edited
        request_run()

    runs = wait_for(lambda: db.session.scalars(select(MatchingRun).where(MatchingRun.status == "succeeded")).all())
    assert [(run.trigger, run.proposals_created) for run in runs] == [("event", 1)]
    quiet_until = time.monotonic() + 4  # twice the debounce window: the other two events queued no run
    while time.monotonic() < quiet_until:
        db.session.rollback()
        assert db.session.scalar(select(func.count(MatchingRun.id))) == 1
        time.sleep(0.2)


def wait_for(read, seconds=60):
    """Poll read() in a fresh transaction until it returns something, or fail after seconds."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        db.session.rollback()
        found = read()
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError(f"nothing after {seconds} s")
