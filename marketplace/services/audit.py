"""Record decisions in the audit log."""
from ..extensions import db
from ..models import AuditEntry


def record_decision(actor, action, obj, *, before=None, after=None, reason=None, region_code=None):
    """Add an audit entry for a decision on obj; the caller's transaction commits it."""
    entry = AuditEntry(
        actor_id=actor.id if actor is not None else None,
        action=action,
        object_type=type(obj).__name__,
        object_id=obj.id,
        region_code=region_code or getattr(obj, "region_code", None),
        before=before,
        after=after,
        reason=reason,
    )
    db.session.add(entry)
    return entry
