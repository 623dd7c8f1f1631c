import pytest

from marketplace.demo import make_siret
from marketplace.domain.errors import DomainError
from marketplace.domain.geography import departements, is_in_region, regions
from marketplace.domain.organisations import SECTORS, normalise_siret


def test_a_valid_siret_with_spaces_is_normalised_to_14_digits():
    siret = make_siret(7)
    spaced = f"{siret[:3]} {siret[3:6]} {siret[6:9]} {siret[9:]}"
    assert normalise_siret(spaced) == siret


def test_a_siret_with_a_wrong_check_digit_is_refused_with_the_reason():
    siret = make_siret(7)
    wrong = siret[:-1] + str((int(siret[-1]) + 1) % 10)
    with pytest.raises(DomainError) as refused:
        normalise_siret(wrong)
    assert "check digit" in refused.value.message
    assert refused.value.field == "siret"


@pytest.mark.parametrize("raw", ["1234", "123456789012345"])
def test_a_siret_of_the_wrong_length_is_refused(raw):
    with pytest.raises(DomainError) as refused:
        normalise_siret(raw)
    assert "14 digits" in refused.value.message


def test_a_siret_with_letters_is_refused():
    with pytest.raises(DomainError) as refused:
        normalise_siret("7320540AB00021")
    assert "digits only" in refused.value.message


def test_france_has_18_regions_and_101_departements_with_overseas_flagged():
    assert len(regions()) == 18
    assert len(departements()) == 101
    assert {code for code, r in regions().items() if r.overseas} == {"01", "02", "03", "04", "06"}
    assert departements()["2A"].name == "Corse-du-Sud"
    assert departements()["974"].overseas


def test_a_departement_belongs_to_its_region_only():
    assert is_in_region("35", "53")
    assert not is_in_region("35", "76")
    assert not is_in_region("999", "53")


def test_there_are_18_industrial_sectors():
    assert len(SECTORS) == 18 == len(set(SECTORS))
