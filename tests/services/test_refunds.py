"""The refund file a local authority's statement is built from, and the payment record."""
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from marketplace.domain.errors import DomainError, ErrorCode
from marketplace.services import orders, refunds
from tests.factories import (
    CertificationFactory,
    LocalAuthorityFactory,
    OfferFactory,
    OrderFactory,
    OrganisationFactory,
    ProducerFactory,
    UserFactory,
)

pytestmark = pytest.mark.usefixtures("app")


def reusable_offer(price_cents=300):
    return OfferFactory(unit_price_cents=price_cents, certification=CertificationFactory(category="UNS1", reusable=True))


def test_a_reusable_order_of_an_overseas_body_is_capped_at_2_50():
    reunion = OrganisationFactory(kind="local_authority", authority_type="commune", region_code="04", departement_code="974")
    OrderFactory(buyer=reunion, quantity=1_000, unit_price_cents=300, offer=reusable_offer())
    (line,) = refunds.refund_file(reunion).statement.lines
    # 1 000 × 3,00 HT × 1,055 = 3 165,00 TTC; 1 000 × 2,50 = 2 500,00 → 1 250,00
    assert (line.code, line.entry.total_ttc, line.cap, line.refund) == ("B1", Decimal("3165.00"), Decimal("2.50"), Decimal("1250.00"))


def test_the_window_is_a_setting(app):
    commune = LocalAuthorityFactory().organisation
    OrderFactory(buyer=commune, created_at=datetime(2020, 6, 20, 9, tzinfo=UTC))
    assert refunds.refund_file(commune).statement.lines == []
    app.config["REFUND_POLICY"] = {"window_end": "2020-06-30"}
    assert [line.code for line in refunds.refund_file(commune).statement.lines] == ["A1"]


def test_an_order_made_late_in_the_evening_of_1_june_french_time_is_still_in_the_window():
    commune = LocalAuthorityFactory().organisation
    OrderFactory(buyer=commune, created_at=datetime(2020, 6, 1, 21, 30, tzinfo=UTC))  # 23:30 in Paris
    assert refunds.refund_file(commune).statement.lines[0].entry.order_date == date(2020, 6, 1)


def test_only_the_buyer_records_a_payment():
    order = OrderFactory()
    seller = ProducerFactory(organisation=order.seller_organisation)
    with pytest.raises(DomainError) as refused:
        orders.record_payment(seller, order, "M-1", date(2020, 5, 1))
    assert refused.value.code == ErrorCode.FORBIDDEN


def test_a_company_cannot_add_to_a_statement():
    with pytest.raises(DomainError):
        refunds.add_external_order(UserFactory(), {"kind": "reusable"})


def test_the_database_refuses_the_same_outside_order_twice_for_one_body(app):
    from sqlalchemy.exc import IntegrityError

    from marketplace.extensions import db
    from marketplace.models import ExternalOrder

    rennes, nantes = (OrganisationFactory(kind="local_authority", authority_type="commune") for _ in range(2))
    fields = {"kind": "single_use", "supplier": "Pharmacie", "number": "EXT-1", "order_date": date(2020, 4, 25),
              "quantity": 1_000, "total_ttc_cents": 84_000}
    db.session.add_all([ExternalOrder(organisation_id=rennes.id, **fields), ExternalOrder(organisation_id=nantes.id, **fields)])
    db.session.commit()  # another body may use the same number
    db.session.add(ExternalOrder(organisation_id=rennes.id, **fields))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
