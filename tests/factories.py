"""factory_boy factories for the models."""
from datetime import date, timedelta

import factory
from factory.alchemy import SQLAlchemyModelFactory
from werkzeug.security import generate_password_hash

from marketplace.clock import utcnow
from marketplace.demo import make_siret
from marketplace.domain.organisations import OrganisationKind
from marketplace.domain.roles import Role
from marketplace.extensions import db
from marketplace.models import Demand, Organisation, Pool, PoolMembership, User
from tests.conftest import PASSWORD
from tests.support.clock import days_from_today


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
    needed_by = factory.LazyFunction(lambda: days_from_today(30))
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
    needed_by = factory.LazyFunction(lambda: days_from_today(30))
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


# --- orders and the refund statement -------------------------------------------------------

from datetime import UTC, datetime  # noqa: E402

from marketplace.domain.organisations import AuthorityType  # noqa: E402
from marketplace.models import Order, Proposal  # noqa: E402


class LocalAuthorityFactory(UserFactory):
    """A member of a commune of Bretagne (53)."""

    organisation = factory.SubFactory(
        OrganisationFactory, kind=OrganisationKind.LOCAL_AUTHORITY, authority_type=AuthorityType.COMMUNE,
        name=factory.Sequence(lambda n: f"Commune {n}"),
    )


class ProposalFactory(BaseFactory):
    """An accepted proposal of the offer to the demand, at the offer's price."""

    class Meta:
        model = Proposal

    offer = factory.SubFactory(OfferFactory)
    demand = factory.SubFactory(DemandFactory)
    buyer_organisation = factory.SelfAttribute("demand.organisation")
    seller_organisation = factory.SelfAttribute("offer.organisation")
    category = factory.SelfAttribute("offer.category")
    region_code = factory.SelfAttribute("demand.region_code")
    quantity = 50_000
    unit_price_cents = factory.SelfAttribute("offer.unit_price_cents")
    vat_rate_bp = factory.SelfAttribute("offer.vat_rate_bp")
    priority_rank = 2
    status = "accepted"
    buyer_decision = "accepted"
    producer_decision = "accepted"
    expires_at = factory.LazyFunction(lambda: utcnow() + timedelta(days=2))


class OrderFactory(BaseFactory):
    """An order of 50,000 FFP2 masks at 0,90 € HT (5.5 % VAT), dated 20 April 2020, by a commune.

    Pass buyer=<organisation> to order for another buyer, and offer__certification__reusable=True
    for reusable masks.
    """

    class Meta:
        model = Order
        exclude = ("buyer",)

    buyer = factory.SubFactory(
        OrganisationFactory, kind=OrganisationKind.LOCAL_AUTHORITY, authority_type=AuthorityType.COMMUNE
    )
    offer = factory.SubFactory(OfferFactory)
    proposal = factory.SubFactory(
        ProposalFactory, offer=factory.SelfAttribute("..offer"),
        demand=factory.SubFactory(DemandFactory, organisation=factory.SelfAttribute("...buyer")),
        quantity=factory.SelfAttribute("..quantity"), unit_price_cents=factory.SelfAttribute("..unit_price_cents"),
        vat_rate_bp=factory.SelfAttribute("..vat_rate_bp"),
    )
    demand = factory.SelfAttribute("proposal.demand")
    number = factory.Sequence(lambda n: f"BC-2020-{n:05d}")
    buyer_organisation = factory.SelfAttribute("buyer")
    seller_organisation = factory.SelfAttribute("offer.organisation")
    category = factory.SelfAttribute("offer.category")
    quantity = 50_000
    unit_price_cents = 90
    vat_rate_bp = 550
    created_at = datetime(2020, 4, 20, 9, 0, tzinfo=UTC)
