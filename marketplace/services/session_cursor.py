"""A psycopg cursor on the session's own connection, for the bulk statements of national runs.

Same transaction as the session. Reading or writing hundreds of thousands of rows through
SQLAlchemy's per-row processing would cost more than the statements themselves; PostgreSQL only.
"""
from contextlib import contextmanager

from ..extensions import db


@contextmanager
def session_cursor():
    """Yield a psycopg cursor on the session's connection, closed after the block."""
    with db.session.connection().connection.dbapi_connection.cursor() as cursor:
        yield cursor
