from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from marketplace.domain.errors import DomainError
from marketplace.domain.notifications import Delivery, Topic
from marketplace.domain.organisations import OrganisationKind
from marketplace.extensions import db
from marketplace.models import Notification, Pool
from marketplace.services import demands, notifications, pools
from tests.factories import OrganisationFactory, PoolFactory, PoolMembershipFactory, SectorReferentFactory, UserFactory
from tests.support.clock import days_from_today


def pool_data(**overrides):
    data = {"category": "UNS1", "region_code": "44", "departement_code": "67", "max_unit_price_cents": 60,
            "needed_by": days_from_today(30)}
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


def test_a_pool_share_beyond_the_retail_quota_is_refused_with_the_figure_and_renewal(app, retail_quota, clock):
    member = sme(headcount=10)  # 25 masks × 10 persons = 250 a fortnight
    pools.join_pool(member, PoolFactory(), 200, declares_sector=True)
    with pytest.raises(DomainError) as refused:
        pools.join_pool(member, PoolFactory(), 51, declares_sector=True)
    params = refused.value.params
    assert (params["cap"], params["per_person"], params["persons"], params["left"]) == (250, 25, 10, 50)
    assert clock.today() < params["renews_on"] <= clock.days_from_today(14)


def test_the_retail_quota_counts_at_most_250_persons(app, retail_quota):
    big = UserFactory(organisation=OrganisationFactory(headcount=1_800))
    pool = pools.open_pool(big, pool_data())
    subcontractor = UserFactory(organisation=OrganisationFactory(headcount=900))
    pools.join_pool(subcontractor, pool, 6_250)
    with pytest.raises(DomainError) as refused:
        pools.join_pool(subcontractor, PoolFactory(kind="subcontractors", organisation=big.organisation), 6_251)
    assert refused.value.params["cap"] == 6_250


def test_without_a_policy_for_its_kind_a_buyer_has_no_quota(app):
    pool, member = PoolFactory(), sme(headcount=1)
    pools.join_pool(member, pool, 40_000, declares_sector=True)
    assert [(m.organisation_id, m.quantity) for m in pool.memberships] == [(member.organisation_id, 40_000)]


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


# --- mail to the other party ------------------------------------------------------------------

CANCELLED_AT = datetime(2020, 4, 20, 14, 30, tzinfo=UTC)  # 16:30 in Paris (summer time)


@pytest.fixture
def cancelled_at(clock):
    clock.move_to(CANCELLED_AT, tick=False)


def pool_mails(event):
    return db.session.scalars(select(Notification).where(Notification.event == event)).all()


def test_cancelling_a_pool_mails_each_member_once_in_french(app, outbox, cancelled_at):
    pool = PoolFactory()
    members = [PoolMembershipFactory(pool=pool, quantity=q) for q in (20_000, 12_500, 7)]
    referent = UserFactory(organisation=pool.organisation, full_name="Julie Chêne")

    pools.cancel_pool(referent, pool)

    assert sorted(n.to_address for n in pool_mails("pool_cancelled")) == sorted(m.user.email for m in members)
    [mail] = outbox.to(members[0].user.email)
    assert mail["Subject"] == "L'achat groupé de masques UNS1 (grand public catégorie 1) auquel vous participez est annulé"
    text = outbox.text(mail)
    assert f"Julie Chêne ({pool.organisation.name}) a annulé l'achat groupé de masques UNS1" in text
    assert "de la filière Bois le 20 avr. 2020, 16:30:00." in text
    assert "Votre organisation avait demandé 20\u202f000 unités dans cet achat groupé. Ce besoin n'est plus couvert" in text
    assert ("rejoindre un autre achat groupé ouvert : "
            "http://localhost/buyers/pools?category=UNS1&region=53&sector=Bois") in text
    assert "publier votre propre demande : http://localhost/buyers/demands/new" in text
    assert "7 unités" in outbox.text(outbox.to(members[2].user.email)[0])


def test_a_member_who_chose_english_gets_the_cancellation_in_english(app, outbox, cancelled_at):
    pool = PoolFactory()
    english = PoolMembershipFactory(pool=pool, quantity=20_000, user__locale="en")
    pools.cancel_pool(UserFactory(organisation=pool.organisation, full_name="Julie Chêne"), pool)

    [mail] = outbox.to(english.user.email)
    assert mail["Subject"] == "The pooled purchase of UNS1 (general public, category 1) masks you joined is cancelled"
    text = outbox.text(mail)
    assert "cancelled the pooled purchase of UNS1 (general public, category 1) masks of the sector Bois on Apr 20, 2020" in text
    assert "Your organisation had asked for 20,000 units through this pool. That need is no longer covered" in text


def test_cancelling_a_pool_mails_nobody_but_its_members(app, outbox):
    pool, other_pool = PoolFactory(), PoolFactory()
    member = PoolMembershipFactory(pool=pool)
    outsider = PoolMembershipFactory(pool=other_pool)
    referent = UserFactory(organisation=pool.organisation)
    bystander = sme()

    pools.cancel_pool(referent, pool)

    assert [m["To"] for m in outbox.messages()] == [member.user.email]
    for user in (outsider.user, referent, bystander):
        assert outbox.to(user.email) == []
    assert other_pool.status == "open"


def test_a_pool_without_members_is_cancelled_without_mail(app, outbox):
    pool = PoolFactory()
    pools.cancel_pool(UserFactory(organisation=pool.organisation), pool)
    assert pool.status == "cancelled" and pool_mails("pool_cancelled") == [] and outbox.messages() == []


def test_a_cancellation_that_fails_midway_leaves_no_mail_and_the_pool_open(app, outbox, monkeypatch):
    pool = PoolFactory()
    PoolMembershipFactory.create_batch(3, pool=pool)
    referent = UserFactory(organisation=pool.organisation)
    db.session.commit()
    real_notify, calls = pools.notify, []

    def notify_then_fail(*args, **kwargs):
        calls.append(args)
        if len(calls) == 2:
            raise RuntimeError("renderer down")
        return real_notify(*args, **kwargs)

    monkeypatch.setattr(pools, "notify", notify_then_fail)
    with pytest.raises(RuntimeError):
        pools.cancel_pool(referent, pool)
    db.session.rollback()

    assert pool_mails("pool_cancelled") == [] and outbox.messages() == []
    assert db.session.get(Pool, pool.id).status == "open"


def test_a_member_who_turned_pool_news_off_gets_no_cancellation_mail(app, outbox):
    pool = PoolFactory()
    muted, told = PoolMembershipFactory(pool=pool), PoolMembershipFactory(pool=pool)
    notifications.save_preferences(muted.user, {Topic.POOLS: Delivery.OFF})
    pools.cancel_pool(UserFactory(organisation=pool.organisation), pool)
    assert [n.to_address for n in pool_mails("pool_cancelled")] == [told.user.email]


def test_a_member_leaving_is_mailed_to_the_pools_opener(app, outbox):
    pool = PoolFactory()
    PoolMembershipFactory(pool=pool, quantity=30_000)
    leaving = sme(name="Scierie du Val")
    pools.join_pool(leaving, pool, 12_000, declares_sector=True)

    pools.leave_pool(leaving, pool)

    [mail] = outbox.messages()
    assert mail["To"] == pool.created_by.email
    assert mail["Subject"] == "Scierie du Val a quitté votre achat groupé de masques UNS1 (grand public catégorie 1)"
    text = outbox.text(mail)
    assert "sa demande portait sur 12\u202f000 unités." in text
    assert "L'achat groupé réunit désormais 30\u202f000 unités ; il en faut au moins 50\u202f000 pour le soumettre." in text


def test_a_member_changing_its_quantity_is_mailed_to_the_opener_but_joining_or_saving_the_same_is_not(app, outbox):
    pool, member = PoolFactory(), sme(name="Scierie du Val")
    pools.join_pool(member, pool, 12_000, declares_sector=True)
    pools.join_pool(member, pool, 12_000, declares_sector=True)
    assert outbox.messages() == []

    pools.join_pool(member, pool, 4_000, declares_sector=True)

    [mail] = outbox.to(pool.created_by.email)
    assert mail["Subject"] == ("Scierie du Val a modifié sa quantité dans votre achat groupé de masques "
                               "UNS1 (grand public catégorie 1)")
    assert "de 12\u202f000 à 4\u202f000 unités." in outbox.text(mail)
    assert len(outbox.messages()) == 1
