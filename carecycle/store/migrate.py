"""Schema migrations with Alembic, on DuckDB and PostgreSQL alike."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.ddl.impl import DefaultImpl
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from carecycle.errors import StoreError
from carecycle.store.db import Store

_SCRIPTS = Path(__file__).parent / "migrations"


class DuckDBImpl(DefaultImpl):
    """Lets Alembic drive the duckdb dialect like any other."""

    __dialect__ = "duckdb"
    transactional_ddl = True


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(_SCRIPTS))
    return config


def head_revision() -> str:
    """Return the newest revision the code knows."""
    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None
    return head


def current_revision(store: Store) -> str | None:
    """Return the revision the store is at, or None for an empty store."""
    with store.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(store: Store, revision: str = "head") -> tuple[str | None, str]:
    """Migrate the store to `revision`; return the revisions before and after."""
    before = current_revision(store)
    config = _config()
    with store.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, revision)
    return before, current_revision(store) or ""


def ensure_current(store: Store) -> None:
    """Create the schema in an empty store; refuse a store at an older revision."""
    current = current_revision(store)
    if current is None:
        upgrade(store)
        return
    if current != head_revision():
        raise StoreError(
            f"the store is at schema revision {current}, this version needs "
            f"{head_revision()}: run `carecycle db upgrade`"
        )
