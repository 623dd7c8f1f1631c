"""Form helpers every blueprint shares: select choices, and refusals shown on the fields they concern."""
from datetime import date

from flask_babel import format_date, format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice

from ..domain.errors import DomainError, each_error
from ..domain.geography import departements, regions
from ..domain.masks import CATEGORIES, Category
from .locale import category_name


def choices(pairs, placeholder=None):
    """Turn (value, label) pairs into select choices, with an empty first choice if asked."""
    head = [SelectChoice("", placeholder)] if placeholder is not None else []
    return head + [SelectChoice(value, label) for value, label in pairs]


def category_choices(placeholder=None):
    """Return every mask category as a choice, named in the reader's language."""
    return choices(((code.value, category_name(code)) for code in CATEGORIES), placeholder)


def region_choices():
    """Return every region as a choice, overseas ones flagged."""
    overseas = _l("overseas")
    pairs = [(r.code, f"{r.name} ({overseas})" if r.overseas else r.name) for r in regions().values()]
    return choices(pairs, _l("Choose a region"))


def departement_choices():
    """Return the départements grouped by region, for an <optgroup> select."""
    options = [SelectChoice("", _l("Choose a département"))]
    for region in regions().values():
        options += [
            SelectChoice(d.code, f"{d.code} – {d.name}", optgroup=region.name)
            for d in departements().values()
            if d.region_code == region.code
        ]
    return options


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


class ConfirmForm(FlaskForm):
    """A button's form: only its CSRF token."""
