"""Buyers' pages: their demands and their pooled purchases."""
from decimal import Decimal

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..domain.errors import DomainError
from ..domain.geography import regions
from ..domain.masks import CATEGORIES
from ..domain.organisations import OrganisationKind, SECTORS
from ..domain.priority import priority_label
from ..models import Proposal
from ..services import demands, orders, pools, proposals
from ..web.access import buyer_required, ensure_can_see_pool, ensure_member_of
from ..web.fields import bounded_int
from ..web.forms import ConfirmForm, apply_domain_error, category_choices, domain_message, validate_all
from . import bp
from .forms import DemandForm, JoinPoolForm, PoolForm


def catalogue_url(category, region_code):
    """Link to the public catalogue filtered like a demand."""
    return url_for("public.catalogue", category=category, region=region_code)


def _own_demand(demand_id):
    demand = demands.get_demand(demand_id)
    if demand is None:
        abort(404)
    ensure_member_of(demand.organisation_id)
    return demand


def _run(action, success, *args):
    """Call a service for a button; flash its refusal instead of failing."""
    try:
        action(current_user, *args)
    except DomainError as error:
        flash(domain_message(error), "danger")
    else:
        flash(success, "success")


@bp.get("/demands")
@buyer_required
def my_demands():
    """List the organisation's demands with their status."""
    page = request.args.get("page", 1, type=bounded_int)
    pagination = demands.organisation_demands_page(current_user.organisation_id, page)
    return render_template("buyers/demands.html", pagination=pagination)


@bp.route("/demands/new", methods=["GET", "POST"])
@buyer_required
def new_demand():
    """Post a demand."""
    form = DemandForm()
    if request.method == "GET":
        form.region_code.data = current_user.organisation.region_code
        form.departement_code.data = current_user.organisation.departement_code
        form.contact_name.data, form.contact_email.data = current_user.full_name, current_user.email
    if validate_all(form, lambda f: demands.check_demand(current_user.organisation, f.checkable_data())):
        try:
            demand = demands.post_demand(current_user, form.demand_data())
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            flash(_("Your demand is posted."), "success")
            return redirect(url_for("buyers.demand", demand_id=demand.id))
    return render_template("buyers/demand_form.html", form=form, demand=None)


@bp.get("/demands/<int:demand_id>")
@buyer_required
def demand(demand_id):
    """Show one of the organisation's demands, its proposals and orders."""
    demand = _own_demand(demand_id)
    return render_template(
        "buyers/demand.html", demand=demand, confirm=ConfirmForm(), priority=priority_label(demand.priority_rank),
        catalogue=catalogue_url(demand.category, demand.region_code),
        proposals=proposals.proposals_of(Proposal.demand_id, demand.id), orders=orders.orders_of_demand(demand.id),
    )


@bp.route("/demands/<int:demand_id>/edit", methods=["GET", "POST"])
@buyer_required
def edit_demand(demand_id):
    """Change an open demand."""
    demand = _own_demand(demand_id)
    form = DemandForm(obj=demand)
    if request.method == "GET":
        form.max_unit_price.data = Decimal(demand.max_unit_price_cents) / 100
    if validate_all(form, lambda f: demands.check_demand(demand.organisation, f.checkable_data(), demand.id)):
        try:
            demands.update_demand(current_user, demand, form.demand_data())
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            flash(_("Your demand is updated."), "success")
            return redirect(url_for("buyers.demand", demand_id=demand.id))
    return render_template("buyers/demand_form.html", form=form, demand=demand)


@bp.post("/demands/<int:demand_id>/cancel")
@buyer_required
def cancel_demand(demand_id):
    """Cancel a live demand."""
    demand = _own_demand(demand_id)
    if ConfirmForm().validate_on_submit():
        _run(demands.cancel_demand, _("Your demand is cancelled."), demand)
    return redirect(url_for("buyers.demand", demand_id=demand.id))


@bp.get("/pools")
@buyer_required
def my_pools():
    """List the pools the organisation runs or joined, and the open pools of a sector, region and category."""
    organisation = current_user.organisation
    sector = request.args.get("sector") or organisation.sector
    sector = sector if sector in SECTORS else None
    region = request.args.get("region") if request.args.get("region") in regions() else None
    category = request.args.get("category") if request.args.get("category") in CATEGORIES else None
    is_company = organisation.kind == OrganisationKind.COMPANY
    joinable = pools.open_sector_pools(sector, region, category) if is_company and sector else []
    return render_template("buyers/pools.html", pools=pools.pools_of(organisation.id), joinable=joinable,
                           sector=sector, sectors=SECTORS, region=region, category=category,
                           categories=category_choices(), is_company=is_company)


@bp.route("/pools/new", methods=["GET", "POST"])
@buyer_required
def new_pool():
    """Open a pooled purchase."""
    form = PoolForm()
    if request.method == "GET":
        form.region_code.data = current_user.organisation.region_code
        form.departement_code.data = current_user.organisation.departement_code
    if form.validate_on_submit():
        try:
            pool = pools.open_pool(current_user, form.place_and_price())
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            flash(_("Your pool is open. Companies can now join it."), "success")
            return redirect(url_for("buyers.pool", pool_id=pool.id))
    return render_template("buyers/pool_form.html", form=form)


def _render_pool(pool, join_form=None, by_link=False):
    membership = pool.membership_of(current_user.organisation_id)
    # Being a member of a sector pool means the SME box was ticked: keep it ticked for a new quantity.
    join_form = join_form or JoinPoolForm(obj=membership, in_sector=membership is not None)
    shares = {s.key: s for s in pools.member_shares(pool)}
    return render_template(
        "buyers/pool.html", pool=pool, membership=membership, join_form=join_form, confirm=ConfirmForm(),
        runs_it=pool.organisation_id == current_user.organisation_id, shares=shares, by_link=by_link,
    )


@bp.get("/pools/<int:pool_id>")
@buyer_required
def pool(pool_id):
    """Show a pool: everything to the organisation running it, its own share to a member."""
    pool = pools.get_pool(pool_id)
    ensure_can_see_pool(pool)
    return _render_pool(pool)


@bp.get("/pools/join/<code>")
@buyer_required
def pool_by_link(code):
    """Show a company's pool to a subcontractor who received its link."""
    pool = pools.pool_by_code(code)
    ensure_can_see_pool(pool, by_link=True)
    return _render_pool(pool, by_link=True)


@bp.post("/pools/<int:pool_id>/join")
@buyer_required
def join_pool(pool_id):
    """Join a pool, or change the quantity asked."""
    pool = pools.get_pool(pool_id)
    by_link = request.form.get("code") == (pool.join_code if pool else None)
    ensure_can_see_pool(pool, by_link=by_link)
    form = JoinPoolForm()
    if form.validate_on_submit():
        try:
            pools.join_pool(current_user, pool, form.quantity.data, form.in_sector.data)
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            flash(_("Your quantity is recorded in the pool."), "success")
            return redirect(url_for("buyers.pool", pool_id=pool.id))
    return _render_pool(pool, form, by_link)


@bp.post("/pools/<int:pool_id>/leave")
@buyer_required
def leave_pool(pool_id):
    """Withdraw from an open pool."""
    pool = pools.get_pool(pool_id)
    ensure_can_see_pool(pool)
    if ConfirmForm().validate_on_submit():
        _run(pools.leave_pool, _("You left the pool."), pool)
    return redirect(url_for("buyers.my_pools"))


def _run_pool(pool_id, action, success):
    pool = pools.get_pool(pool_id)
    if pool is None:
        abort(404)
    ensure_member_of(pool.organisation_id)
    if ConfirmForm().validate_on_submit():
        _run(action, success, pool)
    return redirect(url_for("buyers.pool", pool_id=pool.id))


@bp.post("/pools/<int:pool_id>/submit")
@buyer_required
def submit_pool(pool_id):
    """Submit a pool that reached a lot as one demand."""
    return _run_pool(pool_id, pools.submit_pool, _("The pool is submitted as one demand."))


@bp.post("/pools/<int:pool_id>/cancel")
@buyer_required
def cancel_pool(pool_id):
    """Cancel an open pool."""
    return _run_pool(pool_id, pools.cancel_pool, _("The pool is cancelled."))
