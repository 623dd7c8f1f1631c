"""Filters and globals the templates share."""
from decimal import Decimal
from functools import lru_cache

from babel.dates import format_date as babel_format_date
from babel.numbers import format_currency as babel_format_currency
from babel.numbers import format_decimal as babel_format_decimal
from flask_babel import format_datetime, get_locale, gettext

from ..domain.geography import departements, region_name, regions
from ..domain.priority import priority_label
from .formatting import euros, percent_rate, unit_euros
from .labels import KIND_LABELS, action_label, object_label
from .locale import category_name
from .navigation import area_url, page_to_return_to
from .proposal_pages import order_link, status_label


# A catalogue page shows hundreds of amounts and figures: formatting is cached per language.
@lru_cache(maxsize=50_000)
def _money(cents, locale):
    return babel_format_currency(Decimal(cents) / 100, "EUR", locale=locale)


@lru_cache(maxsize=50_000)
def _number(value, locale):
    return babel_format_decimal(value, locale=locale)


@lru_cache(maxsize=5_000)
def _date(value, locale):
    if value.day == 1 and locale.startswith("fr"):
        return babel_format_date(value, format="d'er' MMMM y", locale=locale)  # French writes "1er juin"
    return babel_format_date(value, format="long", locale=locale)


def money(cents):
    """Format an amount held in integer cents as euros in the current language."""
    return _money(cents, str(get_locale()))


def number(value):
    """Format a number in the current language."""
    return _number(value, str(get_locale()))


def readable_date(value):
    """Format a date as every page writes dates ("23 novembre 2026") in the current language."""
    return _date(value, str(get_locale())) if value else ""


def register(app):
    """Register every template filter and global, in one place."""
    app.jinja_env.filters.update({
        "audit_action": action_label,
        "audit_object": object_label,
        "priority_label": lambda rank: gettext(priority_label(rank)),
        "organisation_kind": lambda kind: KIND_LABELS.get(kind, kind),
        "region_name": region_name,
        "category_label": category_name,
        "money": money,
        "euros": euros,
        "unit_euros": unit_euros,
        "percent_rate": percent_rate,
        "number": number,
        "local_date": readable_date,
        # format_datetime converts UTC to BABEL_DEFAULT_TIMEZONE (Europe/Paris).
        "local_datetime": lambda value: format_datetime(value, "medium") if value else "",
    })
    app.jinja_env.globals.update({
        "proposal_status_label": status_label,
        "order_link": order_link,
        "area_url": area_url,
    })

    @app.context_processor
    def inject_globals():
        return {
            "current_locale": str(get_locale()),
            "languages": app.config["LANGUAGES"],
            "all_regions": regions(),
            "all_departements": departements(),
            "page_to_return_to": page_to_return_to,
        }
