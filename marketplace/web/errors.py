"""Error pages in the user's language, and JSON errors for the API."""
import sys

from flask import current_app, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError, SecurityError

from ..extensions import db


def _messages():
    return {
        400: _("The request could not be understood."),
        403: _("You are not allowed to see this page."),
        404: _("This page does not exist."),
        405: _("This action is not allowed here."),
        413: _("The file is too large."),
        409: _("Someone else changed the same data at the same moment, so nothing was saved. Please try again."),
        429: _("Too many attempts. Please try again in a minute."),
        500: _("Something went wrong on our side. Please try again later."),
    }


def _titles():
    return {
        400: _("Request not understood"),
        403: _("Access denied"),
        404: _("Page not found"),
        405: _("Action not allowed"),
        409: _("Please try again"),
        413: _("File too large"),
        429: _("Too many attempts"),
        500: _("Server error"),
    }


def _render(status, message):
    if request.path.startswith("/api/"):
        return jsonify(error={"status": status, "message": message}), status
    title = _titles().get(status, _("Error"))
    return render_template("errors/error.html", status=status, title=title, message=message), status


def handle_http_error(error):
    """Render an HTTP error as a page, or as JSON under /api/."""
    message = _messages().get(error.code, error.description)
    return _render(error.code, message)


def handle_untrusted_host(error):
    """Refuse a request for a host not in TRUSTED_HOSTS, in plain text: no URL can be built for it."""
    return _("The request could not be understood."), 400, {"Content-Type": "text/plain; charset=utf-8"}


def handle_csrf_error(error):
    """Explain an expired or missing form token instead of a bare 400."""
    return _render(400, _("The form has expired. Please go back, reload the page and try again."))


def handle_unexpected_error(error):
    """Roll back and show a 500 page; the exception is logged by Flask."""
    db.session.rollback()
    return handle_http_error(InternalServerError())


# PostgreSQL undid the whole transaction and the same request would most likely succeed now:
# deadlock detected, serialization failure.
RETRYABLE_SQLSTATES = ("40P01", "40001")


def handle_database_error(error):
    """Ask the user to try again after a deadlock or serialization failure; any other is a 500."""
    if getattr(error.orig, "sqlstate", None) not in RETRYABLE_SQLSTATES:
        current_app.log_exception(sys.exc_info())
        return handle_unexpected_error(error)
    db.session.rollback()
    current_app.logger.warning("%s %s: %s; the user is asked to try again", request.method, request.path, error.orig)
    return _render(409, _messages()[409])


def register(app):
    app.register_error_handler(OperationalError, handle_database_error)
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(SecurityError, handle_untrusted_host)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(InternalServerError, handle_unexpected_error)
