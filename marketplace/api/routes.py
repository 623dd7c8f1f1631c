"""A small read-only JSON API."""
from flask import jsonify
from sqlalchemy import text

from ..domain.geography import departements, regions
from ..extensions import db, talisman
from ..services.readiness import check_readiness
from ..web.access import public
from . import bp

# Load balancers and orchestrators probe in plain http from inside: these two answer on any scheme,
# where production redirects every other http request to https (a redirect reads as "down").
any_scheme = talisman(force_https=False)


@bp.get("/health")
@public
@any_scheme
def health():
    """Tell whether the application can reach its database."""
    db.session.execute(text("SELECT 1"))
    return jsonify(status="ok")


@bp.get("/ready")
@public
@any_scheme
def ready():
    """Tell whether this process can serve: 200 when its database and Redis answer, 503 otherwise."""
    checks = check_readiness()
    ready = all(result in ("ok", "unused") for result in checks.values())
    return jsonify(status="ready" if ready else "unavailable", **checks), 200 if ready else 503


@bp.get("/regions")
@public
def list_regions():
    """List the regions and their départements with their official codes."""
    return jsonify(
        regions=[
            {
                "code": r.code,
                "name": r.name,
                "overseas": r.overseas,
                "departements": [{"code": d.code, "name": d.name} for d in departements().values() if d.region_code == r.code],
            }
            for r in regions().values()
        ]
    )
