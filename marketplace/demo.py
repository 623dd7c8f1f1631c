"""A realistic demo data set, so a newcomer sees a working marketplace."""
import unicodedata
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from flask import current_app
from fpdf import FPDF
from stdnum import luhn

from . import clock
from .domain.geography import regions
from .domain.organisations import AuthorityType, OrganisationKind
from .domain.roles import member_role_for
from .extensions import db
from .models import Organisation, User
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
        organisation=organisation, is_owner=True, email_confirmed_at=clock.utcnow(),
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
    seed_market({o.organisation.name: o for o in owners})
    return logins


# (producer, category, units, price in cents, regions delivered to: None for all of France)
DEMO_OFFERS = [
    ("Filtres de Bretagne", "FFP2", 400_000, 210, None),
    ("Filtres de Bretagne", "SURGICAL_IIR", 600_000, 48, ["53", "52", "28"]),
    ("Tissage des Vosges", "UNS1", 300_000, 190, ["44", "27", "11"]),
    ("Tissage des Vosges", "AFNOR", 200_000, 140, ["44"]),
    ("Protection Rhône Textile", "FFP2", 250_000, 230, ["84", "93", "27"]),
    ("Protection Rhône Textile", "UNS2", 500_000, 120, None),
    ("Occitanie Médical Import", "SURGICAL_II", 800_000, 42, ["76", "75", "93"]),
    ("Masques Antilles Confection", "UNS1", 60_000, 260, ["01"]),
]
# (buyer, category, units, ceiling in cents, substitutes accepted)
DEMO_DEMANDS = [
    ("Centre hospitalier de Lyon Sud", "FFP2", 300_000, 260, ["FFP3"]),
    ("Ville de Rennes", "SURGICAL_I", 150_000, 55, ["SURGICAL_II", "SURGICAL_IIR"]),
    ("Ville de Rennes", "FFP2", 100_000, 240, []),
    ("Département de la Gironde", "SURGICAL_II", 500_000, 50, []),
    ("Aéro Composants Toulouse", "UNS1", 120_000, 200, []),
    ("Fédération Bois Grand Est", "AFNOR", 80_000, 150, ["UNS1"]),
]


DEMO_REPORT = "reports/demo.pdf"


def write_demo_report():
    """Write the one-page PDF every demo certification points to, and return its size in bytes."""
    document = FPDF()
    document.add_page()
    document.set_font("Helvetica", size=14)
    document.cell(text="Rapport d'essai de démonstration (données fictives)")
    content = bytes(document.output())
    path = Path(current_app.config["UPLOAD_DIR"]) / DEMO_REPORT
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return len(content)


def seed_market(owners):
    """Add verified certifications, approved offers and open demands in several regions, then match once."""
    from .domain.certifications import CertificationStatus, TestingBody
    from .domain.masks import CATEGORIES, Category
    from .domain.offers import OfferStatus
    from .domain.priority import priority_rank
    from .domain.runs import RunTrigger
    from .domain.vat import vat_rate_bp
    from .models import Certification, Demand, Offer
    from .services.matching.runs import run_matching

    today = clock.today()
    report_size = write_demo_report()
    for name, category, units, price, delivered in DEMO_OFFERS:
        owner = owners[name]
        organisation = owner.organisation
        certification = Certification(
            organisation=organisation, region_code=organisation.region_code, category=category,
            standard=CATEGORIES[Category(category)].standard, reusable=category in ("UNS1", "UNS2", "AFNOR"),
            exhalation_valve=False, testing_body=TestingBody.DGA, testing_body_name="DGA Maîtrise NRBC",
            report_reference=f"DEMO-{category}", report_date=today, report_path=DEMO_REPORT,
            report_filename="rapport.pdf", report_size=report_size, status=CertificationStatus.VERIFIED, decided_at=clock.utcnow(),
        )
        offer = Offer(
            organisation=organisation, certification=certification, region_code=organisation.region_code,
            category=category, quantity=units, allocated_quantity=0, remaining_quantity=units,
            unit_price_cents=price, vat_rate_bp=vat_rate_bp(category, False, today), available_from=today,
            submitted_at=clock.utcnow(), decided_at=clock.utcnow(),
        )
        offer.set_delivery_regions(delivered)
        offer.set_status(OfferStatus.APPROVED)
        db.session.add_all([certification, offer])
    for name, category, units, ceiling, substitutes in DEMO_DEMANDS:
        owner = owners[name]
        organisation = owner.organisation
        db.session.add(Demand(
            organisation=organisation, created_by=owner, category=category, accepted_substitutes=substitutes,
            quantity=units, matched_quantity=0, matched_total_cents=0, reserved_quantity=0,
            region_code=organisation.region_code, departement_code=organisation.departement_code,
            max_unit_price_cents=ceiling, needed_by=today + timedelta(days=30), public_facing=False,
            priority_rank=priority_rank(organisation.kind, category), contact_name=owner.full_name,
            contact_email=owner.email, status="open",
        ))
    db.session.commit()
    seed_spring_2020_order(owners["Filtres de Bretagne"], owners["Ville de Rennes"], report_size)
    run_matching(RunTrigger.DEMO)


def seed_spring_2020_order(producer, commune, report_size):
    """Add an order of April 2020, within the State's refund window, for the commune's statement."""
    from .domain.certifications import CertificationStatus, TestingBody
    from .domain.offers import OfferStatus
    from .domain.vat import vat_rate_bp
    from .models import Certification, Demand, Offer, Order, Proposal

    ordered_on, units, price = date(2020, 4, 20), 50_000, 52
    seller, buyer = producer.organisation, commune.organisation
    rate = vat_rate_bp("SURGICAL_I", False, ordered_on)
    certification = Certification(
        organisation=seller, region_code=seller.region_code, category="SURGICAL_I", standard="EN 14683+AC:2019",
        reusable=False, exhalation_valve=False, testing_body=TestingBody.DGA, testing_body_name="DGA Maîtrise NRBC",
        report_reference="DEMO-2020-SURGICAL_I", report_date=ordered_on, report_path=DEMO_REPORT,
        report_filename="rapport.pdf", report_size=report_size, status=CertificationStatus.VERIFIED, decided_at=clock.utcnow(),
    )
    offer = Offer(
        organisation=seller, certification=certification, region_code=seller.region_code, category="SURGICAL_I",
        quantity=units, allocated_quantity=units, remaining_quantity=0, unit_price_cents=price, vat_rate_bp=rate,
        available_from=ordered_on, submitted_at=clock.utcnow(), decided_at=clock.utcnow(),
    )
    offer.set_delivery_regions([seller.region_code])
    offer.set_status(OfferStatus.SOLD_OUT)
    demand = Demand(
        organisation=buyer, created_by=commune, category="SURGICAL_I", accepted_substitutes=[], quantity=units,
        matched_quantity=units, matched_total_cents=units * price, reserved_quantity=0, region_code=buyer.region_code,
        departement_code=buyer.departement_code, max_unit_price_cents=60, needed_by=date(2020, 4, 30),
        public_facing=True, priority_rank=2, contact_name=commune.full_name, contact_email=commune.email,
        status="fulfilled",
    )
    proposal = Proposal(
        offer=offer, demand=demand, buyer_organisation=buyer, seller_organisation=seller, category="SURGICAL_I",
        region_code=buyer.region_code, quantity=units, unit_price_cents=price, vat_rate_bp=rate, priority_rank=2,
        own_region=True, status="accepted", buyer_decision="accepted", producer_decision="accepted",
        expires_at=clock.utcnow(), decided_at=clock.utcnow(),
    )
    order = Order(
        number="CMD-2020-DEMO01", proposal=proposal, offer=offer, demand=demand, buyer_organisation=buyer,
        seller_organisation=seller, category="SURGICAL_I", quantity=units, unit_price_cents=price, vat_rate_bp=rate,
        created_at=datetime(2020, 4, 20, 9, 30, tzinfo=UTC),
    )
    db.session.add_all([certification, offer, demand, proposal, order])
    db.session.commit()
