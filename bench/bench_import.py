"""Import speed: N order lines from CSV into the embedded DuckDB store.

Prints the time of a first import, of a repeat import (every row compared, none
changed), and the ratio to a straightforward baseline run in the same process: Python's
csv module, per-row checks and `executemany` into the same kind of store, on a sample,
extrapolated per row.

    python bench/bench_import.py [--lines 10000000]
"""

from __future__ import annotations

import argparse
import csv
import tempfile
import time
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pa_csv

from carecycle.services.imports import import_files
from carecycle.store import migrate, schema
from carecycle.store.db import open_store

NOW = datetime(2026, 11, 23)
BASELINE_SAMPLE = 100_000


def write_inputs(folder: Path, lines: int, seed: int = 1) -> dict[str, Path]:
    """Write products, accounts, orders and order_lines files of the given size."""
    rng = np.random.default_rng(seed)
    orders = max(lines // 3, 1)
    accounts = max(orders // 3, 1)
    files = {
        "products": pa.table(
            {
                "product_id": [f"P{i:03d}" for i in range(50)],
                "name": [f"Product {i}" for i in range(50)],
                "family": [f"family{i % 6}" for i in range(50)],
                "kind": ["annuity" if i % 2 else "perpetual" for i in range(50)],
            }
        ),
        "accounts": pa.table(
            {
                "account_id": pa.array(np.char.add("A", np.arange(accounts).astype(str))),
                "name": pa.array(np.char.add("Company ", np.arange(accounts).astype(str))),
            }
        ),
        "orders": pa.table(
            {
                "order_id": pa.array(np.char.add("O", np.arange(orders).astype(str))),
                "account_id": pa.array(
                    np.char.add("A", rng.integers(0, accounts, orders).astype(str))
                ),
                "ordered_on": pa.array(
                    np.datetime64("2022-01-01")
                    + rng.integers(0, 1400, orders).astype("timedelta64[D]")
                ),
            }
        ),
        "order_lines": pa.table(
            {
                "order_line_id": pa.array(np.char.add("L", np.arange(lines).astype(str))),
                "order_id": pa.array(np.char.add("O", rng.integers(0, orders, lines).astype(str))),
                "product_id": pa.array(np.char.add("P0", rng.integers(10, 50, lines).astype(str))),
                "quantity": pa.array(rng.integers(1, 20, lines)),
                "amount": pa.array(np.round(rng.gamma(2.0, 400.0, lines), 2)).cast(
                    pa.decimal128(18, 2)
                ),
            }
        ),
    }
    paths = {}
    for entity, table in files.items():
        paths[entity] = folder / f"{entity}.csv"
        pa_csv.write_csv(table, paths[entity])
    return paths


def timed_import(url: str, items: list[tuple[str, Path]]) -> tuple[float, int, int]:
    """Import `items`; return seconds, rows inserted and rows unchanged."""
    store = open_store(url)
    migrate.ensure_current(store)
    started = time.perf_counter()
    report = import_files(store, items, default_region="CN", now=NOW)
    seconds = time.perf_counter() - started
    store.close()
    assert report.committed, report.problems[:5]
    return seconds, sum(f.inserted for f in report.files), sum(f.unchanged for f in report.files)


def baseline_per_row(path: Path, url: str) -> float:
    """Return seconds per row for csv.DictReader + per-row checks + executemany."""
    store = open_store(url)
    migrate.ensure_current(store)
    rows = []
    started = time.perf_counter()
    with path.open(newline="", encoding="utf-8") as handle:
        for i, row in enumerate(csv.DictReader(handle)):
            if i == BASELINE_SAMPLE:
                break
            rows.append(
                {
                    "order_line_id": row["order_line_id"].strip(),
                    "order_id": row["order_id"].strip(),
                    "product_id": row["product_id"].strip(),
                    "quantity": int(row["quantity"]),
                    "unit_price": None,
                    "amount": Decimal(row["amount"]),
                }
            )
    with store.begin() as conn:
        conn.execute(schema.order_lines.insert(), rows)
    seconds = time.perf_counter() - started
    store.close()
    return seconds / len(rows)


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lines", type=int, default=10_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        t0 = time.perf_counter()
        paths = write_inputs(folder, args.lines)
        size = paths["order_lines"].stat().st_size / 1e6
        took = time.perf_counter() - t0
        print(f"inputs: {args.lines:,} order lines ({size:,.0f} MB CSV) in {took:.1f} s")
        url = f"duckdb:///{folder / 'bench.duckdb'}"
        parents = [(e, paths[e]) for e in ("products", "accounts", "orders")]
        timed_import(url, parents)
        first, inserted, _ = timed_import(url, [("order_lines", paths["order_lines"])])
        again, _, unchanged = timed_import(url, [("order_lines", paths["order_lines"])])
        per_row = baseline_per_row(paths["order_lines"], f"duckdb:///{folder / 'baseline.duckdb'}")
    baseline = per_row * args.lines
    print(f"import: {inserted:,} order lines in {first:.1f} s ({inserted / first:,.0f} rows/s)")
    print(f"re-import: {unchanged:,} rows compared, none changed, in {again:.1f} s")
    print(
        f"baseline (csv + per-row checks + executemany, {BASELINE_SAMPLE:,}-row sample): "
        f"{baseline:,.0f} s extrapolated; ratio {baseline / first:,.0f}x"
    )


if __name__ == "__main__":
    main()
