"""Lifetime value from the store's booked orders, on DuckDB and PostgreSQL."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from carecycle.errors import InputError
from carecycle.intelligence import clv
from carecycle.services.clv import fit_file, fit_store, store_customers, store_spends
from carecycle.store import migrate
from carecycle.store.db import Store, open_store
from tests.services.planning_world import load

AS_OF = date(2026, 3, 2)


def account(aid: str, merged_into: str | None = None) -> dict[str, object]:
    return {"account_id": aid, "name": f"Company {aid}", "merged_into": merged_into}


def order(oid: str, aid: str, day: str, status: str = "booked") -> dict[str, object]:
    return {"order_id": oid, "account_id": aid, "ordered_on": date.fromisoformat(day),
            "status": status}  # fmt: skip


def line(oid: str, n: int, amount: float) -> dict[str, object]:
    return {"order_line_id": f"{oid}-{n}", "order_id": oid, "product_id": "X", "quantity": 1,
            "amount": amount}  # fmt: skip


def cli_env(store_url: str, fill: Callable[[Store], None]) -> dict[str, str]:
    """Fill a migrated store at `store_url`, close it, and return the CLI's environment."""
    opened = open_store(store_url)
    try:
        migrate.upgrade(opened)
        fill(opened)
    finally:
        opened.close()
    return {**os.environ, "CARECYCLE_DATABASE_URL": store_url}


def purchases(store: Store) -> None:
    orders = [
        order("O1", "A1", "2026-01-05"), order("O2", "A1", "2026-01-05"),
        order("O3", "A3", "2026-01-12"),  # A3 was merged into A1: A1's purchase
        order("O4", "A1", "2026-01-19"), order("O5", "A1", "2026-02-02"),
        order("O6", "A1", "2026-02-09", status="cancelled"),
        order("O7", "A2", "2026-02-16"),
        order("O8", "A4", "2026-03-02"),  # first purchase on the day itself: T would be 0
        order("O9", "A2", "2026-03-03"),  # after the day
    ]  # fmt: skip
    amounts = {"O1": [100, 50], "O2": [30], "O3": [70], "O4": [80], "O5": [40, 20],
               "O6": [999], "O7": [10], "O8": [5], "O9": [500]}  # fmt: skip
    load(
        store,
        accounts=[account("A1"), account("A2"), account("A3", "A1"), account("A4")],
        orders=orders,
        order_lines=[line(o, n, a) for o, values in amounts.items() for n, a in enumerate(values)],
    )


def test_accounts_are_summarised_from_their_booked_purchase_days(store: Store) -> None:
    purchases(store)
    found = store_customers(store, as_of=AS_OF, unit="week")
    assert found.accounts == ["A1", "A2"]
    assert found.left_out == 1
    # A1: purchase days 5 Jan (180), 12 Jan (70, A3's), 19 Jan (80), 2 Feb (60).
    assert found.frequency.tolist() == [3.0, 0.0]
    assert found.recency.tolist() == [4.0, 0.0]
    assert found.T.tolist() == [8.0, 2.0]
    assert found.monetary.tolist() == pytest.approx([(70 + 80 + 60) / 3, 0.0])
    days = store_customers(store, as_of=AS_OF, unit="day")
    assert (days.recency.tolist(), days.T.tolist()) == ([28.0, 0.0], [56.0, 14.0])


def test_a_store_fit_equals_the_fit_of_its_summaries_as_a_file(
    store: Store, tmp_path: Path
) -> None:
    rng = np.random.default_rng(3)
    orders, lines = [], []
    for k in range(60):
        start = date(2025, 1, 1).toordinal() + int(rng.integers(0, 200))
        for n in range(int(rng.integers(1, 5))):
            day = date.fromordinal(start + 7 * n * int(rng.integers(1, 6)))
            oid = f"O{k}-{n}"
            orders.append(order(oid, f"A{k}", day.isoformat()))
            lines.append(line(oid, 0, float(rng.integers(10, 200))))
    load(store, accounts=[account(f"A{k}") for k in range(60)], orders=orders, order_lines=lines)
    found = store_customers(store, as_of=date(2026, 1, 1))
    assert found.accounts
    assert found.left_out == 0
    written = tmp_path / "customers.csv"
    rows = zip(found.frequency, found.recency, found.T, found.monetary, strict=True)
    written.write_text(
        "frequency,recency,T,monetary_value\n"
        + "".join(f"{x},{t},{a},{m}\n" for x, t, a, m in rows)
    )
    for model in ("bgnbd", "gg"):
        from_store = fit_store(store, model, as_of=date(2026, 1, 1))
        from_file = fit_file(written, model)  # type: ignore[arg-type]
        assert from_store.params == pytest.approx(from_file.params, rel=1e-9), model
    direct = clv.fit_bgnbd(clv.compress(found.frequency, found.recency, found.T))
    assert direct.params == pytest.approx(fit_store(store, "bgnbd", as_of=date(2026, 1, 1)).params)


def test_a_store_without_purchases_says_so(store: Store) -> None:
    with pytest.raises(InputError, match="no account has a booked order before 2026-03-02"):
        fit_store(store, "bgnbd", as_of=AS_OF)


def test_the_command_fits_on_the_store(store_url: str, tmp_path: Path) -> None:
    env = cli_env(store_url, purchases)
    command = [sys.executable, "-m", "carecycle", "clv", "fit", "--json", "--model"]
    done = subprocess.run(
        [*command, "bgnbd", "--as-of", "2026-03-02"],
        capture_output=True, text=True, env=env, cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["customers"] == 2
    # One repeat customer is no population of spends to fit.
    few = subprocess.run(
        [*command, "gg", "--as-of", "2026-03-02"],
        capture_output=True, text=True, env=env, cwd=tmp_path,
    )  # fmt: skip
    assert few.returncode == 1
    assert "at least 2 customers with repeat purchases" in few.stderr
    bad = subprocess.run(
        [*command, "bgnbd", "--as-of", "2 March"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    assert bad.returncode == 1
    assert bad.stderr.strip().splitlines() == [
        "error: --as-of: expected a date as YYYY-MM-DD, got '2 March'"
    ]


def test_the_command_predicts_the_stores_accounts(store_url: str, tmp_path: Path) -> None:
    rng = np.random.default_rng(5)

    def fill(store: Store) -> None:
        orders, lines = [], []
        for k in range(40):
            start = date(2025, 1, 1).toordinal() + int(rng.integers(0, 100))
            for n in range(int(rng.integers(1, 6))):
                day = date.fromordinal(start + 9 * n + int(rng.integers(0, 5)))
                orders.append(order(f"O{k}-{n}", f"A{k}", day.isoformat()))
                lines.append(line(f"O{k}-{n}", 0, float(rng.integers(10, 300))))
        accounts = [account(f"A{k}") for k in range(40)]
        load(store, accounts=accounts, orders=orders, order_lines=lines)

    env = cli_env(store_url, fill)
    written = tmp_path / "values.csv"
    command = [sys.executable, "-m", "carecycle", "clv", "predict", "--as-of", "2025-09-01"]
    done = subprocess.run(
        [*command, "--out", str(written), "--json", "--top", "2"],
        capture_output=True, text=True, env=env, cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    assert found["customers"] == 40
    assert found["top"][0]["customer"].startswith("A")
    assert found["top"][0]["value"] >= found["top"][1]["value"]
    assert len(written.read_text().splitlines()) == 41


def test_a_customer_whose_repeat_purchases_add_to_nothing_gets_the_populations_spend(
    store: Store,
) -> None:
    days = ("2025-01-06", "2025-02-03", "2025-03-03")
    amounts = {"B1": (100, -100, 0), "B2": (80, 40, 60), "B3": (50, 70, 30), "B4": (20, 25, 35)}
    orders, lines = [], []
    for aid, values in amounts.items():
        for n, (day, amount) in enumerate(zip(days, values, strict=True)):
            orders.append(order(f"{aid}-{n}", aid, day))
            lines.append(line(f"{aid}-{n}", 0, amount))
    load(store, accounts=[account(a) for a in amounts], orders=orders, order_lines=lines)
    found = store_customers(store, as_of=date(2025, 6, 30))
    assert found.monetary.tolist() == [-50.0, 50.0, 50.0, 30.0]
    spends = store_spends(found)
    assert spends.customers == 3  # B1's credit leaves nothing to fit
    fit = clv.fit_gg(spends)
    p, q, gamma = fit.params.values()
    spend = clv.gg_expected_spend((p, q, gamma), found.frequency, found.monetary)
    assert spend[0] == pytest.approx(p * gamma / (q - 1))
    with pytest.raises(InputError, match=r"row 1: a customer with repeat purchases needs"):
        clv.compress_spends(found.frequency, found.monetary)
