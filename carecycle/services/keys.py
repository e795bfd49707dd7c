"""Use case: the store's own secrets, made on first use and kept with the data."""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert

from carecycle.store import schema
from carecycle.store.db import Store

LINK_SECRET = "link_secret"


def link_secret(store: Store, configured: str | None = None) -> bytes:
    """Return the key that signs links: the configured one, else the store's own."""
    if configured:
        return configured.encode()
    table = schema.platform_settings
    with store.begin() as conn:
        made = secrets.token_hex(32)
        conn.execute(pg_insert(table).values(name=LINK_SECRET, value=made).on_conflict_do_nothing())
        kept = conn.execute(sa.select(table.c.value).where(table.c.name == LINK_SECRET)).scalar()
    assert kept is not None
    return str(kept).encode()
