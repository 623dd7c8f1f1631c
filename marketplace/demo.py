"""A realistic demo data set, so a newcomer sees a working marketplace."""
import unicodedata

from stdnum import luhn

from .domain.geography import regions
from .domain.organisations import AuthorityType, OrganisationKind
from .domain.roles import member_role_for
from .extensions import db
from .models import Organisation, User
from .models.base import utcnow
from .services.accounts import create_admin

# (name, kind, region, département, headcount, extra fields)
DEMO_ORGANISATIONS = [
    ("Filtres de Bretagne", OrganisationKind.PRODUCER, "53", "22", 140, {}),
    ("Tissage des Vosges", OrganisationKind.PRODUCER, "44", "88", 85, {}),
    ("Protection Rhône Textile", OrganisationKind.PRODUCER, "84", "69", 230, {}),
    ("Occitanie Médical Import", OrganisationKind.IMPORTER, "76", "31", 40, {}),
    ("Masques Antilles Confection", OrganisationKind.PRODUCER, "01", "971", 25, {}),
    ("Aéro Composants Toulouse", OrganisationKind.COMPANY, "76", "31", 1800, {}),
    ("Fédération Bois Grand Est", OrganisationKind.SECTOR_REFERENT, "44", "67", 12, {"sector": "Bois"}),
    ("Ville de Rennes", OrganisationKind.LOCAL_AUTHORITY, "53", "35", 3500, {"authority_type": AuthorityType.COMMUNE}),
    ("Département de la Gironde", OrganisationKind.LOCAL_AUTHORITY, "75", "33", 6800,
     {"authority_type": AuthorityType.DEPARTEMENT}),
    ("Centre hospitalier de Lyon Sud", OrganisationKind.HEALTHCARE, "84", "69", 4200, {}),
]


def make_siret(number):
    """Return a valid SIRET built from a small number (demo and test data only)."""
    siren_body = f"{80000000 + number:08d}"
    siren = siren_body + luhn.calc_check_digit(siren_body)
    body = f"{siren}{number % 10000:04d}"
    return body + luhn.calc_check_digit(body)


def _demo_email(name):
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = "".join(ch for ch in ascii_name.lower() if ch.isalnum())[:24]
    return f"{slug}@demo.masques.example.fr"


def _add_organisation(index, spec, password):
    name, kind, region_code, departement_code, headcount, extra = spec
    organisation = Organisation(
        name=name, siret=make_siret(index + 1), kind=kind, region_code=region_code,
        departement_code=departement_code, headcount=headcount, **extra,
    )
    owner = User(
        email=_demo_email(name), full_name=f"Responsable {name}", role=member_role_for(kind),
        organisation=organisation, is_owner=True, email_confirmed_at=utcnow(),
    )
    owner.set_password(password)
    db.session.add_all([organisation, owner])
    return owner


def seed(password):
    """Create the demo organisations and administrators; return (role, email) pairs."""
    owners = [_add_organisation(i, spec, password) for i, spec in enumerate(DEMO_ORGANISATIONS)]
    db.session.commit()
    logins = [(f"{o.role} ({o.organisation.kind})", o.email) for o in owners]
    national = create_admin("admin@demo.masques.example.fr", "Administration nationale", password)
    logins.append((national.role, national.email))
    for code, region in regions().items():
        admin = create_admin(f"admin-{code}@demo.masques.example.fr", f"Administration {region.name}", password, code)
        logins.append((f"{admin.role} ({region.name})", admin.email))
    return logins
