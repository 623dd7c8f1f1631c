"""Amounts in euros, rates and dates for the order and statement pages and documents, in the reader's language."""
from decimal import Decimal, ROUND_HALF_UP

from babel.dates import format_date
from babel.numbers import format_currency, format_decimal
from flask_babel import get_locale

UNIT_PLACES = Decimal("0.0001")


def _locale():
    return str(get_locale())


def euros(amount):
    """Format a Decimal amount of euros: "1 234,56 €"."""
    return format_currency(amount, "EUR", locale=_locale())


def unit_euros(amount):
    """Format a unit price with up to four decimals, as a line total over its units can need."""
    exact = Decimal(amount).quantize(UNIT_PLACES, rounding=ROUND_HALF_UP)
    return format_currency(exact, "EUR", locale=_locale(), decimal_quantization=False)


def percent_rate(rate_bp):
    """Format a rate held in basis points: 550 → "5,5 %"."""
    return format_decimal(Decimal(rate_bp) / 100, locale=_locale()) + "\u00a0%"


def day(value):
    return format_date(value, "short", locale=_locale()) if value else ""
