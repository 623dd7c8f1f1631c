from marketplace.extensions import db
from marketplace.models import Demand
from tests.factories import DemandFactory
from workers.tasks.demands import expire_overdue_demands_task


def test_the_periodic_task_expires_overdue_demands_and_is_safe_to_run_twice(app, clock):
    demand = DemandFactory(needed_by=clock.days_from_today(-2))
    assert expire_overdue_demands_task.delay().get() == 1
    assert expire_overdue_demands_task.delay().get() == 0
    assert db.session.get(Demand, demand.id).status == "expired"
