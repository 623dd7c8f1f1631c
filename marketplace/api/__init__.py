from flask import Blueprint

from ..extensions import csrf

bp = Blueprint("api", __name__)
# The API is stateless JSON for machines; it takes no form posts authenticated by cookie.
csrf.exempt(bp)

from . import routes  # noqa: E402,F401
