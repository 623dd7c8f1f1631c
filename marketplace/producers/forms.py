"""Forms of the producers' area: certifications, offers, CSV import."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, DateField, FloatField, HiddenField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from ..domain.certifications import TestingBody
from ..domain.errors import DomainError
from ..domain.geography import regions
from ..domain.offers import MAX_QUANTITY, parse_price_cents
from ..services.offers import DeliveryScope
from ..web.fields import WholeNumberField
from ..web.forms import category_choices, choices, valid_data

TESTING_BODY_LABELS = {
    TestingBody.DGA: _l("DGA (defence procurement agency)"),
    TestingBody.NOTIFIED_BODY: _l("Notified body (Regulation (EU) 2016/425)"),
    TestingBody.LNE: _l("LNE (national metrology and testing laboratory)"),
    TestingBody.REFERENCED_LAB: _l("Laboratory on the ministry's list"),
}

DELIVERY_LABELS = {
    DeliveryScope.OWN: _l("My region only"),
    DeliveryScope.SEVERAL: _l("Several regions (choose below)"),
    DeliveryScope.ALL: _l("All of France"),
}


class MultiCheckboxField(SelectMultipleField):
    """A multiple choice shown as a list of checkboxes rather than a Ctrl-click list box."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def plain_region_choices(placeholder=None):
    """Return every region as a choice."""
    return choices(((r.code, r.name) for r in regions().values()), placeholder)


class CertificationForm(FlaskForm):
    category = SelectField(_l("Mask category"), validators=[DataRequired()])
    standard = StringField(
        _l("Standard"), validators=[Optional(), Length(max=80)],
        description=_l("Leave empty for the category's standard (EN 149, EN 14683, DGA protocol, AFNOR SPEC S76-001…)."),
    )
    reusable = BooleanField(_l("Reusable mask"))
    washes = WholeNumberField(_l("Number of washes (reusable masks)"), validators=[Optional(), NumberRange(min=0, max=1000)])
    exhalation_valve = BooleanField(_l("Has an exhalation valve"))
    testing_body = SelectField(_l("Testing body"), validators=[DataRequired()])
    testing_body_name = StringField(_l("Name of the laboratory"), validators=[DataRequired(), Length(max=200)])
    report_reference = StringField(_l("Test report reference"), validators=[DataRequired(), Length(max=120)])
    report_date = DateField(_l("Test report date"), validators=[DataRequired(message=_l("Enter a date."))])
    filtration_3um_pct = FloatField(
        _l("Filtration of 3 µm particles (%)"), validators=[Optional(), NumberRange(min=0, max=100)]
    )
    air_permeability = FloatField(
        _l("Air permeability (L·m⁻²·s⁻¹ at 100 Pa)"), validators=[Optional(), NumberRange(min=0, max=100_000)]
    )
    breathability_hours = WholeNumberField(
        _l("Breathability: hours of wear"), validators=[Optional(), NumberRange(min=0, max=48)]
    )
    # Checked by the service: a report kept from an earlier submission (report_token) may stand in for it.
    report = FileField(_l("Test report (PDF)"))
    report_token = HiddenField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.category.choices = category_choices(_l("Choose a category"))
        self.testing_body.choices = choices(TESTING_BODY_LABELS.items(), _l("Choose a testing body"))

    def checkable_data(self):
        """Return the declaration without the fields typed wrong, for the rules that can still be checked."""
        return valid_data(self, self.data)


class OfferForm(FlaskForm):
    category = SelectField(_l("Mask category"), validators=[DataRequired()])
    quantity = WholeNumberField(
        _l("Quantity available (units)"),
        validators=[InputRequired(message=_l("Enter a whole number.")), NumberRange(min=1, max=MAX_QUANTITY)],
    )
    unit_price = StringField(
        _l("Unit price excluding tax (€)"), validators=[DataRequired()], description=_l("For example 0.95")
    )
    delivery_scope = SelectField(_l("Delivery"), validators=[DataRequired()])
    regions = MultiCheckboxField(
        _l("Regions delivered to"), validators=[Optional()],
        description=_l("Tick the regions only if you chose “Several regions”; leave them blank otherwise."),
    )
    available_from = DateField(_l("Available from"), validators=[DataRequired(message=_l("Enter a date."))])
    expires_on = DateField(_l("Expires on (optional)"), validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.category.choices = category_choices(_l("Choose a category"))
        self.delivery_scope.choices = choices(DELIVERY_LABELS.items())
        self.regions.choices = plain_region_choices()

    def validate_regions(self, field):
        # Ticked regions with "all of France" or "my region only" are ambiguous: ask, don't guess.
        if field.data and self.delivery_scope.data != DeliveryScope.SEVERAL:
            raise ValidationError(_l(
                "You ticked regions but chose “%(scope)s”: untick them, or choose “Several regions”.",
                scope=DELIVERY_LABELS.get(self.delivery_scope.data, ""),
            ))

    def validate_unit_price(self, field):
        try:
            parse_price_cents(field.data)
        except DomainError as error:
            raise ValidationError(_l(error.message))

    def offer_data(self):
        """Return what the offer services expect."""
        # A price in error has no cents.
        cents = None if self.unit_price.errors else parse_price_cents(self.unit_price.data)
        return {**self.data, "unit_price_cents": cents}

    def checkable_data(self):
        """Return the offer without the fields typed wrong, for the rules that can still be checked."""
        return valid_data(self, self.offer_data())


class ImportForm(FlaskForm):
    file = FileField(_l("CSV file"), validators=[FileRequired(message=_l("Choose a file."))])


class ActionForm(FlaskForm):
    """An empty form: a button that changes something, protected by its CSRF token."""
