"""Mask categories and the thresholds a certification must meet (DOMAIN.md §2).

Every figure here is policy data, read by the rest of the code; none is repeated elsewhere.
"""
from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class Family(StrEnum):
    RESPIRATOR = "respirator"  # FFP, sanitary
    SURGICAL = "surgical"  # sanitary
    NON_SANITARY = "non_sanitary"  # "grand public" UNS1/UNS2 and AFNOR barrier masks


class Category(StrEnum):
    FFP1 = "FFP1"
    FFP2 = "FFP2"
    FFP3 = "FFP3"
    SURGICAL_I = "SURGICAL_I"
    SURGICAL_II = "SURGICAL_II"
    SURGICAL_IIR = "SURGICAL_IIR"
    UNS1 = "UNS1"
    UNS2 = "UNS2"
    AFNOR = "AFNOR"
    # Recognised foreign equivalents, authorised until a policy end date.
    N95 = "N95"
    KN95 = "KN95"
    P2 = "P2"
    KF94 = "KF94"
    DS2 = "DS2"
    SURGICAL_US = "SURGICAL_US"
    SURGICAL_CN = "SURGICAL_CN"


@dataclass(frozen=True)
class CategoryRule:
    label: str
    family: Family
    standard: str
    # Minimum filtration of 3 µm particles, strictly exceeded (non-sanitary masks only).
    min_filtration_3um_pct: int | None = None
    # The French category this one stands for, for a foreign equivalent.
    equivalent_of: "Category | None" = None
    # Last day a foreign equivalent may be imported and used.
    valid_until: date | None = None


# Foreign standards were authorised until 31 May 2020 (DOMAIN.md §2).
FOREIGN_EQUIVALENTS_VALID_UNTIL = date(2020, 5, 31)

CATEGORIES = {
    Category.FFP1: CategoryRule("FFP1", Family.RESPIRATOR, "EN 149+A1:2009"),
    Category.FFP2: CategoryRule("FFP2", Family.RESPIRATOR, "EN 149+A1:2009"),
    Category.FFP3: CategoryRule("FFP3", Family.RESPIRATOR, "EN 149+A1:2009"),
    Category.SURGICAL_I: CategoryRule("Chirurgical type I", Family.SURGICAL, "EN 14683+AC:2019"),
    Category.SURGICAL_II: CategoryRule("Chirurgical type II", Family.SURGICAL, "EN 14683+AC:2019"),
    Category.SURGICAL_IIR: CategoryRule("Chirurgical type IIR", Family.SURGICAL, "EN 14683+AC:2019"),
    Category.UNS1: CategoryRule("UNS1 (grand public catégorie 1)", Family.NON_SANITARY, "DGA 3 µm", 90),
    Category.UNS2: CategoryRule("UNS2 (grand public catégorie 2)", Family.NON_SANITARY, "DGA 3 µm", 70),
    Category.AFNOR: CategoryRule("Masque barrière AFNOR", Family.NON_SANITARY, "AFNOR SPEC S76-001"),
    Category.N95: CategoryRule("N95 (États-Unis)", Family.RESPIRATOR, "NIOSH-42CFR84", None, Category.FFP2, FOREIGN_EQUIVALENTS_VALID_UNTIL),
    Category.KN95: CategoryRule("KN95 (Chine)", Family.RESPIRATOR, "GB2626-2006", None, Category.FFP2, FOREIGN_EQUIVALENTS_VALID_UNTIL),
    Category.P2: CategoryRule("P2 (Australie/Nouvelle-Zélande)", Family.RESPIRATOR, "AS/NZ 1716:2012", None, Category.FFP2, FOREIGN_EQUIVALENTS_VALID_UNTIL),
    Category.KF94: CategoryRule("KF94 (Corée)", Family.RESPIRATOR, "KMOEL-2017-64", None, Category.FFP2, FOREIGN_EQUIVALENTS_VALID_UNTIL),
    Category.DS2: CategoryRule("DS2 (Japon)", Family.RESPIRATOR, "JMHLW-2000", None, Category.FFP2, FOREIGN_EQUIVALENTS_VALID_UNTIL),
    Category.SURGICAL_US: CategoryRule("Chirurgical norme américaine", Family.SURGICAL, "ASTM F2100", None, Category.SURGICAL_II, FOREIGN_EQUIVALENTS_VALID_UNTIL),
    Category.SURGICAL_CN: CategoryRule("Chirurgical norme chinoise", Family.SURGICAL, "YY 0469-2011", None, Category.SURGICAL_II, FOREIGN_EQUIVALENTS_VALID_UNTIL),
}

# Requirements every non-sanitary mask must meet (DOMAIN.md §2, NF EN ISO 9237:1995).
NON_SANITARY_MIN_AIR_PERMEABILITY = 96  # L·m⁻²·s⁻¹ at a 100 Pa depression, strictly exceeded
NON_SANITARY_MIN_BREATHABILITY_HOURS = 4
REUSABLE_MIN_WASHES = 5


def family_of(category):
    """Return the family of a category."""
    return CATEGORIES[Category(category)].family


def is_sanitary(category):
    """Tell whether a category is a sanitary mask (respirator or surgical)."""
    return family_of(category) in (Family.RESPIRATOR, Family.SURGICAL)


def category_label(category):
    """Return the human name of a category."""
    return CATEGORIES[Category(category)].label


def is_authorised_on(category, day):
    """Tell whether masks of a category may be imported and used on a day (foreign equivalents expire)."""
    valid_until = CATEGORIES[Category(category)].valid_until
    return valid_until is None or day <= valid_until
