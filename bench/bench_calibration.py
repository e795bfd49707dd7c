"""Calibration: how often the 95% intervals cover a known effect, over many simulated worlds.

For each kind of measure it draws WORLDS worlds with a planted effect, computes the
interval each world's data gives, and prints the share that holds the truth (it should be
95%, and 93–97% passes), with its binomial standard error and the time taken. The
baseline, run in the same process on the same worlds, is the textbook Wald interval for
a difference of proportions, p ± z·√(p(1−p)/n), whose coverage falls short with rare
conversions: the reason the report uses Newcombe's interval.

    python bench/bench_calibration.py [--worlds 10000]
"""

from __future__ import annotations

import argparse
import math
import time
from collections.abc import Callable

import numpy as np

from carecycle.measure.experiments import compare_means, compare_proportions, compare_ratios

Draw = Callable[[np.random.Generator], tuple[float, float | None, float | None]]
RARE = (0.02, 0.03, 400)  # control rate, test rate, units per arm


def _means(rng: np.random.Generator) -> tuple[float, float | None, float | None]:
    test, control = rng.lognormal(1.0, 0.8, 200) + 0.4, rng.lognormal(1.0, 0.8, 200)
    found = compare_means(test, control).difference
    return 0.4, found.low, found.high


def _conversions(rng: np.random.Generator) -> tuple[float, float | None, float | None]:
    base, lifted, n = RARE
    test, control = (rng.random(n) < lifted) * 1.0, (rng.random(n) < base) * 1.0
    found = compare_proportions(test, control).difference
    return lifted - base, found.low, found.high


def _ratios(rng: np.random.Generator) -> tuple[float, float | None, float | None]:
    orders_t, orders_c = rng.poisson(2, 200) + 1.0, rng.poisson(2, 200) + 1.0
    revenue_t, revenue_c = orders_t * rng.normal(110, 20, 200), orders_c * rng.normal(100, 20, 200)
    found, _, _ = compare_ratios((revenue_t, orders_t), (revenue_c, orders_c))
    return 10.0, found.low, found.high


def _wald(rng: np.random.Generator) -> tuple[float, float | None, float | None]:
    base, lifted, n = RARE
    p1, p2 = (rng.random(n) < lifted).mean(), (rng.random(n) < base).mean()
    half = 1.959963984540054 * math.sqrt(p1 * (1 - p1) / n + p2 * (1 - p2) / n)
    return lifted - base, p1 - p2 - half, p1 - p2 + half


def coverage(draw: Draw, worlds: int, seed: int) -> tuple[float, float]:
    """Return the share of worlds whose interval holds the truth, and the seconds taken."""
    rng = np.random.default_rng(seed)
    started = time.perf_counter()
    hits = 0
    for _ in range(worlds):
        truth, low, high = draw(rng)
        hits += low is not None and high is not None and low <= truth <= high
    return hits / worlds, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--worlds", type=int, default=10_000)
    worlds = parser.parse_args().worlds
    se = math.sqrt(0.95 * 0.05 / worlds)
    print(f"{worlds:,} worlds per measure; a correct 95% interval covers 95% ± {se:.2%}")
    kinds = [
        ("means, Welch", _means),
        ("conversions 2% vs 3%, Newcombe", _conversions),
        ("revenue per order, delta method", _ratios),
    ]
    for name, draw in kinds:
        share, took = coverage(draw, worlds, seed=11)
        verdict = "ok" if 0.93 <= share <= 0.97 else "OUT OF RANGE"
        print(f"{name:34} covers {share:.2%}  ({verdict}; {took:.1f} s)")
    ours, _ = coverage(_conversions, worlds, seed=11)
    wald, _ = coverage(_wald, worlds, seed=11)
    print(f"baseline: Wald interval, conversions 2% vs 3%, covers {wald:.2%} (Newcombe {ours:.2%})")


if __name__ == "__main__":
    main()
