"""What each built-in program asks the database, snapshotted so a change shows in review.

Set CARECYCLE_UPDATE_SNAPSHOTS=1 to rewrite the snapshots after a deliberate change.
"""

from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path

import ibis
import pytest

from carecycle.engine.plan import due_touches, eligible
from carecycle.programs.loader import builtin_programs
from carecycle.store import schema

EXCLUDED = re.compile(r"EXCLUDE \(([^)]*)\)")
SNAPSHOTS = Path(__file__).parent / "snapshots"
AS_OF = date(2026, 6, 1)


def _tables() -> dict[str, object]:
    con = ibis.duckdb.connect()
    for table in schema.metadata.sorted_tables:
        con.raw_sql(str(_ddl(table)))
    return {name: con.table(name) for name in schema.metadata.tables}


def _sql(expr: object) -> str:
    text = ibis.to_sql(expr, dialect="duckdb")
    # Ibis lists dropped columns in set order, which varies between processes.
    return EXCLUDED.sub(lambda m: "EXCLUDE (" + ", ".join(sorted(m[1].split(", "))) + ")", text)


def _ddl(table: object) -> str:
    import sqlalchemy as sa
    from duckdb_engine import Dialect

    assert isinstance(table, sa.Table)
    return str(sa.schema.CreateTable(table).compile(dialect=Dialect()))


@pytest.mark.parametrize("found", builtin_programs(), ids=lambda f: f.program.id)
def test_compiled_plan_sql_matches_its_snapshot(found: object) -> None:
    program = found.program  # type: ignore[attr-defined]
    tables = _tables()
    due = due_touches(tables, program, AS_OF)
    # The planner materialises each step, so the next one reads it as a table.
    settled = ibis.table(due.schema(), name="due_touches")
    sql = "-- due touches\n" + _sql(due) + "\n\n-- eligible, over the settled due touches\n"
    sql += _sql(eligible(settled, tables, program, AS_OF)) + "\n"
    path = SNAPSHOTS / f"{program.id}.sql"
    if os.environ.get("CARECYCLE_UPDATE_SNAPSHOTS") == "1":
        SNAPSHOTS.mkdir(exist_ok=True)
        path.write_text(sql, encoding="utf-8")
    assert path.exists(), f"no snapshot {path.name}: run with CARECYCLE_UPDATE_SNAPSHOTS=1"
    assert sql == path.read_text(encoding="utf-8"), (
        f"{path.name} changed: review the new SQL, then rerun with CARECYCLE_UPDATE_SNAPSHOTS=1"
    )
