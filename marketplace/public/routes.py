"""Pages anyone can see: home, the certified producers directory, the catalogue, the language switch."""
from flask import abort, current_app, redirect, render_template, request, session, url_for
from flask_login import current_user

from ..domain.errors import DomainError
from ..domain.offers import parse_price_cents
from ..services import accounts, directory
from ..services.catalogue import CatalogueQuery, DEFAULT_SORT, catalogue_page
from ..web.access import public
from ..web.fields import bounded_int
from ..web.forms import category_choices
from ..web.navigation import is_safe_redirect
from . import bp


@bp.get("/")
@public
def home():
    """Explain the marketplace."""
    return render_template("public/home.html", figures=directory.marketplace_figures())


@bp.get("/favicon.ico")
@public
def favicon():
    """Serve the icon browsers ask for at the site's root."""
    return current_app.send_static_file("favicon.svg")


@bp.get("/producers")
@public
def producers():
    """List the producers whose certifications are verified, like the ministry's published list."""
    page = request.args.get("page", 1, type=bounded_int)
    region = request.args.get("region") or None
    category = request.args.get("category") or None
    pagination, rows = directory.certified_producers_page(page=page, region_code=region, category=category)
    return render_template(
        "public/producers.html", pagination=pagination, rows=rows, region=region, category=category,
        categories=category_choices(),
    )


@bp.get("/catalogue")
@public
def catalogue():
    """List the approved offers: filter by category, region, quantity and price; sort; page through."""
    args = request.args
    query = CatalogueQuery(
        category=args.get("category") or None,
        region=args.get("region") or None,
        min_quantity=args.get("min_quantity", type=bounded_int),
        max_price_cents=_price_cents(args.get("max_price")),
        sort=args.get("sort", DEFAULT_SORT),
    )
    page = catalogue_page(query, after=args.get("after"), before=args.get("before"))
    return render_template(
        "public/catalogue.html", page=page, query=query, max_price=args.get("max_price", ""),
        categories=category_choices(),
    )


def _price_cents(raw):
    try:
        return parse_price_cents(raw) if raw else None
    except DomainError:
        return None


@bp.post("/language/<code>")
@public
def set_language(code):
    """Switch the interface language, for this visit and the user's mail."""
    if code not in current_app.config["LANGUAGES"]:
        abort(404)
    session["locale"] = code
    if current_user.is_authenticated:
        accounts.set_locale(current_user, code)
    target = request.form.get("next")
    return redirect(target if is_safe_redirect(target) else url_for("public.home"))
