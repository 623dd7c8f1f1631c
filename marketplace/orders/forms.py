"""Forms for an order's payment and for the refund statement's additions."""
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, DecimalField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import TextInput

from ..auth.forms import choices
from ..fields import WholeNumberField, to_cents, whole_cents
from ..models.refund import ExternalOrderKind

WHOLE_NUMBER = _l("Enter a whole number.")
KIND_LABELS = {
    ExternalOrderKind.SINGLE_USE: _l("Single-use masks"),
    ExternalOrderKind.REUSABLE: _l("Reusable masks"),
}


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


def money(label, minimum="0.01"):
    return MoneyField(label, validators=[
        InputRequired(message=NOT_AN_AMOUNT), amount_between(Decimal(minimum), Decimal("1000000000")),
        whole_cents(_l("Give the amount in euros and cents, e.g. 1 234,56.")),
    ], render_kw={"inputmode": "decimal"})


def quantity(label):
    return WholeNumberField(label, validators=[InputRequired(message=WHOLE_NUMBER), NumberRange(min=1, max=1_000_000_000)])


class ConfirmForm(FlaskForm):
    """A button's form: only its CSRF token."""


class PaymentForm(FlaskForm):
    reference = StringField(_l("Payment reference (mandat)"), validators=[DataRequired(), Length(max=64)])
    paid_on = DateField(_l("Payment date"), validators=[DataRequired(message=_l("Enter a date."))])


def number_field():
    return StringField(_l("Order number"), validators=[DataRequired(), Length(max=64)])


def order_date_field(label=_l("Order date")):
    return DateField(label, validators=[DataRequired(message=_l("Enter a date."))])


def payment_fields():
    return (StringField(_l("Payment reference (mandat)"), validators=[Optional(), Length(max=64)]),
            DateField(_l("Payment date"), validators=[Optional()]))


class OrderFields:
    def common_data(self):
        return {
            "number": self.number.data.strip(), "order_date": self.order_date.data,
            "quantity": self.quantity.data, "supplier": self.supplier.data.strip(),
            "payment_reference": (self.payment_reference.data or "").strip() or None,
            "payment_date": self.payment_date.data,
        }


class ExternalOrderForm(OrderFields, FlaskForm):
    kind = SelectField(_l("Masks"), choices=choices(KIND_LABELS.items()), validators=[DataRequired()])
    supplier = StringField(_l("Supplier"), validators=[DataRequired(), Length(max=200)])
    number = number_field()
    order_date = order_date_field()
    quantity = quantity(_l("Quantity (masks)"))
    total_ttc = money(_l("Total incl. tax (€)"))
    payment_reference, payment_date = payment_fields()

    def order_data(self):
        return self.common_data() | {"kind": self.kind.data, "total_ttc_cents": to_cents(self.total_ttc.data)}


class LocalProductionForm(OrderFields, FlaskForm):
    supplier = StringField(_l("Made by (workshop, association…)"), validators=[DataRequired(), Length(max=200)])
    number = number_field()
    order_date = order_date_field(_l("Date the materials and sewing were ordered"))
    quantity = quantity(_l("Masks made"))
    materials_total = money(_l("Materials bought, total incl. tax (€)"), minimum="0")
    sewing_total = money(_l("Sewing services, total incl. tax (€)"), minimum="0")
    payment_reference, payment_date = payment_fields()

    def order_data(self):
        return self.common_data() | {
            "kind": ExternalOrderKind.MADE_LOCALLY, "materials_cents": to_cents(self.materials_total.data),
            "sewing_cents": to_cents(self.sewing_total.data),
        }


class LineFields:
    line = SelectField(_l("Order"), validators=[DataRequired()])

    def set_lines(self, pairs):
        self.line.choices = choices(pairs, _l("Choose an order"))


class FundingForm(LineFields, FlaskForm):
    funder = StringField(_l("Funder"), validators=[DataRequired(), Length(max=200)],
                         description=_l("E.g. European Union (REACT-EU), a donor."))
    masks_funded = WholeNumberField(_l("Masks funded"), validators=[InputRequired(message=WHOLE_NUMBER), NumberRange(min=0, max=1_000_000_000)])
    amount = money(_l("Amount received (€)"))
    receipt_reference = StringField(_l("Receipt reference"), validators=[DataRequired(), Length(max=64)])

    def funding_data(self):
        return {
            "line": self.line.data, "funder": self.funder.data.strip(), "masks_funded": self.masks_funded.data,
            "amount_cents": to_cents(self.amount.data), "receipt_reference": self.receipt_reference.data.strip(),
        }


class ShareForm(LineFields, FlaskForm):
    beneficiary = StringField(_l("Body the masks were bought for"), validators=[DataRequired(), Length(max=200)])
    paid = money(_l("What it paid (€)"))

    def share_data(self):
        return {"line": self.line.data, "beneficiary": self.beneficiary.data.strip(), "paid_cents": to_cents(self.paid.data)}
