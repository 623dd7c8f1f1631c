"""Pages anyone can see: home, the producers directory, the language switch."""
from flask import abort, current_app, redirect, render_template, request, session, url_for
from flask_login import current_user

from ..services import accounts, directory
from ..web import is_safe_redirect
from . import bp


@bp.get("/")
def home():
    """Explain the marketplace."""
    return render_template("public/home.html", figures=directory.marketplace_figures())


@bp.get("/producers")
def producers():
    """List the producers and importers registered on the marketplace."""
    page = request.args.get("page", 1, type=int)
    region = request.args.get("region") or None
    pagination = directory.producers_page(page=page, region_code=region)
    return render_template("public/producers.html", pagination=pagination, region=region)


@bp.post("/language/<code>")
def set_language(code):
    """Switch the interface language, for this visit and the user's mail."""
    if code not in current_app.config["LANGUAGES"]:
        abort(404)
    session["locale"] = code
    if current_user.is_authenticated:
        accounts.set_locale(current_user, code)
    target = request.form.get("next")
    return redirect(target if is_safe_redirect(target) else url_for("public.home"))
