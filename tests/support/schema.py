"""The migrated database compared with the models."""
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from marketplace.extensions import db


def schema_differences():
    """Return what the models declare that the current database's schema lacks or has otherwise."""
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)
