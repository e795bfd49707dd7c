"""Renewal fitted on the store's agreements per licence program and cohort, on DuckDB and
PostgreSQL."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from carecycle.errors import InputError
from carecycle.intelligence.renewal import fit_events
from carecycle.services.renewal import fit_chains, read_chains
from carecycle.store.db import Store
from tests.intelligence.test_store_clv import cli_env
from tests.intelligence.test_store_health import deal
from tests.services.planning_world import load

AS_OF = date(2026, 6, 30)
# Select chains begun on 2020-01-01 with yearly terms, by the terms each ran: four ran
# one term and lapsed, two ran two, one three; three run their seventh term now.
TERMS = [1, 1, 1, 1, 2, 2, 3, 7, 7, 7]


def chain(
    n: int, terms: int, program: str = "select", first: int = 2020
) -> list[dict[str, object]]:
    rows = []
    for k in range(terms):
        year = first + k
        rows.append(
            deal(f"S{n}-{k}", f"C{n}", f"{year}-01-01", f"{year}-12-31", program=program)
            | {"renewed_from": f"S{n}-{k - 1}" if k else None}
        )
    return rows


def world(store: Store) -> None:
    rows = [row for n, terms in enumerate(TERMS) for row in chain(n, terms)]
    rows += [
        # An EA agreement ended 15 days ago, not yet renewed: within the grace, running.
        deal("E1", "D1", "2025-06-16", "2026-06-15", program="ea"),
        # One cancelled in its term: lapsed.
        deal("E2", "D2", "2025-03-01", "2027-02-28", program="ea", cancelled_on=date(2026, 1, 5)),
        # One that starts after the day: not read.
        deal("E3", "D3", "2026-07-01", "2027-06-30", program="ea"),
    ]
    load(store, agreements=rows)


def test_chains_follow_renewals_to_their_latest_agreement(store: Store) -> None:
    world(store)
    found = read_chains(store, as_of=AS_OF)
    by_latest = dict(zip(found.latest, zip(found.renewals.tolist(), found.lapsed.tolist(),
                                           strict=True), strict=True))  # fmt: skip
    assert len(found.latest) == 12
    assert by_latest["S0-0"] == (0, True)
    assert by_latest["S4-1"] == (1, True)
    assert by_latest["S6-2"] == (2, True)
    assert by_latest["S7-6"] == (6, False)  # its 2026 term runs
    assert by_latest["E1"] == (0, False)  # ended within the grace
    assert by_latest["E2"] == (0, True)  # cancelled
    assert "E3" not in by_latest


def test_each_program_and_cohort_is_fitted_with_its_censored_chains(store: Store) -> None:
    world(store)
    fits, outlook = fit_chains(read_chains(store, as_of=AS_OF), by="year", periods=3,
                               discount=0.1)  # fmt: skip
    by_key = {(f.program, f.cohort): f for f in fits}
    select = by_key[("select", "2020")]
    # Four left at period 1, two at 2, one at 3; three are known to have renewed 6 times.
    expected = fit_events(np.array([4.0, 2, 1, 0, 0, 0, 0]),
                          np.array([0.0, 0, 0, 0, 0, 0, 3]), name="hand")  # fmt: skip
    assert select.fit is not None
    assert (select.fit.alpha, select.fit.beta) == pytest.approx((expected.alpha, expected.beta))
    assert (select.chains, select.lapsed) == (10, 7)
    assert select.retention[0] == pytest.approx(expected.beta / (expected.alpha + expected.beta))
    assert by_key[("select", "all")].fit == select.fit
    # EA: one running in the grace, one cancelled in its first term: not enough to fit.
    assert by_key[("ea", "2025")].fit is None
    assert "beyond the first renewal" in (by_key[("ea", "2025")].why_not or "")
    # The three running select chains, by their cohort's fit; the EA one has none.
    assert sorted(o.agreement_id for o in outlook) == ["S7-6", "S8-6", "S9-6"]
    one = outlook[0]
    a, b = expected.alpha, expected.beta
    assert one.renewals_made == 6
    assert one.renew_chance == pytest.approx((b + 6) / (a + b + 6))
    assert one.renewals_to_come == pytest.approx(expected.expected_renewals(6, discount=0.1))
    quarters, _ = fit_chains(read_chains(store, as_of=AS_OF), by="quarter", periods=3,
                             discount=0.1)  # fmt: skip
    assert ("select", "2020-Q1") in {(f.program, f.cohort) for f in quarters}
    with pytest.raises(InputError, match="--discount"):
        fit_chains(read_chains(store, as_of=AS_OF), by="year", periods=3, discount=-1)


def test_the_command_fits_the_store_and_writes_the_outlook(store_url: str, tmp_path: Path) -> None:
    env = cli_env(store_url, world)
    written = tmp_path / "outlook.csv"
    command = [sys.executable, "-m", "carecycle", "renewal", "fit", "--as-of", "2026-06-30"]
    done = subprocess.run([*command, "--json", "--out", str(written)], capture_output=True,
                          text=True, env=env, cwd=tmp_path)  # fmt: skip
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    fitted = {(f["program"], f["cohort"]) for f in found["fits"] if f["fit"]}
    assert fitted == {("select", "2020"), ("select", "all")}
    assert found["agreements"] == 3
    with written.open() as handle:
        rows = list(csv.DictReader(handle))
    assert sorted(r["agreement_id"] for r in rows) == ["S7-6", "S8-6", "S9-6"]
    text = subprocess.run(command, capture_output=True, text=True, env=env, cwd=tmp_path)
    assert text.returncode == 0, text.stderr
    assert "not fitted (nobody was watched beyond the first renewal" in text.stdout
