"""What a certification must show to be accepted: who tested, and the thresholds.

Who may test: the Economy ministry's note "Masques à destination des entreprises" (24 April 2020);
the thresholds are in `masks`, with their sources.
"""
from enum import StrEnum

from .errors import DomainError, N_, Refusals, has_inputs
from .masks import (
    CATEGORIES,
    Category,
    Family,
    NON_SANITARY_MIN_AIR_PERMEABILITY,
    NON_SANITARY_MIN_BREATHABILITY_HOURS,
    REUSABLE_MIN_WASHES,
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


def check_measurements(category, **measures):
    """Raise a DomainError naming every requirement the declared mask does not meet.

    measures holds reusable, washes, filtration_3um_pct, air_permeability and breathability_hours; one
    left out (typed wrong) is not checked.
    """
    rule = CATEGORIES[Category(category)]
    refusals = Refusals()
    reusable, washes = measures.get("reusable"), measures.get("washes")
    washes_known = has_inputs(measures, "reusable", "washes")
    if washes_known and reusable and (washes is None or washes < 1):
        refusals.errors.append(
            DomainError(N_("A reusable mask must state how many washes it keeps its performance."), field="washes")
        )
    elif washes_known and reusable and rule.family == Family.NON_SANITARY and washes < REUSABLE_MIN_WASHES:
        refusals.errors.append(DomainError(
            N_("A reusable non-sanitary mask must keep its performance after at least %(minimum)s washes."),
            field="washes", minimum=REUSABLE_MIN_WASHES,
        ))
    if rule.family == Family.NON_SANITARY:
        refusals.errors.extend(_non_sanitary_refusals(category, rule, measures))
    refusals.raise_any()


def _non_sanitary_refusals(category, rule, measures):
    minimum, value = rule.min_filtration_3um_pct, measures.get("filtration_3um_pct")
    if has_inputs(measures, "filtration_3um_pct") and minimum is not None and (value is None or value <= minimum):
        yield DomainError(
            N_("A %(category)s mask must filter more than %(minimum)s %% of 3 µm particles; the report shows %(value)s %%."),
            field="filtration_3um_pct", category=Category(category), minimum=minimum, value=_shown(value),
        )
    value = measures.get("air_permeability")
    if has_inputs(measures, "air_permeability") and (value is None or value <= NON_SANITARY_MIN_AIR_PERMEABILITY):
        yield DomainError(
            N_("Air permeability must exceed %(minimum)s L·m⁻²·s⁻¹ at 100 Pa; the report shows %(value)s."),
            field="air_permeability", minimum=NON_SANITARY_MIN_AIR_PERMEABILITY, value=_shown(value),
        )
    value = measures.get("breathability_hours")
    if has_inputs(measures, "breathability_hours") and (value is None or value < NON_SANITARY_MIN_BREATHABILITY_HOURS):
        yield DomainError(
            N_("The mask must stay breathable for at least %(minimum)s hours of wear."),
            field="breathability_hours", minimum=NON_SANITARY_MIN_BREATHABILITY_HOURS,
        )


def _shown(value):
    return "—" if value is None else f"{value:g}"
