"""Cross-sell rules and next-best offers, by hand and from the store."""

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
from carecycle.intelligence.crosssell import NEVER, Purchases, mine_rules, next_offers
from carecycle.services.crosssell import cross_sell, offers_for
from carecycle.store.db import Store
from tests.intelligence.test_store_clv import account, cli_env, line, order
from tests.intelligence.test_store_health import answer
from tests.services.planning_world import load

N = NEVER


def purchases() -> Purchases:
    # First purchase days of X, Y, Z by six accounts: a0, a1 own X and Y, a2 all three, a3
    # X alone, a4 and a5 Y alone.
    first = np.array([[1, 5, N], [2, 9, N], [3, 3, 4], [4, N, N], [N, 7, N], [N, 8, N]])
    return Purchases([f"a{k}" for k in range(6)], ["X", "Y", "Z"], ["Xen", "Yak", "Zed"],
                     ["f1", "f2", "f2"], first)  # fmt: skip


def test_rules_count_the_owners_of_both() -> None:
    found = mine_rules(purchases(), min_support=0.1, min_confidence=0.2, min_lift=1.1)
    # X → Y: 3 of X's 4 owners own Y (0.75), but 5 of 6 accounts do: lift 0.9, dropped.
    # X → Z: 1 of 4, Z's base rate 1/6: lift 1.5. Y → Z: 1 of 5, lift 1.2. Z's only owner
    # owns X (1.0, lift 1.5) and Y (1.0, lift 1.2).
    assert [(r.antecedent, r.consequent) for r in found.rules] == [
        ("Z", "X"), ("Z", "Y"), ("X", "Z"), ("Y", "Z"),
    ]  # fmt: skip
    xz = found.rules[2]
    assert (xz.both, xz.owners, xz.accounts) == (1, 4, 6)
    assert (xz.support, xz.confidence, xz.base_rate, xz.lift) == pytest.approx(
        (1 / 6, 0.25, 1 / 6, 1.5)
    )
    assert found.rules[3].lift == pytest.approx(1.2)
    looser = mine_rules(purchases(), min_support=0.1, min_confidence=0.2, min_lift=0.5)
    xy = [r for r in looser.rules if (r.antecedent, r.consequent) == ("X", "Y")]
    assert (xy[0].both, xy[0].owners) == (3, 4)
    assert (xy[0].confidence, xy[0].lift) == pytest.approx((0.75, 0.9))
    # A rule must reach every minimum: at 30 % support only X and Y together are frequent.
    strict = mine_rules(purchases(), min_support=0.3, min_confidence=0.2, min_lift=0.5)
    assert [(r.antecedent, r.consequent) for r in strict.rules] == [("X", "Y"), ("Y", "X")]


def test_an_unrelated_product_has_a_lift_near_one() -> None:
    rng = np.random.default_rng(5)
    n = 20_000
    # Everyone owns A; B and C are each owned by 30 %, independently.
    first = np.full((n, 3), N)
    first[:, 0] = 0
    first[:, 1] = np.where(rng.random(n) < 0.3, rng.integers(1, 100, n), N)
    first[:, 2] = np.where(rng.random(n) < 0.3, rng.integers(1, 100, n), N)
    bought = Purchases([f"a{k}" for k in range(n)], ["A", "B", "C"], ["A", "B", "C"],
                       ["f", "f", "f"], first)  # fmt: skip
    found = mine_rules(bought, min_support=0.001, min_confidence=0.01, min_lift=0.01)
    lifts = {(r.antecedent, r.consequent): r.lift for r in found.rules}
    assert lifts[("A", "B")] == pytest.approx(1.0)
    # Independent: the lift's standard error here is about 0.03.
    assert lifts[("B", "C")] == pytest.approx(1.0, abs=0.1)


def test_offers_are_products_not_owned_planned_families_first() -> None:
    bought = purchases()
    rules = mine_rules(bought, min_support=0.1, min_confidence=0.2, min_lift=0.5)
    offers = next_offers(bought, rules, {4: {"f1"}}, per_account=3).listed()
    by_account: dict[str, list[str]] = {}
    for offer in offers:
        by_account.setdefault(offer.account_id, []).append(offer.product_id)
    # a2 owns everything; a3 (X) gets Y (0.75) then Z (0.25); a0 (X, Y) gets Z by the
    # stronger rule, from X; a4 (Y) said it plans to buy f1: X first, then Z; a5 (Y)
    # gets X (0.6) then Z (0.2).
    assert by_account == {"a0": ["Z"], "a1": ["Z"], "a3": ["Y", "Z"], "a4": ["X", "Z"],
                          "a5": ["X", "Z"]}  # fmt: skip
    reasons = {(o.account_id, o.product_id): o.reason for o in offers}
    assert reasons[("a3", "Y")] == (
        "accounts like yours that own Xen also own Yak: 3 of 4 (75%), 0.9× the usual rate"
    )
    assert reasons[("a0", "Z")].startswith("accounts like yours that own Xen also own Zed")
    assert reasons[("a4", "X")] == (
        "said in profiling it plans to buy f1; accounts like yours that own Yak also own "
        "Xen: 3 of 5 (60%), 0.9× the usual rate"
    )
    assert [o.rank for o in offers if o.account_id == "a4"] == [1, 2]
    one = next_offers(bought, rules, {}, per_account=1, rows=[3]).listed()
    assert [(o.account_id, o.product_id) for o in one] == [("a3", "Y")]
    with pytest.raises(InputError, match="--per-account"):
        next_offers(bought, rules, {}, per_account=0)


def test_a_bad_threshold_is_refused() -> None:
    with pytest.raises(InputError, match="--min-support"):
        mine_rules(purchases(), min_support=0, min_confidence=0.1, min_lift=1)
    with pytest.raises(InputError, match="--min-lift"):
        mine_rules(purchases(), min_support=0.1, min_confidence=0.1, min_lift=0)


def world(store: Store) -> None:
    """B1–B4 own the suite; B1 and B2 (with B9, merged into B2) added the add-on later,
    B3 bought it in the same order; B5 owns the add-on and added the guard; B4's guard
    order was cancelled, and B4 plans to buy security and backup (its earlier answer,
    cloud, is revised). B1 buys the guard the day after the day read."""
    lines = [("O1", "B1", "2026-01-05", "SUITE"), ("O2", "B1", "2026-02-05", "ADDON"),
             ("O3", "B2", "2026-01-06", "SUITE"), ("O4", "B9", "2026-03-01", "ADDON"),
             ("O5", "B3", "2026-01-07", "SUITE"), ("O5", "B3", "2026-01-07", "ADDON"),
             ("O6", "B4", "2026-01-08", "SUITE"), ("O7", "B5", "2026-01-09", "ADDON"),
             ("O8", "B4", "2026-02-01", "GUARD"), ("O9", "B5", "2026-01-10", "GUARD"),
             ("OA", "B1", "2026-07-01", "GUARD")]  # fmt: skip
    status = {"O8": "cancelled"}
    orders = {o: order(o, a, d, status=status.get(o, "booked")) for o, a, d, _ in lines}
    load(
        store,
        accounts=[account(a) for a in ("B1", "B2", "B3", "B4", "B5")] + [account("B9", "B2")],
        products=[
            {"product_id": p, "name": n, "family": f, "kind": "annuity"}
            for p, n, f in (
                ("SUITE", "Office Suite", "office"),
                ("ADDON", "Team Chat", "collaboration"),
                ("GUARD", "Endpoint Guard", "security"),
            )
        ],
        orders=list(orders.values()),
        order_lines=[line(o, k, 100.0) | {"product_id": p} for k, (o, _, _, p) in enumerate(lines)],
        survey_responses=[answer("r1", "B4", "planned_purchases", "backup,security", "2026-03-01")],
    )


FAMILIES = {"security": ["security"], "backup": ["cloud"]}


def test_the_store_rules_and_offers(store: Store) -> None:
    world(store)
    bought, rules, planned = cross_sell(store, as_of=date(2026, 6, 30), days=365,
                                        families=FAMILIES, min_support=0.1,
                                        min_confidence=0.1, min_lift=0.5)  # fmt: skip
    assert bought.accounts == ["B1", "B2", "B3", "B4", "B5"]
    assert bought.products == ["ADDON", "GUARD", "SUITE"]
    assert bought.names == ["Team Chat", "Endpoint Guard", "Office Suite"]
    assert bought.owned()[3].tolist() == [False, False, True]  # B4's guard was cancelled
    # B1, B2 (with B9's add-on) and B3 own the suite and the add-on; B4 the suite; B5 the
    # add-on and the guard. GUARD → ADDON 1 of 1 (lift 1 / 0.8); ADDON → SUITE and SUITE →
    # ADDON 3 of 4 (lift 0.75 / 0.8); ADDON → GUARD 1 of 4 (lift 0.25 / 0.2).
    assert [(r.antecedent, r.consequent, r.both, r.owners) for r in rules.rules] == [
        ("GUARD", "ADDON", 1, 1), ("ADDON", "SUITE", 3, 4), ("SUITE", "ADDON", 3, 4),
        ("ADDON", "GUARD", 1, 4),
    ]  # fmt: skip
    assert [r.lift for r in rules.rules] == pytest.approx([1.25, 0.9375, 0.9375, 1.25])
    assert planned == {3: {"security", "cloud"}}
    offers = offers_for(bought, rules, planned, accounts=["B4"], per_account=2).listed()
    assert [o.product_id for o in offers] == ["GUARD", "ADDON"]
    assert offers[0].reason == (
        "said in profiling it plans to buy security; Endpoint Guard is owned by 20% of accounts"
    )
    with pytest.raises(InputError, match="--account B7: no booked purchase"):
        offers_for(bought, rules, planned, accounts=["B7"], per_account=2)


def test_the_command_lists_rules_and_writes_offers(store_url: str, tmp_path: Path) -> None:
    env = cli_env(store_url, world)
    base = [sys.executable, "-m", "carecycle", "cross-sell"]

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*base, *args, "--as-of", "2026-06-30"], capture_output=True,
                              text=True, env=env, cwd=tmp_path)  # fmt: skip

    rules = run("rules", "--min-support", "0.1", "--min-lift", "0.5", "--json")
    assert rules.returncode == 0, rules.stderr
    found = json.loads(rules.stdout)
    assert found["accounts"] == 5
    assert [(r["antecedent"], r["consequent"]) for r in found["rules"]] == [
        ("GUARD", "ADDON"), ("ADDON", "SUITE"), ("SUITE", "ADDON"), ("ADDON", "GUARD"),
    ]  # fmt: skip
    written = tmp_path / "offers.csv"
    offers = run("offers", "--min-support", "0.1", "--min-lift", "0.5", "--out", str(written))
    assert offers.returncode == 0, offers.stderr
    with written.open() as handle:
        rows = list(csv.DictReader(handle))
    # The guard by the rule from the add-on; B4 plans security (the default settings map
    # it to that family): the guard first, then the add-on; B5 gets the suite.
    assert [(r["account_id"], r["rank"], r["product_id"]) for r in rows] == [
        ("B1", "1", "GUARD"), ("B2", "1", "GUARD"), ("B3", "1", "GUARD"),
        ("B4", "1", "GUARD"), ("B4", "2", "ADDON"), ("B5", "1", "SUITE"),
    ]  # fmt: skip
    assert rows[4]["reason"].startswith("accounts like yours that own Office Suite also own")
    one = run("offers", "--account", "B4", "--min-support", "0.1", "--min-lift", "0.5", "--json")
    assert one.returncode == 0, one.stderr
    assert [o["product_id"] for o in json.loads(one.stdout)["offers"]] == ["GUARD", "ADDON"]
    bad = run("offers", "--per-account", "0")
    assert bad.returncode == 1
    assert bad.stderr.strip() == "error: --per-account must be 1 or more"
