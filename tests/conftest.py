"""Fixtures shared by every test: a fresh store on DuckDB and on PostgreSQL."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from carecycle.store import migrate
from carecycle.store.db import Store, open_store

DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def postgres_admin_url() -> str:
    """Return the PostgreSQL URL tests may create databases from."""
    return os.environ.get("CARECYCLE_TEST_DATABASE_URL", DEFAULT_PG_URL)


def _unavailable(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"PostgreSQL is required when CI=true: {reason}")
    pytest.skip(f"PostgreSQL not reachable ({reason}); set CARECYCLE_TEST_DATABASE_URL")


def _fresh_postgres_url() -> Iterator[str]:
    admin = postgres_admin_url()
    name = f"carecycle_t_{uuid.uuid4().hex[:12]}"
    try:
        engine = sa.create_engine(admin, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except sa.exc.OperationalError as exc:
        _unavailable(str(exc.orig).strip().splitlines()[0])
    url = sa.make_url(admin).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with engine.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()


HOLD_LOCK = "import duckdb,sys; c=duckdb.connect(sys.argv[1]); print('ok', flush=True); input()"


@pytest.fixture
def held_duckdb(tmp_path: Path) -> Iterator[tuple[Path, int]]:
    """Yield a DuckDB file and the pid of another process that holds its lock."""
    path = tmp_path / "held.duckdb"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "ok"
        yield path, holder.pid
    finally:
        holder.kill()
        holder.wait()


@pytest.fixture(params=["duckdb", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Yield the URL of an empty store, once per backend."""
    if request.param == "duckdb":
        yield f"duckdb:///{tmp_path / 'store.duckdb'}"
    else:
        yield from _fresh_postgres_url()


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """Yield the URL of a fresh, empty PostgreSQL database."""
    yield from _fresh_postgres_url()


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    """Yield an empty store at the current schema revision, on each backend."""
    opened = open_store(store_url)
    migrate.upgrade(opened)
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture(scope="module", params=["duckdb", "postgresql"])
def module_store(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Store]:
    """Yield a store shared by one test module, once per backend (for costly set-ups)."""
    if request.param == "duckdb":
        urls: Iterator[str] = iter(
            [f"duckdb:///{tmp_path_factory.mktemp('store') / 'store.duckdb'}"]
        )
    else:
        urls = _fresh_postgres_url()
    for url in urls:
        opened = open_store(url)
        migrate.upgrade(opened)
        try:
            yield opened
        finally:
            opened.close()


@pytest.fixture
def smtp() -> Iterator[tuple[Any, int]]:
    """Yield a real SMTP server's mailbox and port."""
    from tests.smtp_server import smtp_server

    with smtp_server() as running:
        yield running
