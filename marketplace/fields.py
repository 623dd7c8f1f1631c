"""Form fields the blueprints' forms share."""
from flask_babel import lazy_gettext as _l
from wtforms import IntegerField
from wtforms.validators import StopValidation

from .web import MAX_INT


class WholeNumberField(IntegerField):
    """An integer field that refuses, with its own message, a number too large for any column.

    wtforms' NumberRange calls math.isnan, which raises OverflowError on an int past a float's range.
    """

    too_large = False

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        self.too_large = self.data is not None and abs(self.data) > MAX_INT
        if self.too_large:
            self.data = None

    def pre_validate(self, form):
        # Stop here: DataRequired would replace the message with "enter a whole number".
        if self.too_large:
            raise StopValidation(str(_l("This number is too large.")))
