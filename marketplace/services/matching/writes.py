"""The writes of a matching run: every allocation's reservation and proposal, with COPY on PostgreSQL."""
import json
from datetime import timedelta

from flask import current_app
from sqlalchemy import insert

from ... import clock
from ...domain.proposals import ProposalSource
from ...extensions import db
from ...models import Proposal
from ..reservations import reserve
from ..session_cursor import session_cursor


def write_proposals(run_id, allocations, offer_rows, demand_rows):
    """Reserve every allocation's units and add its proposal; raise StockChanged if any row moved.

    Return [(proposal id, what its announcement needs)], for `announce_proposals`.
    """
    if not allocations:
        return []
    reserve(
        [(a.offer_id, a.units) for a in allocations],
        [(a.demand_id, a.units, demand_rows[a.demand_id][4]) for a in allocations],
    )
    now = clock.utcnow()
    expires_at = now + timedelta(hours=current_app.config["PROPOSAL_TTL_HOURS"])
    if db.session.get_bind().dialect.name == "postgresql":
        ids, rows = _copy_proposals(run_id, allocations, offer_rows, demand_rows, expires_at, now)
    else:
        rows = [_proposal_row(run_id, a, offer_rows[a.offer_id], demand_rows[a.demand_id], expires_at, now)
                for a in allocations]
        ids = db.session.scalars(insert(Proposal).returning(Proposal.id, sort_by_parameter_order=True), rows).all()
    return list(zip(ids, rows))


COPIED = ("id", "offer_id", "demand_id", "run_id", "buyer_organisation_id", "seller_organisation_id", "source",
          "category", "region_code", "quantity", "unit_price_cents", "vat_rate_bp", "priority_rank", "own_region",
          "reasons", "status", "expires_at", "created_at")
COPY_CHUNK = 10_000  # proposals per write to the COPY stream


def _copy_proposals(run_id, allocations, offer_rows, demand_rows, expires_at, now):
    """Insert the proposals with COPY on the session's own connection (same transaction).

    Return their ids and, per proposal, what its announcement mails need. A national run writes a
    hundred thousand rows or more: the COPY text is assembled here with as little work per row as
    possible (every string and date converted once, not once per row), in the column order of COPIED.
    """
    with session_cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence('proposal', 'id')) FROM generate_series(1, %s)",
                       (len(allocations),))
        ids = [proposal_id for (proposal_id,) in cursor.fetchall()]
        text_of = _CopyText()
        tail = f"\tpending\t{expires_at.isoformat()}\t{now.isoformat()}\n"
        source = ProposalSource.MATCHING.value
        lines, rows = [], []
        with cursor.copy(f"COPY proposal ({', '.join(COPIED)}) FROM STDIN") as copy:
            for proposal_id, a in zip(ids, allocations):
                buyer, asked, ceiling, needed_by, _stamp = demand_rows[a.demand_id]
                seller, vat, available_from = offer_rows[a.offer_id]
                category, region = text_of.string(a.category), text_of.string(a.region)
                own = "true" if a.own_region else "false"
                reasons = (f'{{"asked": {text_of.json(asked)}, "served": {text_of.json(a.category)}, '
                           f'"region": {text_of.json(a.region)}, "unit_price_cents": {a.unit_price_cents}, '
                           f'"max_unit_price_cents": {ceiling}, "available_from": {text_of.day(available_from)}, '
                           f'"needed_by": {text_of.day(needed_by)}, "priority": {a.priority}, "own_region": {own}}}')
                lines.append(f"{proposal_id}\t{a.offer_id}\t{a.demand_id}\t{run_id}\t{buyer}\t{seller}\t{source}\t"
                             f"{category}\t{region}\t{a.units}\t{a.unit_price_cents}\t{vat}\t{a.priority}\t"
                             f"{own}\t{reasons}{tail}")
                rows.append({"buyer_organisation_id": buyer, "seller_organisation_id": seller, "category": a.category,
                             "quantity": a.units, "unit_price_cents": a.unit_price_cents, "expires_at": expires_at})
                if len(lines) == COPY_CHUNK:
                    copy.write("".join(lines))
                    lines.clear()
            if lines:
                copy.write("".join(lines))
    return ids, rows


class _CopyText:
    """Values as COPY text fields, each distinct one converted once (a run has few categories, regions, dates)."""

    def __init__(self):
        self._strings, self._json, self._days = {}, {}, {}

    def string(self, value):
        field = self._strings.get(value)
        if field is None:
            field = self._strings[value] = _escape(str(value))
        return field

    def json(self, value):
        field = self._json.get(value)
        if field is None:
            field = self._json[value] = _escape(json.dumps(value))
        return field

    def day(self, value):
        field = self._days.get(value)
        if field is None:
            field = self._days[value] = _escape(json.dumps(value.isoformat()))
        return field


def _escape(text):
    """Escape a field for COPY's text format."""
    return (text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r"))


def _proposal_row(run_id, allocation, offer, demand, expires_at, now):
    organisation_id, vat_rate_bp, available_from = offer
    buyer_id, asked, ceiling, needed_by, _stamp = demand
    return {
        "offer_id": allocation.offer_id, "demand_id": allocation.demand_id, "run_id": run_id,
        "buyer_organisation_id": buyer_id, "seller_organisation_id": organisation_id,
        "source": ProposalSource.MATCHING.value, "category": allocation.category, "region_code": allocation.region,
        "quantity": allocation.units, "unit_price_cents": allocation.unit_price_cents,
        "vat_rate_bp": vat_rate_bp, "priority_rank": allocation.priority, "own_region": allocation.own_region,
        "reasons": {
            "asked": asked, "served": allocation.category, "region": allocation.region,
            "unit_price_cents": allocation.unit_price_cents, "max_unit_price_cents": ceiling,
            "available_from": available_from.isoformat(), "needed_by": needed_by.isoformat(),
            "priority": allocation.priority, "own_region": allocation.own_region,
        },
        "status": "pending", "expires_at": expires_at, "created_at": now,
    }
