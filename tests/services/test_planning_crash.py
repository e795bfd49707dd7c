"""A planner killed half-way and started again plans every touch exactly once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import date, datetime
from pathlib import Path

import sqlalchemy as sa

from carecycle.services.imports import files_in, import_files
from carecycle.services.planning import plan_program
from carecycle.store import migrate, schema
from carecycle.store.db import open_store
from carecycle.synth.files import write_world
from carecycle.synth.world import generate_world
from tests.services.planning_world import smb

AS_OF = date(2026, 6, 1)
KEY = ("program_id", "touch_id", "account_id", "cycle")


def _stored(url: str) -> list[tuple[object, ...]]:
    store = open_store(url)
    try:
        table = schema.touches
        with store.begin() as conn:
            rows = conn.execute(sa.select(*(table.c[k] for k in KEY), table.c.status)).all()
        return [tuple(row) for row in rows]
    finally:
        store.close()


def _plan_command(url: str) -> list[str]:
    return [
        sys.executable, "-m", "carecycle", "--database-url", url,
        "plan", "--program", "smb-customer-care", "--as-of", AS_OF.isoformat(),
    ]  # fmt: skip


def test_a_killed_plan_run_restarted_plans_each_touch_once(store_url: str, tmp_path: Path) -> None:
    world = generate_world(accounts=1500, seed=3, as_of=AS_OF)
    write_world(world, tmp_path / "world", fmt="parquet")
    store = open_store(store_url)
    migrate.upgrade(store)
    import_files(store, files_in(tmp_path / "world"), default_region="CN", now=datetime(2026, 6, 1))
    started = time.monotonic()
    expected = plan_program(store, smb(), AS_OF, dry_run=True)
    took = time.monotonic() - started
    decided = expected.decisions
    want = sorted(zip(*(decided[k].to_pylist() for k in (*KEY, "status")), strict=True))
    store.close()
    assert len(want) > 100
    env = os.environ | {"PYTHONPATH": str(Path.cwd())}
    # Kill the planner at several points of its run; each time the store holds the whole
    # day or nothing of it, never a part.
    for fraction in (0.5, 0.8, 1.0, 1.2):
        runner = subprocess.Popen(_plan_command(store_url), env=env, stderr=subprocess.DEVNULL)
        time.sleep(1.5 + took * fraction)  # the interpreter's start, then part of the run
        runner.send_signal(signal.SIGKILL)
        runner.wait()
        assert sorted(_stored(store_url)) in ([], want)
    finished = subprocess.run(_plan_command(store_url), env=env, capture_output=True, text=True)
    assert finished.returncode == 0, finished.stderr
    stored = _stored(store_url)
    assert sorted(stored) == want
    assert len({row[:4] for row in stored}) == len(stored)
