"""Daily planning speed: the SMB Customer Care program over a synthetic base of N accounts.

Builds the world (synth, then import into a DuckDB file) unless --store names one built
before, then plans three consecutive days: the first (every account meets the program,
the backlog within each touch's grace is due, holdout arms are logged) and two ordinary
days. Prints seconds per day, touches decided and peak memory of this process, and the
ratio to a straightforward baseline run in the same process on a sample of accounts:
for each account, one query each for its agreements, contacts, orders and touches, then
the program's triggers, windows and conditions evaluated in Python, row by row. The
baseline leaves out caps and capacity, so the ratio is a lower bound.

    python bench/bench_plan.py [--accounts 1000000] [--store PATH] [--sample 500]
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from carecycle.engine.triggers import moment_on
from carecycle.programs.conditions import Compare, Received
from carecycle.programs.loader import ProgramFile, builtin_programs
from carecycle.services.planning import plan_program
from carecycle.store import schema
from carecycle.store.db import Store, open_store

AS_OF = dt.date(2026, 6, 1)


def build(accounts: int, folder: Path) -> Path:
    """Generate and import a world in a child process (its memory is not ours)."""
    code = (
        "import datetime as dt, sys\n"
        "from pathlib import Path\n"
        "from carecycle.synth import generate_world, write_world\n"
        "from carecycle.store.db import open_store\n"
        "from carecycle.store import migrate\n"
        "from carecycle.services.imports import files_in, import_files\n"
        "n, folder = int(sys.argv[1]), Path(sys.argv[2])\n"
        f"as_of = dt.date.fromisoformat('{AS_OF}')\n"
        "write_world(generate_world(accounts=n, seed=7, as_of=as_of), folder / 'world', "
        "fmt='parquet')\n"
        "store = open_store(f'duckdb:///{folder}/store.duckdb')\n"
        "migrate.upgrade(store)\n"
        "import_files(store, files_in(folder / 'world'), default_region='CN', "
        "now=dt.datetime(2026, 6, 1))\n"
    )
    subprocess.run([sys.executable, "-c", code, str(accounts), str(folder)], check=True)
    return folder / "store.duckdb"


def smb() -> ProgramFile:
    """Return the built-in SMB Customer Care program."""
    return next(p for p in builtin_programs() if p.program.id == "smb-customer-care")


def baseline_account(
    conn: sa.Connection, found: ProgramFile, account_id: str, as_of: dt.date
) -> list[tuple[str, str]]:
    """Return (touch, cycle) pairs due today for one account, decided row by row."""
    program = found.program
    agreements = conn.execute(
        sa.select(schema.agreements).where(schema.agreements.c.account_id == account_id)
    ).all()
    contacts = conn.execute(
        sa.select(schema.contacts).where(schema.contacts.c.account_id == account_id)
    ).all()
    orders = conn.execute(
        sa.select(sa.func.count()).where(schema.orders.c.account_id == account_id)
    ).scalar_one()
    got = conn.execute(
        sa.select(schema.touches.c.touch_id, schema.touches.c.agreement_id).where(
            schema.touches.c.account_id == account_id
        )
    ).all()
    decided = []
    for agreement in agreements:
        anchors: dict[str, dt.date | None] = {
            "start": agreement.start_on,
            "end": agreement.end_on,
            "first_purchase": None,
        }
        facts = {
            "agreement.program": agreement.program,
            "agreement.sa": agreement.sa,
            "orders.count": orders,
        }
        for stage in program.stages:
            start = moment_on(stage.window.start, anchors)
            end = moment_on(stage.window.end, anchors)
            if start is None or end is None or not start <= as_of <= end:
                continue
            for touch in stage.touches:
                due = moment_on(touch.trigger.at, anchors)
                if due is None or not due <= as_of <= due + dt.timedelta(program.grace_of(touch)):
                    continue
                checks = [program.audience, stage.audience, touch.eligibility]
                if all(_holds(c, facts, got, agreement.agreement_id) for c in checks) and any(
                    not c.do_not_contact for c in contacts
                ):
                    decided.append((touch.id, agreement.agreement_id))
    return decided


def _holds(condition: Any, facts: dict[str, Any], got: list[Any], agreement_id: str) -> bool:
    from carecycle.programs.conditions import All, AnyOf, Not

    if isinstance(condition, All):
        return all(_holds(p, facts, got, agreement_id) for p in condition.parts)
    if isinstance(condition, AnyOf):
        return any(_holds(p, facts, got, agreement_id) for p in condition.parts)
    if isinstance(condition, Not):
        return not _holds(condition.part, facts, got, agreement_id)
    if isinstance(condition, Received):
        return any(t.touch_id == condition.touch for t in got)
    if isinstance(condition, Compare):
        value = facts.get(condition.fact)
        if condition.op == "in":
            return value in condition.value
        if condition.op == "ge":
            return value is not None and value >= condition.value
        return bool(value == condition.value)
    return True


def run_baseline(store: Store, found: ProgramFile, sample: int, as_of: dt.date) -> float:
    """Return seconds per account of the row-by-row baseline over a sample."""
    with store.begin() as conn:
        ids = conn.execute(sa.select(schema.accounts.c.account_id).limit(sample)).scalars().all()
        started = time.perf_counter()
        for account_id in ids:
            baseline_account(conn, found, account_id, as_of)
        return (time.perf_counter() - started) / max(len(ids), 1)


def main() -> None:
    """Build or open the world, plan three days, run the baseline and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=1_000_000)
    parser.add_argument("--store", type=Path, help="a DuckDB store built by an earlier run")
    parser.add_argument("--sample", type=int, default=500)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="carecycle-bench-plan-"))
    if args.store is None:
        print(f"building a world of {args.accounts:,} accounts in {folder} …", flush=True)
        path = build(args.accounts, folder)
    else:
        path = args.store
    store = open_store(f"duckdb:///{path}")
    found = smb()
    with store.begin() as conn:
        accounts = conn.execute(sa.select(sa.func.count()).select_from(schema.accounts)).scalar()
    print(f"store: {path} ({accounts:,} accounts)")
    timings = []
    for offset in range(3):
        day = AS_OF + dt.timedelta(days=offset)
        started = time.perf_counter()
        result = plan_program(store, found, day)
        seconds = time.perf_counter() - started
        timings.append(seconds)
        decided = sum(result.statuses.values())
        print(
            f"{day}: {seconds:5.2f} s, {decided:,} touches decided "
            f"({result.planned:,} planned; {result.statuses})",
            flush=True,
        )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024
    print(f"peak memory of this process: {peak:.2f} GB")
    per_account = run_baseline(store, found, args.sample, AS_OF + dt.timedelta(days=3))
    baseline = per_account * int(accounts or 0)
    ordinary = sorted(timings[1:])[0]
    print(
        f"baseline (row by row, {args.sample:,}-account sample, extrapolated): {baseline:,.0f} s "
        f"— {baseline / ordinary:,.0f}× slower than an ordinary day, "
        f"{baseline / timings[0]:,.0f}× slower than the first day"
    )
    store.close()


if __name__ == "__main__":
    main()
