from pathlib import Path

from alembic.config import Config
from alembic.script import ScriptDirectory

from tests.support.schema import schema_differences

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def test_there_is_a_single_migration_head():
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    assert len(ScriptDirectory.from_config(config).get_heads()) == 1


def test_the_migrations_build_exactly_the_models_schema_on_sqlite(app):
    assert schema_differences() == []
