"""Forms for signing up, logging in, passwords and invitations."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, EqualTo, InputRequired, Length, NumberRange, Optional

from ..domain.geography import departements, regions
from ..domain.masks import CATEGORIES
from ..domain.organisations import AuthorityType, OrganisationKind, SECTORS
from ..fields import WholeNumberField
from ..i18n import category_name

KIND_LABELS = {
    OrganisationKind.PRODUCER: _l("Producer"),
    OrganisationKind.IMPORTER: _l("Importer"),
    OrganisationKind.COMPANY: _l("Company (buyer)"),
    OrganisationKind.SECTOR_REFERENT: _l("Sector referent (pooled purchases for SMEs)"),
    OrganisationKind.LOCAL_AUTHORITY: _l("Local authority"),
    OrganisationKind.HEALTHCARE: _l("Healthcare structure"),
}

AUTHORITY_LABELS = {
    AuthorityType.COMMUNE: _l("Commune"),
    AuthorityType.DEPARTEMENT: _l("Département"),
    AuthorityType.REGION: _l("Région"),
    AuthorityType.GROUPING: _l("Grouping of local authorities"),
    AuthorityType.PUBLIC_ESTABLISHMENT: _l("Public establishment"),
}

PASSWORD_RULES = [DataRequired(), Length(min=10, max=128, message=_l("At least 10 characters."))]


def choices(pairs, placeholder=None):
    """Turn (value, label) pairs into select choices, with an empty first choice if asked."""
    head = [SelectChoice("", placeholder)] if placeholder is not None else []
    return head + [SelectChoice(value, label) for value, label in pairs]


def category_choices(placeholder=None):
    """Return every mask category as a choice, named in the reader's language."""
    return choices(((code.value, category_name(code)) for code in CATEGORIES), placeholder)


def region_choices():
    """Return every region as a choice, overseas ones flagged."""
    overseas = _l("overseas")
    pairs = [(r.code, f"{r.name} ({overseas})" if r.overseas else r.name) for r in regions().values()]
    return choices(pairs, _l("Choose a region"))


def departement_choices():
    """Return the départements grouped by region, for an <optgroup> select."""
    options = [SelectChoice("", _l("Choose a département"))]
    for region in regions().values():
        options += [
            SelectChoice(d.code, f"{d.code} – {d.name}", optgroup=region.name)
            for d in departements().values()
            if d.region_code == region.code
        ]
    return options


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
