from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pyarrow as pa
import pytest
import sqlalchemy as sa

from carecycle.errors import StoreError, StoreLockedError
from carecycle.store import migrate, schema
from carecycle.store.db import Store, open_store


def test_upgrade_creates_every_table(store: Store) -> None:
    names = (
        set(sa.inspect(store.engine).get_table_names())
        if not store.is_duckdb
        else {
            row[0]
            for row in store.ibis()
            .raw_sql("select table_name from information_schema.tables")
            .fetchall()
        }
    )
    assert set(schema.metadata.tables) <= names
    assert migrate.current_revision(store) == migrate.head_revision()


def test_ibis_sees_what_a_command_wrote(store: Store) -> None:
    with store.begin() as conn:
        conn.execute(schema.partners.insert(), [{"partner_id": "P1", "name": "Acme Channel"}])
    assert store.ibis().table("partners").count().execute() == 1


def test_staged_arrow_table_joins_with_store_tables(store: Store) -> None:
    data = pa.table({"partner_id": ["P1", "P2"], "name": ["One", "Two"]})
    with store.begin() as conn:
        staged = store.stage(conn, "stage_partners", data)
        conn.execute(
            sa.insert(schema.partners).from_select(["partner_id", "name"], sa.select(staged))
        )
        store.unstage(conn, staged)
    with store.begin() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(schema.partners)).scalar() == 2


def test_locked_duckdb_file_names_the_holding_process(held_duckdb: tuple[Path, int]) -> None:
    path, pid = held_duckdb
    with pytest.raises(StoreLockedError) as caught:
        open_store(f"duckdb:///{path}")
    message = str(caught.value)
    assert f"process {pid}" in message
    assert "duckdb.connect" in message
    assert "\n" not in message


def test_unreachable_postgres_is_a_one_line_error() -> None:
    with pytest.raises(StoreError) as caught:
        open_store("postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2")
    assert "cannot open the store" in str(caught.value)


def test_store_at_older_revision_is_refused(store_url: str) -> None:
    opened = open_store(store_url)
    try:
        migrate.upgrade(opened)
        with opened.begin() as conn:
            conn.execute(sa.text("update alembic_version set version_num = '0000'"))
        with pytest.raises(StoreError, match="carecycle db upgrade"):
            migrate.ensure_current(opened)
    finally:
        opened.close()


def test_migrations_build_exactly_the_schema(store: Store) -> None:
    query = sa.text(
        "select table_name, column_name from information_schema.columns "
        "where table_schema = current_schema() and table_name <> 'alembic_version'"
    )
    with store.begin() as conn:
        migrated = {(t, c) for t, c in conn.execute(query)}
    declared = {(t.name, c.name) for t in schema.metadata.sorted_tables for c in t.columns}
    assert migrated == declared


def test_ibis_on_postgresql_keeps_the_url_parameters(postgres_url: str) -> None:
    opened = open_store(f"{postgres_url}?application_name=carecycle-test")
    try:
        shown = opened.ibis().raw_sql("show application_name").fetchall()
    finally:
        opened.close()
    assert shown == [("carecycle-test",)]


def test_upgrading_stamps_each_touch_with_the_first_event_of_each_kind(store_url: str) -> None:
    opened = open_store(store_url)
    try:
        migrate.upgrade(opened, "0003")
        day = date(2026, 3, 2)
        touch = {
            "touch_uid": "u1", "program_id": "care", "touch_id": "call", "account_id": "A1",
            "cycle": "G1", "program_revision": 1, "stage_id": "use", "channel": "tsr_call",
            "content": "call", "priority": 1, "due_on": day, "planned_on": day,
            "expires_on": day, "status": "reached", "created_on": day, "updated_on": day,
        }  # fmt: skip
        events = [
            ("u1", "sent", datetime(2026, 3, 2, 9)),
            ("u1", "call_back", datetime(2026, 3, 3, 10)),
            ("u1", "reached", datetime(2026, 3, 5, 11)),
            ("u1", "not_reached", datetime(2026, 3, 2, 15)),
        ]
        with opened.begin() as conn:
            columns = ", ".join(touch)
            values = ", ".join(f":{name}" for name in touch)
            conn.execute(sa.text(f"insert into touches ({columns}) values ({values})"), touch)
            conn.execute(
                sa.text(
                    "insert into touch_events (event_id, touch_uid, status, occurred_at) "
                    "values (:id, :uid, :status, :at)"
                ),
                [
                    {"id": f"e{k}", "uid": u, "status": s, "at": a}
                    for k, (u, s, a) in enumerate(events)
                ],
            )
        migrate.upgrade(opened)
        t = schema.touches
        with opened.begin() as conn:
            stamped = conn.execute(sa.select(t.c.sent_at, t.c.attempted_at, t.c.reached_at)).one()
    finally:
        opened.close()
    assert tuple(stamped) == (
        datetime(2026, 3, 2, 9),
        datetime(2026, 3, 2, 15),
        datetime(2026, 3, 5, 11),
    )
