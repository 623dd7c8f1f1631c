"""Whether this process can serve: its database and, when tasks are queued, Redis answer."""
import redis
from flask import current_app
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from ..extensions import db


def check_readiness():
    """Return {"database": "ok" | error, "redis": "ok" | error | "unused"} for a load balancer's probe."""
    return {"database": _database(), "redis": _redis()}


def _database():
    try:
        db.session.execute(text("SELECT 1"))
        return "ok"
    except SQLAlchemyError as error:
        db.session.rollback()
        return type(error).__name__


def _redis():
    url = current_app.config["REDIS_URL"]
    if not url:
        return "unused"  # the embedded default: tasks run in-process
    client = redis.Redis.from_url(url, **current_app.config["REDIS_CLIENT_OPTIONS"])
    try:
        client.ping()
        return "ok"
    except redis.RedisError as error:
        return type(error).__name__
    finally:
        client.close()
