"""Forms for the refund statement's additions: outside orders, masks made locally, funding, shares."""
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ..domain.refund import ExternalOrderKind
from ..web.fields import MoneyField, NOT_AN_AMOUNT, WholeNumberField, amount_between, to_cents, whole_cents
from ..web.forms import choices

WHOLE_NUMBER = _l("Enter a whole number.")
KIND_LABELS = {
    ExternalOrderKind.SINGLE_USE: _l("Single-use masks"),
    ExternalOrderKind.REUSABLE: _l("Reusable masks"),
}


def money(label, minimum="0.01"):
    return MoneyField(label, validators=[
        InputRequired(message=NOT_AN_AMOUNT), amount_between(Decimal(minimum), Decimal("1000000000")),
        whole_cents(_l("Give the amount in euros and cents, e.g. 1 234,56.")),
    ], render_kw={"inputmode": "decimal"})


def quantity(label):
    return WholeNumberField(label, validators=[InputRequired(message=WHOLE_NUMBER), NumberRange(min=1, max=1_000_000_000)])


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
