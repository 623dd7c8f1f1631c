"""A small read-only JSON API."""
from flask import jsonify
from sqlalchemy import text

from ..domain.geography import departements, regions
from ..extensions import db
from ..web.access import public
from . import bp


@bp.get("/health")
@public
def health():
    """Tell whether the application can reach its database."""
    db.session.execute(text("SELECT 1"))
    return jsonify(status="ok")


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
