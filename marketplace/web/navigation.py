"""Where a visitor goes next: safe redirects, the page to come back to, the user's own area."""
from urllib.parse import unquote, urlsplit

from flask import request, url_for
from flask_babel import get_locale
from werkzeug.exceptions import HTTPException

from ..domain.roles import Role


def is_safe_redirect(target):
    """Accept only a path on this site as a destination: "/catalogue?page=2", never "//evil.example"."""
    if not target or not target.startswith("/"):
        return False
    # Browsers drop tabs and newlines, read "\\" as "/" and resolve "." segments, so "/\t/x", "/\\x",
    # "/.//x" and "////x" all lead off-site: the path must be plain segments, even once decoded.
    if any(char.isspace() or not char.isprintable() for char in target):
        return False
    path = unquote(target.split("?", 1)[0].split("#", 1)[0])
    segments = path.split("/")[1:]
    return "\\" not in path and all(segment not in ("", ".", "..") for segment in segments[:-1])


def _shows_on_get(path):
    try:
        request.url_rule.map.bind("", path_info=path).match(method="GET")
    except HTTPException:
        return False
    return True


def page_to_return_to():
    """Return the local page a visitor is on, one a GET can reopen (a form re-shown after a POST isn't)."""
    if request.method == "GET" or request.url_rule is None:
        return request.full_path if request.query_string else request.path
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc == request.host and _shows_on_get(referrer.path):
        return referrer.path + (f"?{referrer.query}" if referrer.query else "")
    # No usable referrer: the object the form acts on (/orders/3/payment -> /orders/3).
    path = request.path.rstrip("/")
    while "/" in path.lstrip("/"):
        path = path.rsplit("/", 1)[0]
        if _shows_on_get(path):
            return path
    return url_for("public.home")


def locale_of_request():
    """Return the language the visitor is using."""
    return str(get_locale())


def area_url(user):
    """Return the address of the user's own area: admin dashboard, producer or buyer area."""
    if user.is_admin:
        return url_for("admin.dashboard")
    if user.role == Role.PRODUCER_MEMBER:
        return url_for("producers.dashboard")
    if user.role == Role.BUYER_MEMBER:
        return url_for("buyers.my_demands")
    return url_for("public.home")
