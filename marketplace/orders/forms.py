"""The form of an order's payment record."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, StringField
from wtforms.validators import DataRequired, Length


class PaymentForm(FlaskForm):
    reference = StringField(_l("Payment reference (mandat)"), validators=[DataRequired(), Length(max=64)])
    paid_on = DateField(_l("Payment date"), validators=[DataRequired(message=_l("Enter a date."))])
