"""Value tiers (the 20/80 rule) and RFM scores, by hand and from the store."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pytest

from carecycle.errors import InputError
from carecycle.intelligence.value import abc_tiers, quintile_scores, rfm_scores
from carecycle.services.segments import ValuePolicy, segments
from carecycle.store.db import Store
from tests.intelligence.test_store_clv import account, cli_env, line, order
from tests.services.planning_world import load

LEVELS = {"A": "account manager", "B": "calls", "C": "eDM"}
COSTS = {"edm": 0.5, "tsr_call": 4.0}
POLICY = ValuePolicy((0.8, 0.95), COSTS, LEVELS)


def test_tiers_follow_the_cumulative_revenue() -> None:
    # Total 100: 50 (0 before), 30 (50 before), 10 (80 before), 6 (90), 4 (96), 0.
    found = abc_tiers(np.array([10.0, 50.0, 0.0, 30.0, 4.0, 6.0]))
    assert found == ["B", "A", "C", "A", "C", "B"]
    assert abc_tiers(np.array([0.0, 0.0])) == ["C", "C"]
    # Equal revenue, equal tier: both 45s take the share before the first of them (0 %),
    # and the 10 comes after 90 % (tier B).
    assert abc_tiers(np.array([45.0, 45.0, 10.0])) == ["A", "A", "B"]
    assert abc_tiers(np.array([10.0, 40.0, 40.0, 10.0])) == ["B", "A", "A", "B"]
    with pytest.raises(InputError, match="tier cuts"):
        abc_tiers(np.array([1.0]), (0.9, 0.8))
    with pytest.raises(InputError, match="revenue must be 0 or more"):
        abc_tiers(np.array([-1.0]))


def test_quintiles_score_one_to_five_and_ties_alike() -> None:
    values = np.array([10.0, 20.0, 30.0, 40.0, 50.0])
    assert quintile_scores(values, higher_is_better=True).tolist() == [1, 2, 3, 4, 5]
    assert quintile_scores(values, higher_is_better=False).tolist() == [5, 4, 3, 2, 1]
    tied = np.array([1.0, 1.0, 1.0, 9.0])
    assert quintile_scores(tied, higher_is_better=True).tolist() == [2, 2, 2, 5]
    # A best value most customers share scores below 5: ties take their lowest rank.
    top = np.array([1.0, 2.0, 2.0, 2.0])
    assert quintile_scores(top, higher_is_better=True).tolist() == [2, 3, 3, 3]
    found = rfm_scores(np.array([5.0, 0.0, 40.0]), np.array([2.0, 0.0, 1.0]),
                       np.array([100.0, 0.0, 50.0]))  # fmt: skip
    assert found.codes() == ["555", "000", "333"]


def world(store: Store) -> None:
    orders = [
        order("O1", "A1", "2026-01-05"), order("O2", "A2", "2026-02-01"),
        order("O3", "A3", "2026-02-10"), order("O4", "A4", "2025-01-10"),
        order("O5", "A5", "2026-02-20"),  # A5 was merged into A1
        order("O6", "A2", "2026-02-15", status="cancelled"),
    ]  # fmt: skip
    amounts = {"O1": [500], "O2": [200], "O3": [100], "O4": [999], "O5": [300], "O6": [50]}
    day = date(2026, 2, 1)
    touches = [
        {"touch_uid": uid, "program_id": "care", "touch_id": "t", "account_id": aid,
         "cycle": uid, "program_revision": 1, "stage_id": "use", "channel": channel,
         "content": "c", "priority": 1, "due_on": day, "planned_on": day, "expires_on": day,
         "status": status, "created_on": day, "updated_on": day}
        for uid, aid, channel, status in (
            ("u1", "A1", "tsr_call", "reached"), ("u2", "A3", "edm", "delivered"),
            ("u3", "A3", "edm", "planned"), ("u4", "A5", "edm", "sent"),
        )
    ]  # fmt: skip
    load(
        store,
        accounts=[*(account(f"A{k}") for k in range(1, 5)), account("A5", "A1")],
        orders=orders,
        order_lines=[line(o, n, a) for o, values in amounts.items() for n, a in enumerate(values)],
        touches=touches,
        # Their first sends: u3, still planned, was never sent and costs nothing.
        touch_events=[
            {
                "event_id": f"e-{uid}",
                "touch_uid": uid,
                "status": "sent",
                "occurred_at": datetime(2026, 2, 1, 9),
            }
            for uid in ("u1", "u2", "u4")
        ],
    )


def test_the_store_readout_per_tier(store: Store) -> None:
    world(store)
    found = segments(store, as_of=date(2026, 3, 1), days=365, policy=POLICY)
    # A1 800 (its own 500 and A5's 300), A2 200, A3 100, A4 none within the year. A2 is
    # in A: 800 of 1,100 came before it, under 80 %; A3 in B (1,000 before, under 95 %).
    assert found.accounts == ["A1", "A2", "A3", "A4"]
    assert found.revenue == [800.0, 200.0, 100.0, 0.0]
    assert found.tiers == ["A", "A", "B", "C"]
    assert found.days_since == [9, 28, 19, None]
    assert found.cost == [4.5, 0.0, 0.5, 0.0]
    by_tier = {row.tier: row for row in found.readout}
    assert (by_tier["A"].customers, by_tier["A"].customer_share) == (2, 0.5)
    assert by_tier["A"].revenue_share == pytest.approx(1000 / 1100)
    assert (by_tier["A"].cost_to_serve, by_tier["B"].cost_to_serve) == (4.5, 0.5)
    assert by_tier["A"].cost_share == pytest.approx(0.9)
    # R: 9, 28, 19 days (lower is better); F: 2, 1, 1 days; M: 800, 200, 100. Of three,
    # ranks 1, 2, 3 score ceil(5 k / 3) = 2, 4, 5; the tie at F shares rank 1.
    assert found.rfm == ["555", "224", "422", "000"]
    assert by_tier["A"].service_level == "account manager"


def test_the_command_reads_out_and_writes_every_account(store_url: str, tmp_path: Path) -> None:
    env = cli_env(store_url, world)
    written = tmp_path / "tiers.csv"
    command = [sys.executable, "-m", "carecycle", "segments", "--as-of", "2026-03-01"]
    done = subprocess.run([*command, "--json", "--out", str(written)], capture_output=True,
                          text=True, env=env, cwd=tmp_path)  # fmt: skip
    assert done.returncode == 0, done.stderr
    readout = {row["tier"]: row for row in json.loads(done.stdout)["readout"]}
    assert readout["A"]["customers"] == 2
    with written.open() as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["account_id"], r["tier"]) for r in rows] == [
        ("A1", "A"),
        ("A2", "A"),
        ("A3", "B"),
        ("A4", "C"),
    ]
    bad = subprocess.run([*command, "--days", "0"], capture_output=True, text=True, env=env,
                         cwd=tmp_path)  # fmt: skip
    assert bad.returncode == 1
    assert bad.stderr.strip().splitlines() == ["error: --days must be 1 or more"]


def margin_world(store: Store) -> None:
    amounts = {"M1": ("HW", 2000.0), "M2": ("SW", 300.0), "M3": ("SW", 200.0), "M4": ("HW", 100.0)}
    load(
        store,
        accounts=[account(a) for a in amounts],
        products=[
            {"product_id": "HW", "name": "Server", "family": "hardware", "kind": "perpetual"},
            {"product_id": "SW", "name": "Suite", "family": "software", "kind": "annuity"},
        ],
        orders=[order(f"O{a}", a, "2026-02-01") for a in amounts],
        order_lines=[
            line(f"O{a}", 0, amount) | {"product_id": product}
            for a, (product, amount) in amounts.items()
        ],
    )


def test_tiers_by_margin_rank_by_the_families_rates(store: Store) -> None:
    margin_world(store)
    rates = ValuePolicy((0.8, 0.95), COSTS, LEVELS, {"hardware": 0.1, "software": 0.8})
    by_revenue = segments(store, as_of=date(2026, 3, 1), days=365, policy=rates)
    # Revenue 2000, 300, 200, 100 of 2,600: M3 comes after 88 % (B), M4 after 96 % (C).
    assert by_revenue.tiers == ["A", "A", "B", "C"]
    assert by_revenue.margin is None
    found = segments(store, as_of=date(2026, 3, 1), days=365, policy=rates, by="margin")
    # Margin 200, 240, 160, 10 of 610: M2, M1 and M3 (after 72 %) are A, M4 (98 %) is C.
    assert found.margin == pytest.approx([200.0, 240.0, 160.0, 10.0])
    assert found.tiers == ["A", "A", "A", "C"]
    tier_a = found.readout[0]
    assert (tier_a.margin, tier_a.margin_share) == pytest.approx((600.0, 600 / 610))
    assert tier_a.revenue == pytest.approx(2500.0)
    missing = ValuePolicy((0.8, 0.95), COSTS, LEVELS, {"software": 0.8})
    with pytest.raises(InputError, match="margin_rates has no gross-margin rate for hardware"):
        segments(store, as_of=date(2026, 3, 1), days=365, policy=missing, by="margin")
