"""Form fields and validators the blueprints' forms share."""
from decimal import Decimal

from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l
from wtforms import DecimalField, IntegerField
from wtforms.validators import StopValidation, ValidationError

from .web import MAX_INT


class WholeNumberField(IntegerField):
    """An integer field that refuses, with its own message, a number too large for any column.

    wtforms' NumberRange calls math.isnan, which raises OverflowError on an int past a float's range.
    """

    too_large = False

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(str(_l("Enter a whole number.")))
        self.too_large = self.data is not None and abs(self.data) > MAX_INT
        if self.too_large:
            self.data = None

    def pre_validate(self, form):
        # Stop here: DataRequired would replace the message with "enter a whole number".
        if self.too_large:
            raise StopValidation(str(_l("This number is too large.")))
        # Typed but not a whole number: say only that, not "must be at least 1" too.
        if self.process_errors and self.raw_data and self.raw_data[0].strip():
            raise StopValidation()


class PriceField(DecimalField):
    """A euro amount typed as '0,95' or '0.95', shown with the page language's decimal separator."""

    def process_formdata(self, valuelist):
        if valuelist:
            text = valuelist[0].strip().replace("\u202f", "").replace("\xa0", "").replace(" ", "").replace("€", "")
            valuelist = [text.replace(",", ".")]
        super().process_formdata(valuelist)

    def _value(self):
        if self.raw_data is None and self.data is not None:
            return format_decimal(self.data, "0.00")
        return super()._value()


CENT = Decimal("0.01")


def whole_cents(message):
    """Refuse, with message, a euro amount that has fractions of a cent."""

    def validate(form, field):
        if field.errors:  # out of range, NaN or infinite: quantize would raise
            return
        if field.data is not None and field.data != field.data.quantize(CENT):
            raise ValidationError(message)

    return validate


def to_cents(amount):
    """Return a checked euro amount (a Decimal in whole cents) as integer cents."""
    return int(amount * 100)
