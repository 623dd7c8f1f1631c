"""Forms of the administrators' pages."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length


class ActionForm(FlaskForm):
    """An empty form: a button that decides something, protected by its CSRF token."""


class RejectForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason for the rejection"),
        validators=[DataRequired(message=_l("Give the reason for the rejection.")), Length(max=1000)],
    )
