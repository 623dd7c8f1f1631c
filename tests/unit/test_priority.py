import pytest

from marketplace.domain.organisations import OrganisationKind
from marketplace.domain.priority import PRIORITY_CLASSES, priority_label, priority_rank

HEALTHCARE = OrganisationKind.HEALTHCARE
AUTHORITY = OrganisationKind.LOCAL_AUTHORITY
COMPANY = OrganisationKind.COMPANY


@pytest.mark.parametrize("category", ["FFP2", "FFP3", "SURGICAL_I", "SURGICAL_IIR", "KN95"])
def test_healthcare_structures_come_first_for_ffp_and_surgical_masks(category):
    assert priority_rank(HEALTHCARE, category) == 1
    assert priority_rank(HEALTHCARE, category) < priority_rank(AUTHORITY, category) < priority_rank(COMPANY, category)


def test_for_non_sanitary_masks_healthcare_has_no_head_start_over_local_authorities():
    assert priority_rank(HEALTHCARE, "UNS1") == priority_rank(AUTHORITY, "UNS1") == 2


def test_public_facing_professions_rank_with_local_authorities():
    assert priority_rank(COMPANY, "FFP2", public_facing=True) == priority_rank(AUTHORITY, "FFP2") == 2


def test_other_companies_and_pooled_purchases_come_last():
    assert priority_rank(COMPANY, "SURGICAL_II") == 3
    assert priority_rank(OrganisationKind.SECTOR_REFERENT, "UNS1") == 3


def test_a_seller_kind_gets_no_priority_class_and_ranks_after_every_buyer():
    assert priority_rank(OrganisationKind.PRODUCER, "FFP2") > max(c.rank for c in PRIORITY_CLASSES)


def test_each_rank_has_a_name():
    assert priority_label(1) == "Healthcare structures (sanitary masks)"
    assert priority_label(3) == "Other companies"
