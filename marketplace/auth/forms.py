"""Forms for signing up, logging in, passwords and invitations."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, EqualTo, InputRequired, Length, NumberRange, Optional

from ..domain.organisations import AuthorityType, SECTORS
from ..web.fields import WholeNumberField
from ..web.forms import choices, departement_choices, region_choices
from ..web.labels import KIND_LABELS

AUTHORITY_LABELS = {
    AuthorityType.COMMUNE: _l("Commune"),
    AuthorityType.DEPARTEMENT: _l("Département"),
    AuthorityType.REGION: _l("Région"),
    AuthorityType.GROUPING: _l("Grouping of local authorities"),
    AuthorityType.PUBLIC_ESTABLISHMENT: _l("Public establishment"),
}

PASSWORD_RULES = [DataRequired(), Length(min=10, max=128, message=_l("At least 10 characters."))]


class PasswordFields:
    password = PasswordField(_l("Password"), validators=PASSWORD_RULES)
    confirm = PasswordField(
        _l("Confirm the password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The two passwords differ."))],
    )


class SignupForm(PasswordFields, FlaskForm):
    name = StringField(_l("Organisation name"), validators=[DataRequired(), Length(max=200)])
    siret = StringField(_l("SIRET"), validators=[DataRequired()], description=_l("14 digits, spaces allowed."))
    kind = SelectField(_l("Kind of organisation"), choices=choices(KIND_LABELS.items()), validators=[DataRequired()])
    sector = SelectField(
        _l("Sector (sector referents only)"),
        choices=choices(((s, s) for s in SECTORS), "—"),
        validators=[Optional()],
    )
    authority_type = SelectField(
        _l("Kind of local authority (local authorities only)"),
        choices=choices(AUTHORITY_LABELS.items(), "—"),
        validators=[Optional()],
    )
    region_code = SelectField(_l("Region"), validators=[DataRequired()])
    departement_code = SelectField(_l("Département"), validators=[DataRequired()])
    headcount = WholeNumberField(
        _l("Headcount"),
        validators=[InputRequired(message=_l("Enter a whole number.")), NumberRange(min=1, max=2_000_000)],
    )
    full_name = StringField(_l("Your full name"), validators=[DataRequired(), Length(max=120)])
    email = EmailField(_l("Your work email"), validators=[DataRequired(), Email(), Length(max=254)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.region_code.choices = region_choices()
        self.departement_code.choices = departement_choices()


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Email()])
    password = PasswordField(_l("Password"), validators=[DataRequired()])
    remember = BooleanField(_l("Remember me"))


class EmailForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Email()])


class ResetPasswordForm(PasswordFields, FlaskForm):
    pass


class AcceptInvitationForm(PasswordFields, FlaskForm):
    full_name = StringField(_l("Your full name"), validators=[DataRequired(), Length(max=120)])


class MailPreferencesForm(FlaskForm):
    """For each topic of non-essential mail: right away, in a daily digest, or never."""

    @classmethod
    def for_topics(cls, topics, delivery_labels, topic_labels):
        """Build the form class with one choice per topic."""
        fields = {
            str(topic): SelectField(
                _l(topic_labels[topic]), choices=[SelectChoice(str(d), _l(label)) for d, label in delivery_labels.items()]
            )
            for topic in topics
        }
        return type("MailPreferencesForm", (cls,), fields)
