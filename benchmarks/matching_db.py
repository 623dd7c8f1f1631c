"""End to end on PostgreSQL for benchmarks/matching.py: load a synthetic market, run matching, time it.

Run (benchmarks/matching.py does it for each size): .venv/bin/python benchmarks/matching_db.py OFFERS DEMANDS
Uses the machine's PostgreSQL or starts a throwaway one (tests/support/servers.py), loads the seeded
market with COPY (not timed), then times one matching run (`run_matching`, the matching run's service):
read the listed offers and live demands, solve, write every proposal with its reservations and commit
(from MATCHING_PARALLEL_FROM_ROWS offers and demands, the markets on parallel connections, all or nothing).
Organisations have no accounts, so no mail is rendered: the time is the database's and the solver's.
Prints one JSON line.
"""
import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import flask_migrate  # noqa: E402
from matching import TODAY, synthetic_market  # noqa: E402
from sqlalchemy import func, select, text  # noqa: E402

from marketplace import clock, create_app  # noqa: E402
from marketplace.demo import make_siret  # noqa: E402
from marketplace.domain.geography import departements_of, regions  # noqa: E402
from marketplace.domain.masks import CATEGORIES  # noqa: E402
from marketplace.domain.offers import delivery_mask  # noqa: E402
from marketplace.extensions import db  # noqa: E402
from marketplace.models import Offer, Proposal  # noqa: E402
from marketplace.services.matching.runs import run_matching  # noqa: E402
from tests.support.servers import PostgresForTests  # noqa: E402


def build_app(database_url, workdir):
    os.environ.update(DATABASE_URL=database_url, OUTBOX_DIR=str(workdir / "outbox"), UPLOAD_DIR=str(workdir / "up"))
    os.environ.pop("REDIS_URL", None)
    app = create_app("testing")
    with app.app_context():
        flask_migrate.upgrade(directory=str(ROOT / "migrations"), revision="heads")
    return app


def copy_rows(cursor, table, columns, rows):
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def load_market(offers, demands):
    """Insert one producer and one buyer per region, certifications, the offers and the demands."""
    now, codes = clock.utcnow(), list(regions())
    producer_of = {code: n + 1 for n, code in enumerate(codes)}
    buyer_of = {code: len(codes) + n + 1 for n, code in enumerate(codes)}
    certification_of = {}
    raw = db.engine.raw_connection()
    try:
        cursor = raw.cursor()
        organisations = [(i, f"Producteur {c}", make_siret(i), "producer", c, departements_of(c)[0].code, 50, now)
                         for c, i in producer_of.items()]
        organisations += [(i, f"Acheteur {c}", make_siret(i), "company", c, departements_of(c)[0].code, 500, now)
                          for c, i in buyer_of.items()]
        copy_rows(cursor, "organisation", ("id", "name", "siret", "kind", "region_code", "departement_code",
                                           "headcount", "created_at"), organisations)
        cursor.execute("INSERT INTO user_account (id, email, full_name, password_hash, role, is_owner, locale, created_at)"
                       " VALUES (1, 'bench@example.fr', 'Bench', 'x', 'national_admin', false, 'fr', now())")
        certifications = []
        for code, org in producer_of.items():
            for category in CATEGORIES:
                certification_of[(code, str(category))] = len(certifications) + 1
                certifications.append((len(certifications) + 1, org, code, str(category), "EN", False, False, "lne",
                                        "LNE", "R", TODAY, "x.pdf", "x.pdf", 1, "verified", now))
        copy_rows(cursor, "certification", (
            "id", "organisation_id", "region_code", "category", "standard", "reusable", "exhalation_valve",
            "testing_body", "testing_body_name", "report_reference", "report_date", "report_path",
            "report_filename", "report_size", "status", "created_at"), certifications)
        everywhere = frozenset(codes)
        copy_rows(cursor, "offer", (
            "id", "organisation_id", "certification_id", "region_code", "category", "quantity", "allocated_quantity",
            "remaining_quantity", "unit_price_cents", "vat_rate_bp", "delivers_everywhere", "delivery_mask",
            "available_from", "status", "listed", "created_at"),
            ((o.id, producer_of[o.producer_region], certification_of[(o.producer_region, o.category)],
              o.producer_region, o.category, o.units, 0, o.units, o.unit_price_cents, 550,
              o.delivery_regions == everywhere, delivery_mask(None if o.delivery_regions == everywhere
                                                              else o.delivery_regions),
              o.available_from, "approved", True, now) for o in offers))
        copy_rows(cursor, "offer_region", ("offer_id", "region_code"),
                  ((o.id, code) for o in offers if o.delivery_regions != everywhere for code in sorted(o.delivery_regions)))
        copy_rows(cursor, "demand", (
            "id", "organisation_id", "created_by_id", "category", "accepted_substitutes", "quantity",
            "matched_quantity", "matched_total_cents", "reserved_quantity", "region_code", "departement_code",
            "max_unit_price_cents", "needed_by", "public_facing", "priority_rank", "contact_name", "contact_email",
            "status", "created_at"),
            ((d.id, buyer_of[d.region], 1, d.category, json.dumps(sorted(d.substitutes)), d.units, 0, 0, 0,
              d.region, departements_of(d.region)[0].code, d.max_unit_price_cents, d.needed_by, False, d.priority,
              "Contact", "contact@example.fr", "open", now) for d in demands))
        cursor.execute("ANALYZE")
        raw.commit()
    finally:
        raw.close()


def main(offer_count, demand_count):
    server = PostgresForTests()
    url = server.create()
    try:
        app = build_app(url, Path(tempfile.mkdtemp(prefix="bench-matching-")))
        with app.app_context():
            offers, demands = synthetic_market(offer_count, demand_count)
            load_market(offers, demands)
            del offers, demands
            started = time.perf_counter()
            run = run_matching("beat", today=TODAY)
            seconds = time.perf_counter() - started
            allocated = db.session.scalar(select(func.sum(Offer.allocated_quantity)))
            proposed = db.session.scalar(select(func.sum(Proposal.quantity)))
            assert run.status == "succeeded" and allocated == proposed == run.units_matched, (allocated, proposed)
            figures = {"seconds": seconds, "solver_seconds": run.solver_seconds, "proposals": run.proposals_created,
                       "units": run.units_matched}
            db.session.execute(text("SELECT 1"))
            db.session.remove()
            db.engine.dispose()
    finally:
        server.drop()
    print(json.dumps(figures))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="Time one matching run on PostgreSQL: read, solve, write back.")
    parser.add_argument("offers", type=int)
    parser.add_argument("demands", type=int)
    arguments = parser.parse_args()
    main(arguments.offers, arguments.demands)
