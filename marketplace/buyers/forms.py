"""Forms for demands and pooled purchases."""
from decimal import Decimal

from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, EmailField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ..domain.geography import region_name
from ..domain.masks import CATEGORIES
from ..domain.offers import MAX_PRICE_CENTS
from ..domain.substitutes import SUBSTITUTES
from ..web.fields import PriceField, WholeNumberField, to_cents, whole_cents
from ..web.forms import category_choices, choices, departement_choices, region_choices, valid_data
from ..web.locale import category_name

WHOLE_NUMBER = _l("Enter a whole number.")


def substitute_choices():
    """Return every category that can stand in for another, as checkboxes."""
    offered = {c for subs in SUBSTITUTES.values() for c in subs}
    return choices((c.value, category_name(c)) for c in CATEGORIES if c in offered)


# The same bounds as an offer's price: a ceiling above what any offer may cost means nothing.
PRICE_RANGE = NumberRange(min=Decimal("0.01"), max=Decimal(MAX_PRICE_CENTS) / 100,
                          message=_l("The price must be above zero and at most 1 000 €."))


class PlaceAndPriceFields:
    category = SelectField(_l("Mask category"), validators=[DataRequired()])
    region_code = SelectField(_l("Delivery region"), validators=[DataRequired()])
    departement_code = SelectField(_l("Delivery département"), validators=[DataRequired()])
    max_unit_price = PriceField(
        _l("Price ceiling per unit, excl. tax (€)"),
        places=2,
        validators=[InputRequired(message=_l("Enter a price in euros, such as 0.95.")), PRICE_RANGE,
                    whole_cents(_l("A price has at most two decimals."))],
        description=_l("For example 0.95"),
    )
    needed_by = DateField(_l("Date needed"), validators=[DataRequired(message=_l("Enter a date."))])

    def _fill_choices(self):
        self.category.choices = category_choices(_l("Choose a category"))
        self.region_code.choices = region_choices()
        self.departement_code.choices = departement_choices()

    def place_and_price(self):
        """Return the fields the services expect, the price in cents."""
        return {
            "category": self.category.data,
            "region_code": self.region_code.data,
            "departement_code": self.departement_code.data,
            # A price in error may be NaN or infinite: no cents for it.
            "max_unit_price_cents": None if self.max_unit_price.errors or self.max_unit_price.data is None
            else to_cents(self.max_unit_price.data),
            "needed_by": self.needed_by.data,
        }


class DemandForm(PlaceAndPriceFields, FlaskForm):
    accepted_substitutes = SelectMultipleField(
        _l("Substitutes you accept"),
        option_widget=CheckboxInput(),
        widget=ListWidget(prefix_label=False),
        validators=[Optional()],
        description=_l("Only masks that protect at least as well as the one you ask for, e.g. FFP3 for FFP2, UNS1 for UNS2."),
    )
    quantity = WholeNumberField(
        _l("Quantity (units)"),
        validators=[InputRequired(message=WHOLE_NUMBER), NumberRange(min=1, max=1_000_000_000)],
        render_kw={"list": "lots", "inputmode": "numeric"},
    )
    public_facing = BooleanField(_l("These masks are for staff in contact with the public"))
    contact_name = StringField(_l("Contact name"), validators=[DataRequired(), Length(max=120)])
    contact_email = EmailField(_l("Contact email"), validators=[DataRequired(), Email(), Length(max=254)])
    contact_phone = StringField(_l("Contact phone"), validators=[Optional(), Length(max=30)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._fill_choices()
        self.accepted_substitutes.choices = substitute_choices()

    def demand_data(self):
        """Return the demand as the services expect it."""
        return self.place_and_price() | {
            "accepted_substitutes": self.accepted_substitutes.data or [],
            "quantity": self.quantity.data,
            "public_facing": self.public_facing.data,
            "contact_name": (self.contact_name.data or "").strip(),
            "contact_email": (self.contact_email.data or "").strip().lower(),
            "contact_phone": (self.contact_phone.data or "").strip() or None,
        }

    def checkable_data(self):
        """Return the demand without the fields typed wrong, for the rules that can still be checked."""
        return valid_data(self, self.demand_data())


class PoolForm(PlaceAndPriceFields, FlaskForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._fill_choices()


class JoinPoolForm(FlaskForm):
    quantity = WholeNumberField(
        _l("Your quantity (units)"),
        validators=[InputRequired(message=WHOLE_NUMBER), NumberRange(min=1, max=1_000_000_000)],
    )
    in_sector = BooleanField(_l("My company is an SME of this sector"))


class RequestOfferForm(FlaskForm):
    """Ask a producer for units of one offer, for one of the buyer's live demands."""

    demand_id = SelectField(_l("For my demand"), coerce=int, validators=[DataRequired()])
    quantity = WholeNumberField(_l("Quantity (units)"), validators=[InputRequired(message=WHOLE_NUMBER), NumberRange(min=1)])

    def __init__(self, live_demands, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.demand_id.choices = [
            (d.id, f"#{d.id} · {category_name(d.category)} · {format_decimal(d.unreserved_quantity)} · {region_name(d.region_code)}")
            for d in live_demands
        ]
