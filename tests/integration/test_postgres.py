import pytest
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.models import Organisation
from tests.support.schema import schema_differences
from tests.support.signup import signup_data

pytestmark = pytest.mark.integration


def test_the_migrations_build_exactly_the_models_schema_on_postgresql(pg_app):
    assert db.engine.dialect.name == "postgresql"
    assert schema_differences() == []


def test_signing_up_and_confirming_works_on_postgresql(pg_app, tmp_path):
    client = pg_app.test_client()
    client.post("/auth/signup", data=signup_data())
    organisation = db.session.scalar(select(Organisation))
    assert organisation.siret == signup_data()["siret"]
    assert organisation.created_at.tzinfo is not None

    page = client.post("/auth/signup", data=signup_data(email="x@example.fr")).get_data(as_text=True)
    assert "Une organisation avec ce SIRET est déjà inscrite." in page


def test_the_database_refuses_a_negative_headcount(pg_app):
    from sqlalchemy.exc import IntegrityError

    from tests.factories import OrganisationFactory

    with pytest.raises(IntegrityError):
        OrganisationFactory(headcount=-1)
    db.session.rollback()
