from datetime import date, timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm.attributes import set_committed_value

from marketplace.domain.errors import DomainError
from marketplace.domain.organisations import OrganisationKind
from marketplace.domain.quotas import QuotaPolicy
from marketplace.extensions import db
from marketplace.models import AuditEntry, Demand, Proposal
from marketplace.services import demands
from marketplace.services.matching.runs import run_matching
from tests.factories import DemandFactory, OfferFactory, OrganisationFactory, UserFactory
from tests.support.demands import demand_data


def buyer(kind=OrganisationKind.COMPANY, headcount=50):
    return UserFactory(organisation=OrganisationFactory(kind=kind, headcount=headcount))


def test_a_demand_of_the_minimum_order_volume_is_posted_open_and_audited(app):
    demand = demands.post_demand(buyer(), demand_data())
    assert (demand.status, demand.quantity, demand.matched_quantity, demand.remaining_quantity) == ("open", 50_000, 0, 50_000)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "demand.posted"))
    assert entry.object_id == demand.id


def test_a_demand_below_the_minimum_order_volume_is_refused_towards_a_pool(app):
    with pytest.raises(DomainError) as refused:
        demands.post_demand(buyer(), demand_data(quantity=49_999))
    assert refused.value.field == "quantity"
    assert refused.value.params == {"minimum": 50_000}
    assert db.session.scalar(select(Demand)) is None


def test_the_minimum_order_volume_is_a_setting(app):
    app.config["MIN_ORDER_VOLUME"] = 10_000
    assert demands.post_demand(buyer(), demand_data(quantity=10_000)).quantity == 10_000


def test_substitutes_are_kept_only_when_allowed(app):
    demand = demands.post_demand(buyer(), demand_data(category="UNS2", accepted_substitutes=["UNS1"]))
    assert demand.accepted_substitutes == ["UNS1"]
    with pytest.raises(DomainError, match="cannot replace"):
        demands.post_demand(buyer(), demand_data(category="UNS1", accepted_substitutes=["UNS2"]))


def test_a_departement_outside_the_region_and_a_past_date_are_refused(app, clock):
    with pytest.raises(DomainError) as wrong_place:
        demands.post_demand(buyer(), demand_data(departement_code="31"))
    assert wrong_place.value.field == "departement_code"
    with pytest.raises(DomainError) as past:
        demands.post_demand(buyer(), demand_data(needed_by=clock.days_from_today(-1)))
    assert past.value.field == "needed_by"


def test_the_priority_follows_from_who_buys(app):
    hospital = demands.post_demand(buyer(OrganisationKind.HEALTHCARE), demand_data())
    town = demands.post_demand(buyer(OrganisationKind.LOCAL_AUTHORITY), demand_data())
    shop = demands.post_demand(buyer(), demand_data(public_facing=True))
    factory = demands.post_demand(buyer(), demand_data())
    assert [d.priority_rank for d in (hospital, town, shop, factory)] == [1, 2, 2, 3]


def test_a_demand_beyond_the_quota_of_its_buyer_kind_is_refused_with_the_figure_and_renewal(app, clock):
    app.config["BUYER_QUOTAS"]["demand"]["company"] = QuotaPolicy(
        per_person=1_000, max_persons=100, period_days=14, epoch=date(2020, 5, 4)
    )
    user = buyer(headcount=80)  # 80,000 masks a fortnight
    demands.post_demand(user, demand_data(quantity=50_000))
    with pytest.raises(DomainError) as refused:
        demands.post_demand(user, demand_data(quantity=50_000))
    params = refused.value.params
    assert (params["cap"], params["asked"], params["left"]) == (80_000, 50_000, 30_000)
    assert params["renews_on"] > clock.today()
    assert (params["renews_on"] - date(2020, 5, 4)).days % 14 == 0


def test_a_cancelled_demand_no_longer_counts_towards_the_quota(app):
    app.config["BUYER_QUOTAS"]["demand"]["company"] = QuotaPolicy(1_000, 100, 14, date(2020, 5, 4))
    user = buyer(headcount=80)
    first = demands.post_demand(user, demand_data(quantity=60_000))
    demands.cancel_demand(user, first)
    assert demands.post_demand(user, demand_data(quantity=60_000)).status == "open"


def test_an_open_demand_can_be_changed(app):
    user = buyer()
    demand = demands.post_demand(user, demand_data())
    demands.update_demand(user, demand, demand_data(quantity=100_000, accepted_substitutes=["FFP3"]))
    assert (demand.quantity, demand.accepted_substitutes) == (100_000, ["FFP3"])


def test_changing_a_demand_with_live_proposals_is_refused_with_an_explanation(app):
    user = buyer()
    demand = demands.post_demand(user, demand_data())
    OfferFactory()  # 100,000 FFP2 masks of Bretagne at 0,90 € HT: matching proposes 50,000 of them
    assert run_matching("manual").proposals_created == 1
    assert [(p.status, p.quantity) for p in db.session.scalars(select(Proposal))] == [("pending", 50_000)]
    with pytest.raises(DomainError, match="proposals under way"):
        demands.update_demand(user, demand, demand_data(quantity=100_000))
    assert demand.quantity == 50_000


def test_a_partially_matched_demand_can_no_longer_be_changed(app):
    user = buyer()
    demand = demands.post_demand(user, demand_data())
    demands.record_match(demand, 10_000, 10_000 * 80)
    with pytest.raises(DomainError, match="Only an open demand"):
        demands.update_demand(user, demand, demand_data(quantity=100_000))


def test_the_lifecycle_runs_from_open_to_partially_matched_to_fulfilled(app):
    demand = DemandFactory(quantity=50_000)
    demands.record_match(demand, 20_000, 20_000 * 80)
    assert (demand.status, demand.remaining_quantity) == ("partially_matched", 30_000)
    demands.record_match(demand, 30_000, 30_000 * 85)
    assert (demand.status, demand.matched_total_cents) == ("fulfilled", 4_150_000)
    with pytest.raises(DomainError):
        demands.record_match(demand, 1, 80)


def test_matching_more_than_what_remains_is_refused(app):
    demand = DemandFactory(quantity=50_000)
    with pytest.raises(DomainError):
        demands.record_match(demand, 50_001, 1)


def test_a_demand_past_its_date_expires_and_a_closed_one_stays_closed(app, clock):
    today = clock.today()
    overdue = DemandFactory(needed_by=today - timedelta(days=1))
    partial = DemandFactory(needed_by=today - timedelta(days=1), status="partially_matched", matched_quantity=5)
    cancelled = DemandFactory(needed_by=today - timedelta(days=1), status="cancelled")
    current = DemandFactory(needed_by=today)
    assert demands.expire_overdue_demands() == 2
    assert [d.status for d in (overdue, partial, cancelled, current)] == ["expired", "expired", "cancelled", "open"]
    assert demands.expire_overdue_demands() == 0


def test_a_closed_demand_cannot_be_cancelled(app):
    user = buyer()
    demand = demands.post_demand(user, demand_data())
    demands.cancel_demand(user, demand)
    with pytest.raises(DomainError, match="already closed"):
        demands.cancel_demand(user, demand)


def test_a_demand_fulfilled_since_it_was_read_is_not_cancelled(app):
    user = buyer()
    demand = demands.post_demand(user, demand_data())
    db.session.execute(update(Demand).where(Demand.id == demand.id).values(status="fulfilled"))  # another request
    db.session.commit()
    set_committed_value(demand, "status", "open")  # as this request read it before
    with pytest.raises(DomainError, match="already closed"):
        demands.cancel_demand(user, demand)
    assert db.session.get(Demand, demand.id).status == "fulfilled"


def test_the_database_refuses_more_matched_than_asked(app):
    from sqlalchemy.exc import IntegrityError

    demand = DemandFactory(quantity=50_000)
    demand.matched_quantity = 50_001
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
