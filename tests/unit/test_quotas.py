from datetime import date

import pytest

from marketplace.domain.errors import DomainError
from marketplace.domain.quotas import Channel, RETAIL_2020, check_quota, policy_for


def test_the_retail_quota_is_25_masks_per_person_for_at_most_250_persons():
    assert RETAIL_2020.cap(10) == 250
    assert RETAIL_2020.cap(250) == 6_250
    assert RETAIL_2020.cap(4_000) == 6_250


def test_the_quota_renews_every_fortnight():
    assert RETAIL_2020.period_of(date(2020, 5, 4)) == (date(2020, 5, 4), date(2020, 5, 18))
    assert RETAIL_2020.period_of(date(2020, 5, 17)) == (date(2020, 5, 4), date(2020, 5, 18))
    assert RETAIL_2020.period_of(date(2020, 5, 18)) == (date(2020, 5, 18), date(2020, 6, 1))


def test_asking_up_to_the_quota_is_allowed():
    assert check_quota(RETAIL_2020, 10, already_asked=200, asking=50, renews_on=date(2020, 5, 18)) is None  # no refusal


def test_asking_beyond_the_quota_is_refused_with_the_figure_and_the_renewal_date():
    with pytest.raises(DomainError) as refused:
        check_quota(RETAIL_2020, 10, already_asked=200, asking=51, renews_on=date(2020, 5, 18))
    assert refused.value.params["cap"] == 250
    assert refused.value.params["left"] == 50
    assert refused.value.params["renews_on"] == date(2020, 5, 18)
    assert "quota of 250 masks per 14 days" in str(refused.value)
    assert "renews on 2020-05-18" in str(refused.value)


def test_the_policy_is_chosen_per_channel_and_buyer_kind_from_the_setting():
    setting = {"demand": {}, "pool": {"company": "retail_2020"}}
    assert policy_for(setting, Channel.POOL, "company") is RETAIL_2020
    assert policy_for(setting, Channel.DEMAND, "company") is None
    assert policy_for(setting, Channel.POOL, "healthcare") is None
