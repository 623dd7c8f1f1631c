"""The mails of proposals and orders, written in the caller's transaction (sent after it commits)."""
from babel.numbers import format_decimal
from sqlalchemy import select

from ..domain.notifications import PROPOSALS_LISTED_PER_MAIL
from ..extensions import db
from ..mail import notify
from ..mail.outbox import external_url
from ..models import Organisation, User
from .pools import member_shares

BUYER, PRODUCER = "buyer", "producer"


def proposal_link(proposal_id, side):
    """Return the absolute link to a proposal's page for one side."""
    endpoint = "buyers.proposal" if side == BUYER else "producers.proposal"
    return external_url(endpoint, proposal_id=proposal_id)


def _subject(user, quantity, category):
    return {"quantity": format_decimal(quantity, locale=user.locale or "fr"), "category": category}


def _slices(ids, size=1000):
    ids = sorted(ids)
    return (ids[start:start + size] for start in range(0, len(ids), size))


def _members_by_organisation(organisation_ids):
    members = {}
    for part in _slices(organisation_ids):
        for user in db.session.scalars(select(User).where(User.organisation_id.in_(part)).order_by(User.id)):
            members.setdefault(user.organisation_id, []).append(user)
    return members


def proposals_link(side):
    """Return the absolute link to the list of an organisation's proposals for one side."""
    return external_url("buyers.my_proposals" if side == BUYER else "producers.my_proposals")


def announce_proposals(items):
    """Tell both sides of new proposals [(id, its column values)]: one mail per member of each organisation.

    An organisation with one new proposal gets that proposal's mail (proposal_new); one with several
    (a matching run) gets a single mail listing them (proposals_new).
    """
    organisation_ids = {row[key] for _, row in items for key in ("buyer_organisation_id", "seller_organisation_id")}
    members = _members_by_organisation(organisation_ids)
    if not members:
        return  # organisations without accounts (synthetic markets): nobody to write to
    received = {}
    for proposal_id, row in items:
        buyer, seller = row["buyer_organisation_id"], row["seller_organisation_id"]
        for side, own in ((BUYER, buyer), (PRODUCER, seller)):
            if own in members:
                received.setdefault((side, own), []).append((proposal_id, row))
    names = {}
    for part in _slices(organisation_ids):
        names.update(db.session.execute(select(Organisation.id, Organisation.name).where(Organisation.id.in_(part))).all())
    for (side, own), proposals in received.items():
        if len(proposals) == 1:
            _announce_one(members[own], side, names, *proposals[0])
        else:
            _announce_list(members[own], side, names, proposals)


def _counterpart(row, side):
    return row["seller_organisation_id"] if side == BUYER else row["buyer_organisation_id"]


def _announce_one(users, side, names, proposal_id, row):
    for user in users:
        notify(user, "proposal_new", subject_params=_subject(user, row["quantity"], row["category"]),
               role=side, counterpart=names[_counterpart(row, side)], quantity=row["quantity"],
               category=row["category"], unit_price_cents=row["unit_price_cents"],
               expires_at=row["expires_at"], link=proposal_link(proposal_id, side))


def _announce_list(users, side, names, proposals):
    # Newest first, as the proposals page lists them: the mail shows the top of that page.
    shown = sorted(proposals, key=lambda item: item[0], reverse=True)[:PROPOSALS_LISTED_PER_MAIL]
    lines = [{"counterpart": names[_counterpart(row, side)], "quantity": row["quantity"],
              "category": row["category"], "unit_price_cents": row["unit_price_cents"],
              "expires_at": row["expires_at"], "link": proposal_link(proposal_id, side)}
             for proposal_id, row in shown]
    count, link = len(proposals), proposals_link(side)
    for user in users:
        notify(user, "proposals_new", subject_params={"count": format_decimal(count, locale=user.locale or "fr")},
               role=side, count=count, proposals=lines, more=count - len(lines), list_link=link)


def _side_members(proposal, side):
    organisation = proposal.buyer_organisation if side == BUYER else proposal.seller_organisation
    return organisation.members


def _other(side):
    return PRODUCER if side == BUYER else BUYER


def tell_decision(proposal, deciding_side, event, reason=None):
    """Tell the other side that deciding_side accepted or declined (event proposal_accepted/declined)."""
    side = _other(deciding_side)
    counterpart = (proposal.buyer_organisation if deciding_side == BUYER else proposal.seller_organisation).name
    for user in _side_members(proposal, side):
        notify(user, event, subject_params={"category": proposal.category},
               counterpart=counterpart, quantity=proposal.quantity, category=proposal.category,
               reason=reason, link=proposal_link(proposal.id, side))


def tell_decisions(proposals, deciding_side, event, reason=None):
    """Tell the other side of several decisions of one side: one mail per member of each counterpart organisation.

    An organisation concerned by one decision gets that decision's mail (event: proposal_accepted or
    proposal_declined); one concerned by several gets a single mail listing them (proposals_accepted/declined).
    """
    side = _other(deciding_side)
    concerned = {}
    for proposal in proposals:
        own = proposal.buyer_organisation_id if side == BUYER else proposal.seller_organisation_id
        concerned.setdefault(own, []).append(proposal)
    for group in concerned.values():
        if len(group) == 1:
            tell_decision(group[0], deciding_side, event, reason)
        else:
            _tell_list(group, deciding_side, event.replace("proposal_", "proposals_"), reason)


def _tell_list(proposals, deciding_side, event, reason):
    side, first = _other(deciding_side), proposals[0]
    counterpart = (first.buyer_organisation if deciding_side == BUYER else first.seller_organisation).name
    shown = sorted(proposals, key=lambda proposal: proposal.id, reverse=True)[:PROPOSALS_LISTED_PER_MAIL]
    lines = [{"quantity": p.quantity, "category": p.category, "unit_price_cents": p.unit_price_cents,
              "link": proposal_link(p.id, side)} for p in shown]
    count, link = len(proposals), proposals_link(side)
    for user in _side_members(first, side):
        notify(user, event, subject_params={"counterpart": counterpart,
                                            "count": format_decimal(count, locale=user.locale or "fr")},
               counterpart=counterpart, count=count, proposals=lines, more=count - len(lines), reason=reason,
               list_link=link)


def tell_expired(proposal):
    """Tell both sides a proposal expired unanswered."""
    for side in (BUYER, PRODUCER):
        counterpart = (proposal.seller_organisation if side == BUYER else proposal.buyer_organisation).name
        for user in _side_members(proposal, side):
            notify(user, "proposal_expired", subject_params={"category": proposal.category},
                   counterpart=counterpart, quantity=proposal.quantity, category=proposal.category,
                   link=proposal_link(proposal.id, side))


def _party(organisation, contact_name, email, phone):
    return {"name": organisation.name, "contact_name": contact_name, "email": email, "phone": phone}


def tell_order(order, proposal):
    """Send the order confirmation with both parties' contacts to both sides."""
    demand = order.demand
    seller = proposal.seller_organisation
    seller_contact = next(iter(seller.members), None)
    buyer = _party(order.buyer_organisation, demand.contact_name, demand.contact_email, demand.contact_phone)
    producer = _party(seller, seller_contact.full_name if seller_contact else "",
                      seller_contact.email if seller_contact else "", None)
    for side in (BUYER, PRODUCER):
        for user in _side_members(proposal, side):
            notify(user, "order_confirmed", subject_params=_subject(user, order.quantity, order.category),
                   reference=order.number, category=order.category, quantity=order.quantity,
                   total_cents=order.quantity * order.unit_price_cents, buyer=buyer, producer=producer,
                   link=external_url("orders.show", order_id=order.id))


def tell_pool_members(demand):
    """Send each member of a pool its share once the pool's demand received an order."""
    pool = demand.pool
    if pool is None:
        return
    shares = {share.key: share for share in member_shares(pool)}
    link = external_url("buyers.pool", pool_id=pool.id)
    for membership in pool.memberships:
        share = shares.get(membership.organisation_id)
        if share is not None:
            notify(membership.user, "pool_matched", subject_params={"category": pool.category},
                   pool=pool, membership=membership, share=share, link=link)
