"""Mask categories and the thresholds a certification must meet.

Sources: the Economy ministry's note "Masques à destination des entreprises" (24 April 2020) for the
categories, their standards and the foreign equivalents; article 30-0 E of annex IV to the CGI
(arrêté du 7 mai 2020) for what every non-sanitary mask must meet.

Every figure here is policy data, read by the rest of the code; none is repeated elsewhere.
"""
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from .errors import N_


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
    # English name, a msgid: the interface shows it translated (marketplace.i18n.category_name).
    label: str
    family: Family
    standard: str
    # Minimum filtration of 3 µm particles, strictly exceeded (non-sanitary masks only).
    min_filtration_3um_pct: int | None = None
    # The French category this one stands for, for a foreign equivalent.
    equivalent_of: "Category | None" = None
    # Last day a foreign equivalent may be imported and used.
    valid_until: date | None = None


# Foreign standards were authorised until 31 May 2020 (note "Masques à destination des entreprises", 24 April 2020).
FOREIGN_EQUIVALENTS_VALID_UNTIL = date(2020, 5, 31)

CATEGORIES = {
    Category.FFP1: CategoryRule(N_("FFP1"), Family.RESPIRATOR, "EN 149+A1:2009"),
    Category.FFP2: CategoryRule(N_("FFP2"), Family.RESPIRATOR, "EN 149+A1:2009"),
    Category.FFP3: CategoryRule(N_("FFP3"), Family.RESPIRATOR, "EN 149+A1:2009"),
    Category.SURGICAL_I: CategoryRule(N_("Surgical type I"), Family.SURGICAL, "EN 14683+AC:2019"),
    Category.SURGICAL_II: CategoryRule(N_("Surgical type II"), Family.SURGICAL, "EN 14683+AC:2019"),
    Category.SURGICAL_IIR: CategoryRule(N_("Surgical type IIR"), Family.SURGICAL, "EN 14683+AC:2019"),
    Category.UNS1: CategoryRule(N_("UNS1 (general public, category 1)"), Family.NON_SANITARY, "DGA 3 µm", 90),
    Category.UNS2: CategoryRule(N_("UNS2 (general public, category 2)"), Family.NON_SANITARY, "DGA 3 µm", 70),
    Category.AFNOR: CategoryRule(N_("AFNOR barrier mask"), Family.NON_SANITARY, "AFNOR SPEC S76-001", 70),
    Category.N95: CategoryRule(N_("N95 (United States)"), Family.RESPIRATOR, "NIOSH-42CFR84", None, Category.FFP2, FOREIGN_EQUIVALENTS_VALID_UNTIL),
    Category.KN95: CategoryRule(N_("KN95 (China)"), Family.RESPIRATOR, "GB2626-2006", None, Category.FFP2, FOREIGN_EQUIVALENTS_VALID_UNTIL),
    Category.P2: CategoryRule(N_("P2 (Australia/New Zealand)"), Family.RESPIRATOR, "AS/NZ 1716:2012", None, Category.FFP2, FOREIGN_EQUIVALENTS_VALID_UNTIL),
    Category.KF94: CategoryRule(N_("KF94 (Korea)"), Family.RESPIRATOR, "KMOEL-2017-64", None, Category.FFP2, FOREIGN_EQUIVALENTS_VALID_UNTIL),
    Category.DS2: CategoryRule(N_("DS2 (Japan)"), Family.RESPIRATOR, "JMHLW-2000", None, Category.FFP2, FOREIGN_EQUIVALENTS_VALID_UNTIL),
    Category.SURGICAL_US: CategoryRule(N_("Surgical, US standard"), Family.SURGICAL, "ASTM F2100", None, Category.SURGICAL_II, FOREIGN_EQUIVALENTS_VALID_UNTIL),
    Category.SURGICAL_CN: CategoryRule(N_("Surgical, Chinese standard"), Family.SURGICAL, "YY 0469-2011", None, Category.SURGICAL_II, FOREIGN_EQUIVALENTS_VALID_UNTIL),
}

# Requirements every non-sanitary mask must meet (CGI annex IV art. 30-0 E, 2°, arrêté du 7 mai 2020; air
# permeability measured per NF EN ISO 9237:1995).
NON_SANITARY_MIN_AIR_PERMEABILITY = 96  # L·m⁻²·s⁻¹ at a 100 Pa depression, strictly exceeded
NON_SANITARY_MIN_BREATHABILITY_HOURS = 4
REUSABLE_MIN_WASHES = 5


def family_of(category):
    """Return the family of a category."""
    return CATEGORIES[Category(category)].family


def category_label(category):
    """Return the English name of a category, the msgid the interface translates."""
    return CATEGORIES[Category(category)].label


def is_authorised_on(category, day):
    """Tell whether masks of a category may be imported and used on a day (foreign equivalents expire)."""
    valid_until = CATEGORIES[Category(category)].valid_until
    return valid_until is None or day <= valid_until
