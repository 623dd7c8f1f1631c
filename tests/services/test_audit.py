from marketplace.extensions import db
from marketplace.services.administration import audit_trail
from marketplace.services.audit import record_decision
from tests.factories import AdminFactory, OrganisationFactory


def test_a_decision_is_recorded_with_actor_object_states_and_time(app):
    admin = AdminFactory()
    organisation = OrganisationFactory(region_code="53")

    record_decision(admin, "organisation.renamed", organisation, before={"name": "A"}, after={"name": "B"})
    db.session.commit()

    [entry] = audit_trail(organisation)
    assert entry.actor == admin
    assert (entry.action, entry.object_type, entry.object_id) == ("organisation.renamed", "Organisation", organisation.id)
    assert (entry.before, entry.after, entry.region_code) == ({"name": "A"}, {"name": "B"}, "53")
    assert entry.created_at.tzinfo is not None


def test_an_entry_rolled_back_with_its_decision_is_not_kept(app):
    organisation = OrganisationFactory()
    record_decision(None, "organisation.noted", organisation)
    db.session.rollback()
    assert audit_trail(organisation) == []
