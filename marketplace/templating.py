"""Filters and globals the templates share."""
from decimal import Decimal
from functools import lru_cache

from babel.dates import format_date as babel_format_date
from babel.numbers import format_currency as babel_format_currency
from babel.numbers import format_decimal as babel_format_decimal
from flask_babel import format_date, format_datetime, get_locale

from .domain.geography import departements, region_name, regions
from .i18n import category_name


# A catalogue page shows hundreds of amounts and figures: formatting is cached per language.
@lru_cache(maxsize=50_000)
def _money(cents, locale):
    return babel_format_currency(Decimal(cents) / 100, "EUR", locale=locale)


@lru_cache(maxsize=50_000)
def _number(value, locale):
    return babel_format_decimal(value, locale=locale)


@lru_cache(maxsize=5_000)
def _short_date(value, locale):
    return babel_format_date(value, format="medium", locale=locale)


def money(cents):
    """Format an amount held in integer cents as euros in the current language."""
    return _money(cents, str(get_locale()))


def number(value):
    """Format a number in the current language."""
    return _number(value, str(get_locale()))


def short_date(value):
    """Format a date in its medium length ("23 nov. 2026") in the current language."""
    return _short_date(value, str(get_locale())) if value else ""


def register(app):
    app.jinja_env.filters["region_name"] = region_name
    app.jinja_env.filters["money"] = money
    app.jinja_env.filters["category_label"] = category_name
    app.jinja_env.filters["number"] = number
    app.jinja_env.filters["short_date"] = short_date
    app.jinja_env.filters["local_date"] = lambda value: format_date(value, "long") if value else ""
    # format_datetime converts UTC to BABEL_DEFAULT_TIMEZONE (Europe/Paris).
    app.jinja_env.filters["local_datetime"] = lambda value: format_datetime(value, "medium") if value else ""

    @app.context_processor
    def inject_globals():
        return {
            "current_locale": str(get_locale()),
            "languages": app.config["LANGUAGES"],
            "all_regions": regions(),
            "all_departements": departements(),
        }
