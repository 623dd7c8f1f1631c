"""Test reports received with a certification form that had errors, kept for the corrected submission.

Each is stored outside the web root under a random token, with the user and organisation it belongs
to and its expiry; only that user can use it, and expired ones are deleted whenever a report is kept.
"""
import json
import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from flask import current_app

from .. import clock

PENDING_FOLDER = "pending"
TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{43}")  # secrets.token_urlsafe(32)


@dataclass(frozen=True)
class PendingReport:
    token: str
    filename: str
    size: int


def _paths(token):
    folder = Path(current_app.config["UPLOAD_DIR"]) / PENDING_FOLDER
    return folder / f"{token}.pdf", folder / f"{token}.json"


def keep_report(user, content, filename):
    """Store a checked report for the user's next submission of the form; return it with its token."""
    discard_expired()
    token = secrets.token_urlsafe(32)
    pdf, meta = _paths(token)
    pdf.parent.mkdir(parents=True, exist_ok=True)
    pdf.write_bytes(content)
    expires_at = clock.utcnow() + current_app.config["PENDING_REPORT_MAX_AGE"]
    meta.write_text(json.dumps({
        "user_id": user.id, "organisation_id": user.organisation_id, "filename": filename,
        "size": len(content), "expires_at": expires_at.isoformat(),
    }))
    return PendingReport(token, filename, len(content))


def _read_meta(meta):
    try:
        info = json.loads(meta.read_text())
        info["expires_at"] = datetime.fromisoformat(info["expires_at"])
        return info
    except (OSError, ValueError, KeyError, TypeError):
        return None


def pending_report(user, token):
    """Return the user's kept report of this token, or None if it is unknown, expired or someone else's."""
    if not isinstance(token, str) or not TOKEN_SHAPE.fullmatch(token):
        return None
    pdf, meta = _paths(token)
    info = _read_meta(meta)
    if (info is None or info.get("user_id") != user.id or info.get("organisation_id") != user.organisation_id
            or info["expires_at"] <= clock.utcnow() or not pdf.is_file()):
        return None
    return PendingReport(token, info["filename"], info["size"])


def report_content(report):
    """Return the bytes of a kept report."""
    return _paths(report.token)[0].read_bytes()


def discard_if_kept(user, token):
    """Delete the user's kept report of this token, once a new one replaces it."""
    if pending_report(user, token) is not None:
        discard(token)


def discard(token):
    """Delete a kept report."""
    for path in _paths(token):
        path.unlink(missing_ok=True)


def discard_expired():
    """Delete the kept reports whose time is up, and any file left without its description."""
    folder = Path(current_app.config["UPLOAD_DIR"]) / PENDING_FOLDER
    if not folder.is_dir():
        return
    now = clock.utcnow()
    for meta in folder.glob("*.json"):
        info = _read_meta(meta)
        if info is None or info["expires_at"] <= now:
            discard(meta.stem)
    oldest = (now - current_app.config["PENDING_REPORT_MAX_AGE"]).timestamp()
    for pdf in folder.glob("*.pdf"):
        if not pdf.with_suffix(".json").exists() and pdf.stat().st_mtime < oldest:
            pdf.unlink(missing_ok=True)
