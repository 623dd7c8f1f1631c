import pytest

from marketplace.domain.organisations import OrganisationKind
from tests.factories import OrganisationFactory
from workers.tasks.system import count_organisations_task

pytestmark = pytest.mark.integration


def test_a_task_runs_on_a_real_worker_with_redis_inside_an_app_context(pg_app, celery_worker):
    OrganisationFactory(kind=OrganisationKind.PRODUCER)
    OrganisationFactory(kind=OrganisationKind.IMPORTER)
    OrganisationFactory(kind=OrganisationKind.HEALTHCARE)

    result = count_organisations_task.delay()

    assert result.get(timeout=60) == {"sellers": 2, "buyers": 1}
    assert pg_app.config["CELERY"]["broker_url"].startswith("redis://")
