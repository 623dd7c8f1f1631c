from types import SimpleNamespace

from marketplace.domain.access import administered_region_codes, can_act_for, can_administer_region
from marketplace.domain.roles import Role


def user(role, region=None, organisation_id=None):
    return SimpleNamespace(role=role, admin_region_code=region, organisation_id=organisation_id)


def test_a_regional_admin_administers_its_own_region_only():
    bretagne_admin = user(Role.REGIONAL_ADMIN, "53")
    assert can_administer_region(bretagne_admin, "53")
    assert not can_administer_region(bretagne_admin, "76")
    assert administered_region_codes(bretagne_admin) == ["53"]


def test_a_national_admin_administers_every_region():
    assert len(administered_region_codes(user(Role.NATIONAL_ADMIN))) == 18


def test_members_administer_no_region():
    assert administered_region_codes(user(Role.PRODUCER_MEMBER)) == []
    assert not can_administer_region(user(Role.BUYER_MEMBER, "53"), "53")


def test_a_member_acts_only_for_its_own_organisation():
    member = user(Role.BUYER_MEMBER, organisation_id=4)
    assert can_act_for(member, 4)
    assert not can_act_for(member, 5)
    assert not can_act_for(user(Role.NATIONAL_ADMIN), None)
