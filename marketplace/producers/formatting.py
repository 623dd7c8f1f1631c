"""Formatting of the catalogue's many numbers, cached per language: a page shows hundreds of them."""
from decimal import Decimal
from functools import lru_cache

from babel.dates import format_date
from babel.numbers import format_currency, format_decimal
from flask_babel import get_locale

from . import bp


@lru_cache(maxsize=50_000)
def _money(cents, locale):
    return format_currency(Decimal(cents) / 100, "EUR", locale=locale)


@lru_cache(maxsize=50_000)
def _number(value, locale):
    return format_decimal(value, locale=locale)


@lru_cache(maxsize=5_000)
def _date(value, locale):
    return format_date(value, format="medium", locale=locale)


@bp.app_template_filter("money_cached")
def money_cached(cents):
    """Format integer cents as euros, like the `money` filter, from a cache."""
    return _money(cents, str(get_locale()))


@bp.app_template_filter("number_cached")
def number_cached(value):
    """Format a number in the current language, from a cache."""
    return _number(value, str(get_locale()))


@bp.app_template_filter("date_cached")
def date_cached(value):
    """Format a date (medium length) in the current language, from a cache."""
    return _date(value, str(get_locale()))
