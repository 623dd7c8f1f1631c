from datetime import date

import pytest
from sqlalchemy.exc import IntegrityError

from marketplace.domain.errors import DomainError
from marketplace.domain.quotas import QuotaPolicy
from marketplace.extensions import db
from marketplace.services import demands, pools
from tests.factories import DemandFactory, OrganisationFactory, PoolFactory, PoolMembershipFactory, UserFactory
from tests.support.demands import demand_data

pytestmark = pytest.mark.integration


def test_postgresql_refuses_more_matched_than_asked(pg_app):
    demand = DemandFactory(quantity=50_000)
    demand.matched_quantity = 50_001
    with pytest.raises(IntegrityError):
        db.session.commit()


def test_the_quota_counts_this_periods_demands_on_postgresql(pg_app):
    pg_app.config["BUYER_QUOTAS"]["demand"]["company"] = QuotaPolicy(1_000, 100, 14, date(2020, 5, 4))
    user = UserFactory(organisation=OrganisationFactory(headcount=80))
    demands.post_demand(user, demand_data(quantity=60_000))
    with pytest.raises(DomainError) as refused:
        demands.post_demand(user, demand_data(quantity=50_000))
    assert refused.value.params["asked"] == 60_000


def test_a_pool_is_submitted_and_shared_on_postgresql(pg_app):
    pool = PoolFactory()
    for quantity in (25_000, 15_000, 10_000):
        PoolMembershipFactory(pool=pool, quantity=quantity)
    demand = pools.submit_pool(UserFactory(organisation=pool.organisation), pool)
    demands.record_match(demand, 50_000, 50_000 * 41)
    db.session.commit()
    assert [s.amount_cents for s in pools.member_shares(pool)] == [1_025_000, 615_000, 410_000]
