"""VAT on masks: the reduced rate for eligible masks, the normal rate otherwise.

Loi n° 2020-473 du 25 avril 2020 de finances rectificative pour 2020 (CGI art. 278-0 bis, K bis): the
reduced rate for masks delivered from 24 March 2020 to 31 December 2021. Arrêté du 7 mai 2020 (CGI
annex IV art. 30-0 E): which masks qualify — respirators without an exhalation valve, surgical masks,
and non-sanitary masks meeting the requirements in `masks`. Rates are in basis points (1 % = 100 bp)
so that prices stay integers.
"""
from datetime import date
from decimal import Decimal, ROUND_HALF_UP

from .masks import Family, family_of

REDUCED_RATE_BP = 550  # 5.5 %
NORMAL_RATE_BP = 2000  # 20 %
REDUCED_RATE_FROM = date(2020, 3, 24)
REDUCED_RATE_UNTIL = date(2021, 12, 31)


def is_vat_eligible(category, exhalation_valve):
    """Tell whether a certified mask qualifies for the reduced rate (respirators: no valve)."""
    if family_of(category) == Family.RESPIRATOR:
        return not exhalation_valve
    return True


def vat_rate_bp(category, exhalation_valve, delivered_on):
    """Return the VAT rate, in basis points, of a certified mask delivered on a date."""
    in_period = REDUCED_RATE_FROM <= delivered_on <= REDUCED_RATE_UNTIL
    return REDUCED_RATE_BP if in_period and is_vat_eligible(category, exhalation_valve) else NORMAL_RATE_BP


def price_ttc_cents(price_ht_cents, rate_bp):
    """Return the price including tax, rounded half up to the cent."""
    ttc = Decimal(price_ht_cents) * (10_000 + rate_bp) / 10_000
    return int(ttc.quantize(Decimal(1), rounding=ROUND_HALF_UP))



def line_amounts_cents(quantity, unit_price_ht_cents, rate_bp):
    """Return (total HT, VAT, total TTC) of an invoice line in cents, the VAT rounded once per line."""
    total_ht = quantity * unit_price_ht_cents
    vat = int((Decimal(total_ht) * rate_bp / 10_000).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return total_ht, vat, total_ht + vat
