"""Value segmentation: A/B/C tiers by the 20/80 rule, and RFM scores.

Tiers rank customers by revenue, highest first: tier A holds the customers who together
bring the first `cuts[0]` of the revenue (80 % by default; the customer who crosses the
line is in A), tier B those who bring it up to `cuts[1]` (95 %), tier C the rest,
customers without revenue included; customers of equal revenue share a tier. RFM
scores each customer 1–5 on recency (days since the last purchase, lower is better),
frequency (purchase days) and monetary value (revenue) by quintiles of the customers who
bought; 5 is the best fifth.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from carecycle.errors import InputError

TIERS = ("A", "B", "C")
DEFAULT_CUTS = (0.8, 0.95)


def check_cuts(cuts: Sequence[float]) -> tuple[float, float]:
    """Return the two cumulative revenue shares that close tiers A and B, or raise."""
    if len(cuts) != 2 or not 0 < cuts[0] < cuts[1] <= 1:
        raise InputError(f"tier cuts must be two shares 0 < A < B ≤ 1, got {list(cuts)}")
    return float(cuts[0]), float(cuts[1])


def abc_tiers(revenue: NDArray[np.float64], cuts: Sequence[float] = DEFAULT_CUTS) -> list[str]:
    """Return each customer's tier: A, B or C by its place in the cumulative revenue."""
    first, second = check_cuts(cuts)
    values = np.asarray(revenue, dtype=np.float64)
    if np.any(values < 0):
        raise InputError("revenue must be 0 or more for every customer")
    tiers = np.full(len(values), "C", dtype=object)
    total = float(values.sum())
    if total <= 0:
        return [str(t) for t in tiers]
    order = np.argsort(-values, kind="stable")
    ranked = values[order]
    # The share reached *before* each customer: it belongs to the tier that share is in.
    # Customers of equal revenue take the share before the first of them, so they share a
    # tier whatever order they come in.
    before = (np.cumsum(ranked) - ranked) / total
    before = before[np.searchsorted(-ranked, -ranked, side="left")]
    paying = ranked > 0
    tiers[order[paying & (before < first)]] = "A"
    tiers[order[paying & (before >= first) & (before < second)]] = "B"
    return [str(t) for t in tiers]


def quintile_scores(values: NDArray[np.float64], *, higher_is_better: bool) -> NDArray[np.int64]:
    """Return 1–5 per value by its quintile among the values: ceil(5 × rank / n), the rank
    counted from the worst (1) and shared by equal values at their lowest, so a best value
    that many customers share may score below 5."""
    found = np.asarray(values, dtype=np.float64)
    if not len(found):
        return np.zeros(0, dtype=np.int64)
    keyed = found if higher_is_better else -found
    rank = np.searchsorted(np.sort(keyed), keyed, side="left") + 1
    scores: NDArray[np.int64] = np.ceil(5 * rank / len(keyed)).astype(np.int64).clip(1, 5)
    return scores


@dataclass(frozen=True)
class Rfm:
    """Each customer's RFM scores (0 for a customer without a purchase in the window)."""

    recency: NDArray[np.int64]
    frequency: NDArray[np.int64]
    monetary: NDArray[np.int64]

    def codes(self) -> list[str]:
        """Return each customer's code, e.g. '545', or '000' without a purchase."""
        return [f"{r}{f}{m}" for r, f, m in zip(self.recency, self.frequency, self.monetary,
                                                  strict=True)]  # fmt: skip


def rfm_scores(
    days_since: NDArray[np.float64], purchases: NDArray[np.float64], revenue: NDArray[np.float64]
) -> Rfm:
    """Return RFM scores among the customers with a purchase (`purchases` > 0)."""
    bought = np.asarray(purchases) > 0
    scores = [np.zeros(len(bought), dtype=np.int64) for _ in range(3)]
    columns = ((days_since, False), (purchases, True), (revenue, True))
    for found, (values, higher) in zip(scores, columns, strict=True):
        found[bought] = quintile_scores(np.asarray(values)[bought], higher_is_better=higher)
    return Rfm(*scores)
