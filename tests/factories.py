"""factory_boy factories for the models."""
import factory
from factory.alchemy import SQLAlchemyModelFactory
from werkzeug.security import generate_password_hash

from marketplace.demo import make_siret
from marketplace.domain.organisations import OrganisationKind
from marketplace.domain.roles import Role
from marketplace.extensions import db
from marketplace.models import Organisation, User
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
