from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

from core import migrate
from core.db import Database
from core.models import Base


def test_migrations_match_the_models(database: Database) -> None:
    """The schema the migrations build is exactly the one the models declare."""
    assert migrate.is_up_to_date(database)
    with database.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_upgrade_is_idempotent(database: Database) -> None:
    migrate.upgrade(database)
    assert migrate.current_revision(database) == migrate.head_revision()


def test_sqlite_runs_in_wal_with_a_busy_timeout(tmp_path) -> None:
    database = Database(f"sqlite:///{tmp_path / 'x.db'}")
    with database.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 30000
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
    database.dispose()
