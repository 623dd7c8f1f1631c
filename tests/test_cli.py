from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from marketplace.extensions import db
from marketplace.models import Organisation, User


def test_create_admin_creates_a_regional_administrator(app):
    result = app.test_cli_runner().invoke(
        args=["create-admin", "--email", "admin.bzh@example.fr", "--region", "53", "--password", "a long secret"]
    )
    assert result.exit_code == 0, result.output
    admin = db.session.scalar(select(User).where(User.email == "admin.bzh@example.fr"))
    assert (admin.role, admin.admin_region_code) == ("regional_admin", "53")


def test_create_admin_refuses_an_unknown_region(app):
    result = app.test_cli_runner().invoke(
        args=["create-admin", "--email", "x@example.fr", "--region", "99", "--password", "a long secret"]
    )
    assert result.exit_code != 0
    assert "Unknown region code 99" in result.output


def test_seed_demo_loads_every_kind_of_buyer_producers_and_admins_and_prints_logins(app):
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    kinds = set(db.session.scalars(select(Organisation.kind)))
    assert {"producer", "importer", "company", "sector_referent", "local_authority", "healthcare"} <= kinds
    producer_regions = set(db.session.scalars(select(Organisation.region_code).where(Organisation.kind == "producer")))
    assert len(producer_regions) >= 3
    assert db.session.scalar(select(func.count()).where(User.role == "regional_admin")) == 18
    assert db.session.scalar(select(func.count()).where(User.role == "national_admin")) == 1
    assert "admin@demo.masques.example.fr" in result.output

    again = app.test_cli_runner().invoke(args=["seed-demo", "--if-empty"])
    assert "already has data" in again.output


def test_seed_demo_lists_offers_and_demands_and_matches_them_once(app):
    from marketplace.models import Demand, MatchingRun, Offer, Proposal

    assert app.test_cli_runner().invoke(args=["seed-demo"]).exit_code == 0
    assert db.session.scalar(select(func.count()).where(Offer.listed.is_(True))) >= 1
    assert len(set(db.session.scalars(select(Demand.region_code)))) >= 3
    run = db.session.scalars(select(MatchingRun)).one()
    assert run.trigger == "demo" and run.status == "succeeded"
    assert db.session.scalar(select(func.count(Proposal.id))) >= 3


def test_the_demo_certifications_test_report_opens_for_its_producer(app, client, login):
    from marketplace.models import Certification

    app.test_cli_runner().invoke(args=["seed-demo"])
    certification = db.session.scalars(select(Certification)).first()
    owner = next(member for member in certification.organisation.members if member.is_owner)
    login(owner, app.config["DEMO_PASSWORD"])

    response = client.get(f"/producers-area/certifications/{certification.id}/report.pdf")

    assert response.status_code == 200
    assert response.data.startswith(b"%PDF-")

    (Path(app.config["UPLOAD_DIR"]) / certification.report_path).unlink()
    assert client.get(f"/producers-area/certifications/{certification.id}/report.pdf").status_code == 404


def test_the_demo_commune_finds_a_spring_2020_order_on_its_refund_statement(app, client, login):
    from marketplace.models import Organisation

    app.test_cli_runner().invoke(args=["seed-demo"])
    commune = db.session.scalars(select(Organisation).where(Organisation.name == "Ville de Rennes")).one()
    login(commune.members[0], app.config["DEMO_PASSWORD"])

    statement = client.get("/orders/refund").get_data(as_text=True)

    # A1: 50 000 × min(0,52 € × 1,055 = 0,5486 €, 0,84 €) = 27 430,00 € → 13 715,00 €
    assert "A1" in statement and "CMD-2020-DEMO01" in statement
    assert "13 715,00 €" in statement.replace("\u202f", " ").replace("\u00a0", " ")


@pytest.mark.parametrize("days_ahead", [0, 400, 5 * 365 + 100])
def test_the_demo_shows_a_live_market_whatever_the_date_it_is_loaded_on(app, client, clock, days_ahead):
    from marketplace.models import Demand, Offer, Proposal

    clock.advance(timedelta(days=days_ahead))
    assert app.test_cli_runner().invoke(args=["seed-demo"]).exit_code == 0

    today, now = clock.today(), clock.now()
    open_demands = select(func.count()).where(Demand.status.in_(("open", "partially_matched")), Demand.needed_by >= today)
    live_offers = select(func.count()).where(Offer.listed.is_(True), Offer.available_from <= today)
    pending = select(func.count()).where(Proposal.status == "pending", Proposal.expires_at > now)
    assert db.session.scalar(open_demands) >= 3
    assert db.session.scalar(live_offers) >= 3
    assert db.session.scalar(pending) >= 3
    assert "Livré en" in client.get("/catalogue").get_data(as_text=True)


def test_seed_demo_refuses_to_run_in_production(app):
    app.config["MARKETPLACE_ENV"] = "production"
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code != 0
    assert "refuses to run in production" in result.output
    assert db.session.scalar(select(func.count()).select_from(User)) == 0
