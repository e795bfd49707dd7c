"""Lifetime-value fit speed: BG/NBD and Gamma-Gamma for 1M customers.

Draws a base of N customers from the models themselves (known parameters, a fixed seed):
each joins on a day of the last two years, buys at a Poisson rate and may drop out after
each purchase (BG/NBD), and spends per transaction around a mean of its own
(Gamma-Gamma), in cents. Ages are counted in days and expressed in weeks, as a store's
orders give them. Then times, end to end, compressing the histories to distinct rows and
fitting both models, against the same fits over every customer uncompressed, in the same
process; prints both, the ratio, and the estimates side by side.

    python bench/bench_clv.py [--customers 1000000] [--runs 3]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from carecycle.intelligence import clv

TRUE_BGNBD = {"r": 0.25, "alpha": 4.0, "a": 0.8, "b": 2.5}
TRUE_GG = {"p": 6.0, "q": 3.8, "gamma": 15.0}


def draw(customers: int, seed: int = 7) -> dict[str, np.ndarray]:
    """Return each customer's frequency, recency and T (weeks) and mean repeat spend."""
    rng = np.random.default_rng(seed)
    r, alpha, a, b = TRUE_BGNBD.values()
    age = rng.integers(7, 730, customers) / 7.0
    rate = rng.gamma(r, 1 / alpha, customers)
    dropout = rng.beta(a, b, customers)
    clock, bought, last = np.zeros(customers), np.zeros(customers), np.zeros(customers)
    active = np.ones(customers, dtype=bool)
    while active.any():
        who = np.flatnonzero(active)
        clock[who] += rng.exponential(1 / rate[who])
        late = clock[who] > age[who]
        active[who[late]] = False
        buyers = who[~late]
        bought[buyers] += 1
        last[buyers] = clock[buyers]
        active[buyers[rng.random(buyers.size) < dropout[buyers]]] = False
    # Purchases fall on days: a recency in whole days, in weeks.
    recency = np.minimum(np.floor(last * 7) / 7, age) * (bought > 0)
    p, q, gamma = TRUE_GG.values()
    scale = rng.gamma(q, 1 / gamma, customers)
    repeat = bought > 0
    spend = np.zeros(customers)
    shape, rate_of_mean = p * bought[repeat], scale[repeat] * bought[repeat]
    spend[repeat] = np.round(rng.gamma(shape, 1 / rate_of_mean), 2)
    spend[repeat] = np.maximum(spend[repeat], 0.01)
    return {"frequency": bought, "recency": recency, "T": age, "monetary": spend}


def fit_both(base: dict[str, np.ndarray], compressed: bool) -> tuple[clv.Fit, clv.Fit, int]:
    """Fit BG/NBD and Gamma-Gamma; return both fits and the rows BG/NBD was fitted on."""
    x, t_x, age, spend = (base[k] for k in ("frequency", "recency", "T", "monetary"))
    if compressed:
        histories = clv.compress(x, t_x, age)
        spends = clv.compress_spends(x, spend)
    else:
        histories = clv.raw(x, t_x, age)
        repeat = x > 0
        spends = clv.Spends(x[repeat], spend[repeat], np.ones(int(repeat.sum())))
    return clv.fit_bgnbd(histories), clv.fit_gg(spends), len(histories.T)


def timed(work: Callable[[], Any], runs: int) -> tuple[float, list[float], Any]:
    """Return the median seconds of `runs` runs, each run's seconds and the last result."""
    seconds, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = work()
        seconds.append(time.perf_counter() - started)
    return statistics.median(seconds), seconds, result


def main() -> None:
    """Draw the base, time the compressed and the uncompressed fits, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    started = time.perf_counter()
    base = draw(args.customers)
    repeat = int((base["frequency"] > 0).sum())
    print(f"drew {args.customers:,} customers ({repeat:,} with repeat purchases) "
          f"in {time.perf_counter() - started:.1f} s")  # fmt: skip
    fast, fast_runs, (bgnbd, gg, rows) = timed(lambda: fit_both(base, True), args.runs)
    slow, slow_runs, (bgnbd_raw, gg_raw, _) = timed(lambda: fit_both(base, False), args.runs)
    shown = ", ".join(f"{s:.2f}" for s in fast_runs)
    print(f"compressed (BG/NBD on {rows:,} rows, Gamma-Gamma on {len(gg_rows(base)):,}): "
          f"median {fast:.2f} s ({shown})")  # fmt: skip
    shown = ", ".join(f"{s:.2f}" for s in slow_runs)
    print(f"uncompressed (every customer): median {slow:.2f} s ({shown})")
    print(f"ratio: the compressed fits take {fast / slow:.3f}× the uncompressed fits' time")
    for name, fitted, baseline, truth in (
        ("BG/NBD", bgnbd, bgnbd_raw, TRUE_BGNBD),
        ("Gamma-Gamma", gg, gg_raw, TRUE_GG),
    ):
        print(f"{name}: log-likelihood {fitted.log_likelihood:,.3f} (uncompressed "
              f"{baseline.log_likelihood:,.3f}), converged {fitted.converged}")  # fmt: skip
        for key, value in fitted.params.items():
            print(f"  {key:6} {value:10.5f}  uncompressed {baseline.params[key]:10.5f}  "
                  f"drawn with {truth[key]:g}")  # fmt: skip


def gg_rows(base: dict[str, np.ndarray]) -> np.ndarray:
    """Return the distinct (frequency, spend) rows Gamma-Gamma is fitted on."""
    return clv.compress_spends(base["frequency"], base["monetary"]).weight


if __name__ == "__main__":
    main()
