"""Filters and globals the templates share."""
from decimal import Decimal

from flask_babel import format_currency, format_date, format_datetime, format_decimal, get_locale

from .domain.geography import departements, region_name, regions
from .domain.masks import category_label


def money(cents):
    """Format an amount held in integer cents as euros in the current language."""
    return format_currency(Decimal(cents) / 100, "EUR")


def register(app):
    app.jinja_env.filters["region_name"] = region_name
    app.jinja_env.filters["money"] = money
    app.jinja_env.filters["category_label"] = category_label
    app.jinja_env.filters["number"] = format_decimal
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
