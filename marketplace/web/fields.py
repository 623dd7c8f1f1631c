"""Form fields and validators the blueprints' forms share."""
from decimal import Decimal, InvalidOperation

from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l
from wtforms import DecimalField, IntegerField
from wtforms.validators import NumberRange, StopValidation, ValidationError
from wtforms.widgets import TextInput

# A PostgreSQL integer: no id, page or quantity of the marketplace is larger.
MAX_INT = 2**31 - 1


def bounded_int(raw):
    """Parse a whole number from a query string or form; refuse (ValueError) what no column could hold."""
    value = int(raw)
    if abs(value) > MAX_INT:
        raise ValueError(raw)
    return value


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
    """A euro amount typed as '0,95' or '0.95', shown with the page language's decimal separator.

    A text field, not a number field: a browser whose locale reads "0,95" differently would send "095".
    """

    widget = TextInput()

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("render_kw", {"inputmode": "decimal"})
        super().__init__(*args, **kwargs)

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


NOT_AN_AMOUNT = _l("Enter an amount in euros, e.g. 1 234,56.")


class MoneyField(DecimalField):
    """An amount in euros typed the French way or not: "1 234,56", "1234.56"."""

    widget = TextInput()

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        raw = "".join(valuelist[0].split()).replace("\u202f", "").replace(",", ".").removesuffix("€")
        try:
            self.data = Decimal(raw)
        except InvalidOperation:
            self.data = None
            raise ValueError(str(NOT_AN_AMOUNT)) from None
        if not self.data.is_finite():
            self.data = None
            raise ValueError(str(NOT_AN_AMOUNT))

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return f"{self.data:.2f}".replace(".", ",") if self.data is not None else ""


def amount_between(minimum, maximum):
    """Check the range of an amount that could be read; an unreadable one already has its message."""
    check = NumberRange(min=minimum, max=maximum)

    def validate(form, field):
        if field.data is not None:
            check(form, field)

    return validate
