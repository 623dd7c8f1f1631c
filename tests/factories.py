"""factory_boy factories for the models."""
from datetime import date, timedelta

import factory
from factory.alchemy import SQLAlchemyModelFactory
from werkzeug.security import generate_password_hash

from marketplace.demo import make_siret
from marketplace.domain.organisations import OrganisationKind
from marketplace.domain.roles import Role
from marketplace.extensions import db
from marketplace.models import Demand, Organisation, Pool, PoolMembership, User
from marketplace.models.base import utcnow
from tests.conftest import PASSWORD


class BaseFactory(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "commit"


class OrganisationFactory(BaseFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    siret = factory.Sequence(lambda n: make_siret(1000 + n))
    kind = OrganisationKind.COMPANY
    region_code = "53"
    departement_code = "35"
    headcount = 50


class UserFactory(BaseFactory):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"user{n}@example.fr")
    full_name = factory.Sequence(lambda n: f"User {n}")
    password_hash = factory.LazyFunction(lambda: _hash(PASSWORD))
    role = Role.BUYER_MEMBER
    organisation = factory.SubFactory(OrganisationFactory)
    is_owner = True
    locale = "fr"
    email_confirmed_at = factory.LazyFunction(utcnow)


class ProducerFactory(UserFactory):
    role = Role.PRODUCER_MEMBER
    organisation = factory.SubFactory(OrganisationFactory, kind=OrganisationKind.PRODUCER)


class AdminFactory(UserFactory):
    role = Role.REGIONAL_ADMIN
    organisation = None
    is_owner = False
    admin_region_code = "53"


class NationalAdminFactory(AdminFactory):
    role = Role.NATIONAL_ADMIN
    admin_region_code = None


_hashes = {}


def _hash(password):
    # Hashing is deliberately slow; one hash per password is enough for the whole suite.
    if password not in _hashes:
        _hashes[password] = generate_password_hash(password)
    return _hashes[password]


# --- buyers: demands and pooled purchases --------------------------------------------------

class SectorReferentFactory(UserFactory):
    organisation = factory.SubFactory(
        OrganisationFactory, kind=OrganisationKind.SECTOR_REFERENT, sector="Bois", headcount=12
    )


class DemandFactory(BaseFactory):
    class Meta:
        model = Demand

    organisation = factory.SubFactory(OrganisationFactory)
    created_by = factory.SubFactory(UserFactory, organisation=factory.SelfAttribute("..organisation"))
    category = "FFP2"
    accepted_substitutes = factory.LazyFunction(list)
    quantity = 50_000
    matched_quantity = 0
    matched_total_cents = 0
    region_code = "53"
    departement_code = "35"
    max_unit_price_cents = 90
    needed_by = factory.LazyFunction(lambda: date.today() + timedelta(days=30))
    public_facing = False
    priority_rank = 3
    contact_name = "Claire Martin"
    contact_email = "claire@example.fr"
    status = "open"


class PoolFactory(BaseFactory):
    class Meta:
        model = Pool

    kind = "sector"
    organisation = factory.SubFactory(
        OrganisationFactory, kind=OrganisationKind.SECTOR_REFERENT, sector="Bois", headcount=12
    )
    created_by_id = factory.LazyAttribute(lambda o: UserFactory(organisation=o.organisation).id)
    sector = factory.LazyAttribute(lambda o: o.organisation.sector)
    join_code = factory.Sequence(lambda n: f"join-code-{n:04d}")
    category = "UNS1"
    region_code = "53"
    departement_code = "35"
    max_unit_price_cents = 60
    needed_by = factory.LazyFunction(lambda: date.today() + timedelta(days=30))
    status = "open"


class PoolMembershipFactory(BaseFactory):
    class Meta:
        model = PoolMembership

    pool = factory.SubFactory(PoolFactory)
    organisation = factory.SubFactory(OrganisationFactory, headcount=40)
    user = factory.SubFactory(UserFactory, organisation=factory.SelfAttribute("..organisation"))
    quantity = 1_000


# --- producers: certifications and offers --------------------------------------------------

from marketplace.domain.certifications import CertificationStatus, TestingBody  # noqa: E402
from marketplace.domain.offers import OfferStatus  # noqa: E402
from marketplace.models import Certification, Offer  # noqa: E402


class CertificationFactory(BaseFactory):
    """A verified FFP2 certification of a producer of Bretagne (53) unless told otherwise."""

    class Meta:
        model = Certification

    organisation = factory.SubFactory(OrganisationFactory, kind=OrganisationKind.PRODUCER)
    region_code = factory.SelfAttribute("organisation.region_code")
    category = "FFP2"
    standard = "EN 149+A1:2009"
    reusable = False
    exhalation_valve = False
    testing_body = TestingBody.NOTIFIED_BODY
    testing_body_name = "Apave"
    report_reference = factory.Sequence(lambda n: f"RE-2020-{n:04d}")
    report_date = date(2020, 4, 10)
    report_path = "reports/missing.pdf"
    report_filename = "rapport.pdf"
    report_size = 1000
    status = CertificationStatus.VERIFIED
    decided_at = factory.LazyFunction(utcnow)


class OfferFactory(BaseFactory):
    """An approved, listed offer of 100,000 FFP2 masks at 0,90 € HT, delivered in its region."""

    class Meta:
        model = Offer

    certification = factory.SubFactory(CertificationFactory)
    organisation = factory.SelfAttribute("certification.organisation")
    region_code = factory.SelfAttribute("organisation.region_code")
    category = factory.SelfAttribute("certification.category")
    quantity = 100_000
    allocated_quantity = 0
    remaining_quantity = factory.LazyAttribute(lambda o: o.quantity - o.allocated_quantity)
    unit_price_cents = 90
    vat_rate_bp = 550
    delivers_everywhere = False
    available_from = date(2020, 5, 4)
    status = OfferStatus.APPROVED
    listed = factory.LazyAttribute(lambda o: o.status in ("approved", "partially_allocated") and o.remaining_quantity > 0)
    submitted_at = factory.LazyFunction(utcnow)

    @factory.post_generation
    def regions(offer, create, codes, **kwargs):
        offer.set_delivery_regions(None if offer.delivers_everywhere else codes or [offer.region_code])
        if create:
            db.session.commit()
