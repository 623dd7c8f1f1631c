"""A local authority's refund file: its orders, what it adds, and the statement computed from them."""
from dataclasses import dataclass
from decimal import Decimal

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..clock import date_in_france
from ..domain.errors import DomainError, ErrorCode, N_
from ..domain.geography import regions
from ..domain.organisations import OrganisationKind
from ..domain.refund import (
    ExternalOrderKind,
    Section,
    StatementEntry,
    build_statement,
    cap_for,
    is_in_window,
    policy_from,
    refund_shares,
)
from ..extensions import db
from ..models import BeneficiaryShare, ExternalFunding, ExternalOrder, Offer, Order, Organisation
from ..models.refund import line_key
from .audit import record_decision
from .orders import amounts_of, order_date

PAGE_SIZE = 50


@dataclass(frozen=True)
class OwedShare:
    share: BeneficiaryShare
    owed: Decimal


@dataclass(frozen=True)
class ClaimantPart:
    """What the buying body paid itself of a line shared with others, and the part of the refund it keeps."""

    paid: Decimal
    kept: Decimal


@dataclass(frozen=True)
class RefundFile:
    """Everything the statement pages and documents show for one body."""

    organisation: object
    overseas: bool
    policy: object
    statement: object
    entries: list  # every order, eligible or not
    fundings: list
    shares: dict  # line key -> [OwedShare]
    kept: dict  # line key -> ClaimantPart, for the lines with shares

    def code_of(self, key):
        line = self.statement.line(key)
        return line.code if line else None

    @property
    def reusable_cap(self):
        return cap_for(True, self.overseas, self.policy)

    @property
    def is_ready_to_sign(self):
        return bool(self.statement.lines) and not self.statement.unpaid


def current_policy():
    """Return the refund policy, with the figures the REFUND_POLICY setting overrides."""
    return policy_from(current_app.config.get("REFUND_POLICY"))


def can_claim(organisation):
    """Tell whether an organisation may claim the State's contribution: local authorities only."""
    return organisation is not None and organisation.is_local_authority


def get_claimant(organisation_id):
    """Return the local authority with this id, or None."""
    organisation = db.session.get(Organisation, organisation_id)
    return organisation if can_claim(organisation) else None


def refund_files_page(region_codes, page):
    """Return one page of the local authorities of these regions (by region, then name) and their refund files."""
    query = (
        select(Organisation)
        .where(Organisation.kind == OrganisationKind.LOCAL_AUTHORITY, Organisation.region_code.in_(region_codes))
        .order_by(Organisation.region_code, Organisation.name, Organisation.id)
    )
    pagination = db.paginate(query, page=page, per_page=PAGE_SIZE, error_out=False)
    return pagination, refund_files(pagination.items)


def _sum_by_key(rows, cents):
    totals = {}
    for row in rows:
        totals[row.line_key] = totals.get(row.line_key, 0) + cents(row)
    return totals


def _marketplace_entry(order, overseas, funding_cents):
    reusable = order.offer.certification.reusable
    return StatementEntry(
        key=line_key(order.id, None), section=Section.REUSABLE if reusable else Section.SINGLE_USE,
        supplier=order.seller_organisation.name, number=order.number, quantity=order.quantity,
        total_ttc=Decimal(amounts_of(order).total_ttc_cents) / 100, order_date=order_date(order), overseas=overseas,
        external_funding=Decimal(funding_cents) / 100, payment_reference=order.payment_reference,
        payment_date=date_in_france(order.payment_date),
    )


def _external_entry(external, overseas, funding_cents):
    return StatementEntry(
        key=line_key(None, external.id), section=external.section, supplier=external.supplier,
        number=external.number, quantity=external.quantity, total_ttc=external.total_ttc,
        order_date=external.order_date, overseas=overseas, external_funding=Decimal(funding_cents) / 100,
        payment_reference=external.payment_reference, payment_date=external.payment_date,
    )


def refund_file(organisation):
    """Gather the body's orders, fundings and shares and compute its statement."""
    return refund_files([organisation])[0]


def refund_files(organisations):
    """Gather the orders, fundings and shares of several bodies in a few queries, and compute each statement."""
    ids = [organisation.id for organisation in organisations]
    if not ids:
        return []
    fundings = _by_body(ExternalFunding, ExternalFunding.organisation_id, ids)
    shares = _by_body(BeneficiaryShare, BeneficiaryShare.organisation_id, ids)
    externals = _by_body(ExternalOrder, ExternalOrder.organisation_id, ids)
    orders = _by_body(Order, Order.buyer_organisation_id, ids, selectinload(Order.seller_organisation),
                      selectinload(Order.offer).selectinload(Offer.certification))
    return [_refund_file(o, orders[o.id], externals[o.id], fundings[o.id], shares[o.id]) for o in organisations]


def _by_body(model, owner, ids, *options):
    """Return the records of these bodies, by id order, grouped by body id (every body has a list)."""
    grouped = {body_id: [] for body_id in ids}
    for record in db.session.scalars(select(model).where(owner.in_(ids)).options(*options).order_by(model.id)):
        grouped[getattr(record, owner.key)].append(record)
    return grouped


def _refund_file(organisation, orders, externals, fundings, shares):
    """Compute one body's statement from its records: the only way a statement is computed."""
    policy = current_policy()
    overseas = regions()[organisation.region_code].overseas
    funded = _sum_by_key(fundings, lambda f: f.amount_cents)
    entries = [_marketplace_entry(o, overseas, funded.get(line_key(o.id, None), 0)) for o in orders]
    entries += [_external_entry(e, overseas, funded.get(line_key(None, e.id), 0)) for e in externals]
    statement = build_statement(entries, policy)
    return RefundFile(organisation, overseas, policy, statement, entries, fundings, *_owed(statement, shares))


def _owed(statement, shares):
    """Pass each line's refund on to the bodies it was bought for, in proportion to what each paid of the
    line's cost; return the parts owed and, per line, what the buying body keeps."""
    by_key = {}
    for share in shares:
        by_key.setdefault(share.line_key, []).append(share)
    owed, kept = {}, {}
    for key, group in by_key.items():
        line = statement.line(key)
        if line is None:  # an ineligible line: nothing to pass on
            owed[key] = [OwedShare(s, Decimal("0.00")) for s in group]
            continue
        paid = [Decimal(s.paid_cents) / 100 for s in group]
        parts, own = refund_shares(line.refund, paid, line.entry.total_ttc)
        owed[key] = [OwedShare(s, part) for s, part in zip(group, parts)]
        kept[key] = ClaimantPart(line.entry.total_ttc - sum(paid), own)
    return owed, kept


def _ensure_claimant(user):
    if not can_claim(user.organisation):
        raise DomainError(N_("Only local authorities can claim the State's contribution."), ErrorCode.FORBIDDEN)
    # One addition at a time per body, so that two submissions cannot both pass the checks against what it added.
    db.session.scalar(select(Organisation.id).where(Organisation.id == user.organisation_id).with_for_update())


def add_external_order(user, data):
    """Add an order made outside the marketplace, or masks made locally (total = materials + sewing)."""
    _ensure_claimant(user)
    data = dict(data)
    if data["kind"] == ExternalOrderKind.MADE_LOCALLY:
        data["total_ttc_cents"] = data["materials_cents"] + data["sewing_cents"]
    else:
        data["materials_cents"] = data["sewing_cents"] = None
    if data["total_ttc_cents"] <= 0:
        raise DomainError(N_("The total must be more than zero."), field="total_ttc")
    _ensure_new_number(user, data["number"])
    external = ExternalOrder(organisation_id=user.organisation_id, **data)
    db.session.add(external)
    db.session.flush()
    _audit(user, "refund.external_order_added", external, {"kind": external.kind, "number": external.number})
    db.session.commit()
    return external


def _ensure_new_number(user, number):
    """Refuse an order number the body already added: the same order would be claimed twice."""
    taken = db.session.scalar(select(ExternalOrder.id).where(
        ExternalOrder.organisation_id == user.organisation_id, ExternalOrder.number == number).limit(1))
    if taken is not None:
        raise DomainError(N_("You already added an order numbered %(number)s."), ErrorCode.CONFLICT,
                          field="number", number=number)


def counts_for_refund(external):
    """Tell whether an added order is dated within the window, so that it counts for the refund."""
    return is_in_window(external.order_date, current_policy())


def _line_owner(user, key):
    """Return (order_id, external_order_id) for a line key of the user's own organisation, or refuse."""
    kind, _, raw_id = (key or "").partition(":")
    record = None
    if raw_id.isdigit():
        model = {"order": Order, "external": ExternalOrder}.get(kind)
        record = db.session.get(model, int(raw_id)) if model else None
    owner = None
    if isinstance(record, Order):
        owner = record.buyer_organisation_id
    elif record is not None:
        owner = record.organisation_id
    if owner is None or owner != user.organisation_id:
        raise DomainError(N_("Choose one of your orders."), field="line")
    return (record.id, None) if isinstance(record, Order) else (None, record.id)


def add_funding(user, data):
    """Record funding received for one of the body's orders (funder, masks funded, amount, receipt)."""
    _ensure_claimant(user)
    data = dict(data)
    key = data.pop("line")
    order_id, external_order_id = _line_owner(user, key)
    _ensure_within_order(_entry(user, key), order_id, external_order_id, data)
    funding = ExternalFunding(organisation_id=user.organisation_id, order_id=order_id,
                              external_order_id=external_order_id, **data)
    db.session.add(funding)
    db.session.flush()
    _audit(user, "refund.funding_added", funding, {"funder": funding.funder, "amount_cents": funding.amount_cents})
    db.session.commit()
    return funding


def _entry(user, key):
    return next(e for e in refund_file(user.organisation).entries if e.key == key)


def _ensure_within_order(entry, order_id, external_order_id, data):
    """Refuse funding, with what the order already received, for more masks or euros than the order."""
    same_order = (ExternalFunding.order_id == order_id if order_id
                  else ExternalFunding.external_order_id == external_order_id)
    masks, cents = db.session.execute(select(
        db.func.coalesce(db.func.sum(ExternalFunding.masks_funded), 0),
        db.func.coalesce(db.func.sum(ExternalFunding.amount_cents), 0)).where(same_order)).one()
    if masks + data["masks_funded"] > entry.quantity:
        raise DomainError(N_("The funding would cover more masks than the order has (%(quantity)s)."),
                          field="masks_funded", quantity=entry.quantity)
    if cents + data["amount_cents"] > int(entry.total_ttc * 100):
        raise DomainError(N_("The funding would come to more than the order cost."), field="amount")


def add_share(user, data):
    """Record what a body the purchase was made for paid of it; refuse paying more than the order cost."""
    _ensure_claimant(user)
    data = dict(data)
    key = data.pop("line")
    order_id, external_order_id = _line_owner(user, key)
    entry = _entry(user, key)
    already = db.session.scalars(select(BeneficiaryShare.paid_cents).where(
        BeneficiaryShare.order_id == order_id if order_id else BeneficiaryShare.external_order_id == external_order_id))
    if sum(already) + data["paid_cents"] > int(entry.total_ttc * 100):
        raise DomainError(N_("The shares would add up to more than the order cost."), field="paid")
    share = BeneficiaryShare(organisation_id=user.organisation_id, order_id=order_id,
                             external_order_id=external_order_id, **data)
    db.session.add(share)
    db.session.flush()
    _audit(user, "refund.share_added", share, {"beneficiary": share.beneficiary, "paid_cents": share.paid_cents})
    db.session.commit()
    return share


def remove(user, model, record_id):
    """Remove an external order, a funding or a share the body recorded."""
    record = db.session.get(model, record_id)
    if record is None or record.organisation_id != user.organisation_id:
        raise DomainError(N_("This entry does not exist."), ErrorCode.NOT_FOUND)
    _audit(user, f"refund.{model.__tablename__.removeprefix('refund_')}_removed", record, None)
    db.session.delete(record)
    db.session.commit()


def _audit(user, action, record, after):
    record_decision(user, action, record, after=after, region_code=user.organisation.region_code)
