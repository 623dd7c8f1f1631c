"""Small pieces every blueprint's views share."""
from datetime import date
from urllib.parse import urlsplit

from flask import request, url_for
from flask_babel import format_date, format_decimal, get_locale
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from .domain.errors import DomainError, each_error
from .domain.masks import Category
from .i18n import category_name


def _shown(value):
    if isinstance(value, Category):
        return category_name(value)
    if isinstance(value, date):
        return format_date(value, "long")
    if isinstance(value, int) and not isinstance(value, bool):
        return format_decimal(value)
    return value


def domain_message(error):
    """Translate a refused action's message, with its categories, dates and figures written for the reader."""
    return _(error.message, **{key: _shown(value) for key, value in error.params.items()})


def apply_domain_error(form, error):
    """Show each message of a refused action on the field it concerns, or on the whole form."""
    for one in each_error(error):
        message = domain_message(one)
        field = getattr(form, one.field, None) if one.field else None
        if field is not None:
            field.errors = [*field.errors, message]
        else:
            form.form_errors.append(message)


def valid_data(form, data):
    """Return data without the entries of the form's fields in error (and their *_cents twins)."""
    wrong = {name for name, field in form._fields.items() if field.errors}
    return {key: value for key, value in data.items() if key not in wrong and key.removesuffix("_cents") not in wrong}


def validate_all(form, check):
    """Validate a submitted form; when a field is wrong, still show what check(form) refuses among the rest.

    check receives the form once its fields are validated and raises a DomainError; the user then sees
    every error of the submission at once. Return whether the fields alone are valid.
    """
    if not form.is_submitted():
        return False
    if form.validate():
        return True
    try:
        check(form)
    except DomainError as error:
        apply_domain_error(form, error)
    return False


# A PostgreSQL integer: no id, page or quantity of the marketplace is larger.
MAX_INT = 2**31 - 1


def bounded_int(raw):
    """Parse a whole number from a query string or form; refuse (ValueError) what no column could hold."""
    value = int(raw)
    if abs(value) > MAX_INT:
        raise ValueError(raw)
    return value


def is_safe_redirect(target):
    """Accept only local paths as a post-login destination."""
    if not target:
        return False
    parts = urlsplit(target)
    # Browsers read "/\evil.example" as "//evil.example": refuse backslashes too.
    return not parts.scheme and not parts.netloc and target.startswith("/") and "\\" not in target


def _shows_on_get(path):
    try:
        request.url_rule.map.bind("", path_info=path).match(method="GET")
    except HTTPException:
        return False
    return True


def page_to_return_to():
    """Return the local page a visitor is on, one a GET can reopen (a form re-shown after a POST isn't)."""
    if request.method == "GET" or request.url_rule is None:
        return request.full_path if request.query_string else request.path
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc == request.host and _shows_on_get(referrer.path):
        return referrer.path + (f"?{referrer.query}" if referrer.query else "")
    # No usable referrer: the object the form acts on (/orders/3/payment -> /orders/3).
    path = request.path.rstrip("/")
    while "/" in path.lstrip("/"):
        path = path.rsplit("/", 1)[0]
        if _shows_on_get(path):
            return path
    return url_for("public.home")


def locale_of_request():
    """Return the language the visitor is using."""
    return str(get_locale())
