import pytest

from marketplace.domain.errors import DomainError
from marketplace.domain.substitutes import allowed_substitutes, categories_served, check_substitutes


def test_ffp3_may_replace_ffp2_and_uns1_may_replace_uns2():
    assert "FFP3" in allowed_substitutes("FFP2")
    assert "UNS1" in allowed_substitutes("UNS2")


def test_a_lower_grade_never_replaces_a_higher_one():
    assert "FFP2" not in allowed_substitutes("FFP3")
    assert "UNS2" not in allowed_substitutes("UNS1")
    assert "SURGICAL_I" not in allowed_substitutes("SURGICAL_IIR")


def test_substitutes_stay_in_the_same_protection_level_family():
    assert not {"UNS1", "UNS2", "AFNOR"} & set(allowed_substitutes("FFP2"))
    assert not {"FFP2", "FFP3"} & set(allowed_substitutes("SURGICAL_II"))


def test_nothing_is_substituted_unless_the_buyer_opts_in():
    assert categories_served("FFP2", []) == ["FFP2"]
    assert categories_served("FFP2", ["FFP3"]) == ["FFP2", "FFP3"]


def test_a_substitute_that_may_not_replace_the_category_is_refused_with_a_message():
    with pytest.raises(DomainError) as refused:
        check_substitutes("FFP3", ["FFP2"])
    assert str(refused.value) == "FFP2 cannot replace FFP3."
    assert refused.value.field == "accepted_substitutes"


def test_an_unknown_category_is_refused():
    with pytest.raises(DomainError):
        check_substitutes("FFP2", ["FFP9"])
