from datetime import date, timedelta

import pytest

from marketplace.domain.errors import DomainError
from marketplace.domain.organisations import OrganisationKind
from marketplace.services import demands, pools
from tests.factories import (
    OrganisationFactory, PoolFactory, PoolMembershipFactory, SectorReferentFactory, UserFactory,
)


def pool_data(**overrides):
    data = {"category": "UNS1", "region_code": "44", "departement_code": "67", "max_unit_price_cents": 60,
            "needed_by": date.today() + timedelta(days=30)}
    return data | overrides


def sme(headcount=40, name=None):
    return UserFactory(organisation=OrganisationFactory(headcount=headcount, **({"name": name} if name else {})))


def test_a_sector_referent_opens_a_pool_for_its_sector(app):
    pool = pools.open_pool(SectorReferentFactory(), pool_data())
    assert (pool.kind, pool.sector, pool.status, pool.total_quantity) == ("sector", "Bois", "open", 0)


def test_a_large_company_opens_a_pool_for_its_subcontractors_but_an_sme_cannot(app):
    big = UserFactory(organisation=OrganisationFactory(headcount=1_800))
    assert pools.open_pool(big, pool_data()).kind == "subcontractors"
    with pytest.raises(DomainError, match="Only sector referents and large companies"):
        pools.open_pool(sme(), pool_data())
    with pytest.raises(DomainError):
        pools.open_pool(UserFactory(organisation=OrganisationFactory(kind=OrganisationKind.HEALTHCARE)), pool_data())


def test_smes_of_the_sector_join_with_any_quantity(app):
    pool = PoolFactory()
    pools.join_pool(sme(), pool, 1_234, declares_sector=True)
    pools.join_pool(sme(), pool, 7, declares_sector=True)
    assert pool.total_quantity == 1_241


def test_joining_a_sector_pool_needs_the_company_to_declare_its_sector(app):
    with pytest.raises(DomainError) as refused:
        pools.join_pool(sme(), PoolFactory(), 100)
    assert refused.value.field == "in_sector"


def test_joining_again_changes_the_quantity(app):
    pool, member = PoolFactory(), sme()
    pools.join_pool(member, pool, 100, declares_sector=True)
    pools.join_pool(member, pool, 300, declares_sector=True)
    assert [m.quantity for m in pool.memberships] == [300]


def test_a_large_company_and_a_local_authority_cannot_join_a_sector_pool(app):
    pool = PoolFactory()
    with pytest.raises(DomainError, match="Sector pools are for SMEs"):
        pools.join_pool(sme(headcount=600), pool, 100, declares_sector=True)
    with pytest.raises(DomainError, match="Only companies"):
        town = UserFactory(organisation=OrganisationFactory(kind=OrganisationKind.LOCAL_AUTHORITY))
        pools.join_pool(town, pool, 100, declares_sector=True)


@pytest.fixture
def retail_quota(app):
    app.config["BUYER_QUOTAS"]["pool"]["company"] = "retail_2020"


def test_a_pool_share_beyond_the_retail_quota_is_refused_with_the_figure_and_renewal(app, retail_quota):
    member = sme(headcount=10)  # 25 masks × 10 persons = 250 a fortnight
    pools.join_pool(member, PoolFactory(), 200, declares_sector=True)
    with pytest.raises(DomainError) as refused:
        pools.join_pool(member, PoolFactory(), 51, declares_sector=True)
    params = refused.value.params
    assert (params["cap"], params["per_person"], params["persons"], params["left"]) == (250, 25, 10, 50)
    assert date.today() < params["renews_on"] <= date.today() + timedelta(days=14)


def test_the_retail_quota_counts_at_most_250_persons(app, retail_quota):
    big = UserFactory(organisation=OrganisationFactory(headcount=1_800))
    pool = pools.open_pool(big, pool_data())
    subcontractor = UserFactory(organisation=OrganisationFactory(headcount=900))
    pools.join_pool(subcontractor, pool, 6_250)
    with pytest.raises(DomainError) as refused:
        pools.join_pool(subcontractor, PoolFactory(kind="subcontractors", organisation=big.organisation), 6_251)
    assert refused.value.params["cap"] == 6_250


def test_without_a_policy_for_its_kind_a_buyer_has_no_quota(app):
    pools.join_pool(sme(headcount=1), PoolFactory(), 40_000, declares_sector=True)


def test_the_quota_policies_are_read_from_the_environment(monkeypatch):
    from config import settings

    monkeypatch.setenv("BUYER_QUOTAS", '{"pool": {"company": "retail_2020"}}')
    assert settings.load("testing").BUYER_QUOTAS == {"demand": {}, "pool": {"company": "retail_2020"}}


def test_a_pool_below_a_lot_cannot_be_submitted(app):
    pool = PoolFactory()
    PoolMembershipFactory(pool=pool, quantity=49_999)
    with pytest.raises(DomainError) as refused:
        pools.submit_pool(UserFactory(organisation=pool.organisation), pool)
    assert refused.value.params == {"total": 49_999, "minimum": 50_000}
    assert pool.status == "open"


def test_a_pool_that_reached_a_lot_becomes_one_demand_and_members_are_told(app, outbox):
    pool = PoolFactory()
    members = [PoolMembershipFactory(pool=pool, quantity=q) for q in (20_000, 20_000, 10_000)]
    referent = UserFactory(organisation=pool.organisation)
    demand = pools.submit_pool(referent, pool)
    assert (pool.status, pool.demand, demand.quantity, demand.category) == ("submitted", demand, 50_000, "UNS1")
    assert demand.organisation == pool.organisation and demand.priority_rank == 3
    for membership in members:
        [mail] = outbox.to(membership.user.email)
        assert mail["Subject"] == "L'achat groupé de masques UNS1 (grand public catégorie 1) auquel vous participez est soumis"
    with pytest.raises(DomainError, match="closed"):
        pools.join_pool(sme(), pool, 10, declares_sector=True)


def test_once_matched_each_member_sees_its_share_at_cost_price_summing_to_the_total(app):
    pool = PoolFactory()
    for quantity in (20_001, 19_999, 10_000):
        PoolMembershipFactory(pool=pool, quantity=quantity)
    demand = pools.submit_pool(UserFactory(organisation=pool.organisation), pool)
    assert pools.member_shares(pool) == []
    demands.record_match(demand, 25_000, 25_000 * 47 + 3)
    shares = pools.member_shares(pool)
    assert sum(s.units for s in shares) == 25_000
    assert sum(s.amount_cents for s in shares) == 25_000 * 47 + 3
    assert [s.units for s in shares] == [10_001, 9_999, 5_000]  # a tie on the half unit goes to the first


def test_a_member_leaves_an_open_pool(app):
    pool, member = PoolFactory(), sme()
    pools.join_pool(member, pool, 100, declares_sector=True)
    pools.leave_pool(member, pool)
    assert pool.memberships == []
