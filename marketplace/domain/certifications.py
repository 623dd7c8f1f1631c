"""What a certification must show to be accepted (DOMAIN.md §2): who tested, and the thresholds."""
from enum import StrEnum

from .errors import DomainError, N_
from .masks import (
    CATEGORIES,
    NON_SANITARY_MIN_AIR_PERMEABILITY,
    NON_SANITARY_MIN_BREATHABILITY_HOURS,
    REUSABLE_MIN_WASHES,
    Category,
    Family,
)


class TestingBody(StrEnum):
    __test__ = False  # not a pytest test class

    DGA = "dga"  # the defence procurement agency
    NOTIFIED_BODY = "notified_body"  # under Regulation (EU) 2016/425 with a suitable scope
    LNE = "lne"  # the national metrology and testing laboratory
    REFERENCED_LAB = "referenced_lab"  # on the ministry's published list


class CertificationStatus(StrEnum):
    PENDING = "pending"
    VERIFIED = "verified"
    REJECTED = "rejected"


def check_measurements(category, *, reusable, washes, filtration_3um_pct, air_permeability, breathability_hours):
    """Raise a DomainError naming the first requirement the declared mask does not meet."""
    rule = CATEGORIES[Category(category)]
    if reusable and (washes is None or washes < 1):
        raise DomainError(N_("A reusable mask must state how many washes it keeps its performance."), field="washes")
    if rule.family != Family.NON_SANITARY:
        return
    minimum = rule.min_filtration_3um_pct
    if minimum is not None and (filtration_3um_pct is None or filtration_3um_pct <= minimum):
        raise DomainError(
            N_("A %(category)s mask must filter more than %(minimum)s %% of 3 µm particles; the report shows %(value)s %%."),
            field="filtration_3um_pct", category=Category(category), minimum=minimum, value=_shown(filtration_3um_pct),
        )
    if air_permeability is None or air_permeability <= NON_SANITARY_MIN_AIR_PERMEABILITY:
        raise DomainError(
            N_("Air permeability must exceed %(minimum)s L·m⁻²·s⁻¹ at 100 Pa; the report shows %(value)s."),
            field="air_permeability", minimum=NON_SANITARY_MIN_AIR_PERMEABILITY, value=_shown(air_permeability),
        )
    if breathability_hours is None or breathability_hours < NON_SANITARY_MIN_BREATHABILITY_HOURS:
        raise DomainError(
            N_("The mask must stay breathable for at least %(minimum)s hours of wear."),
            field="breathability_hours", minimum=NON_SANITARY_MIN_BREATHABILITY_HOURS,
        )
    if reusable and washes < REUSABLE_MIN_WASHES:
        raise DomainError(
            N_("A reusable non-sanitary mask must keep its performance after at least %(minimum)s washes."),
            field="washes", minimum=REUSABLE_MIN_WASHES,
        )


def _shown(value):
    return "—" if value is None else f"{value:g}"
