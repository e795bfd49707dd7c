"""Contractual renewal: the shifted-beta-geometric model (Fader & Hardie 2007, "How to
Project Customer Retention", Journal of Interactive Marketing 21(1)).

Each customer renews at the end of every period with a probability of its own, 1 − θ,
constant over time; θ varies across customers as Beta(α, β). Retention then rises with
tenure for the cohort as a whole, because the customers most likely to leave leave first.
Fitted by maximum likelihood from the number of customers still active at the start of
each period of one cohort.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import optimize, special

from carecycle.errors import InputError

# Fitted α and β outside these bounds mean the counts do not identify the model.
BOUNDS = (1e-4, 1e4)


@dataclass(frozen=True)
class RenewalFit:
    """The fitted sBG model of one cohort."""

    alpha: float
    beta: float
    log_likelihood: float
    alive: tuple[float, ...]
    converged: bool

    def survival(self, periods: int) -> list[float]:
        """Return the share still active after 0, 1, …, `periods` periods."""
        t = np.arange(periods + 1)
        base = special.betaln(self.alpha, self.beta)
        return [float(v) for v in np.exp(special.betaln(self.alpha, self.beta + t) - base)]

    def retention(self, periods: int) -> list[float]:
        """Return the renewal rate at the end of periods 1 … `periods`: of those active in
        period t, the share that renews into period t + 1, (β + t − 1)/(α + β + t − 1)."""
        t = np.arange(1, periods + 1)
        return [float(v) for v in (self.beta + t - 1) / (self.alpha + self.beta + t - 1)]

    def expected_renewals(self, renewals: int, *, discount: float = 0.0) -> float:
        """Return the expected number of renewals still to come, each discounted at
        `discount` per period, for a customer who has just made its `renewals`-th renewal.

        Of those, the k-th comes with probability S(n + k)/S(n) = (b)_k/(a + b)_k for
        b = β + n, so the sum is 2F1(1, b; a + b; 1/(1 + discount)) − 1.
        """
        if renewals < 0 or discount < 0:
            raise InputError("renewals made and the discount rate must be 0 or more")
        if discount == 0 and self.alpha <= 1:
            raise InputError(
                f"with α = {self.alpha:.3f} ≤ 1 the undiscounted number of renewals to come "
                "is not finite: give a discount rate above 0"
            )
        b = self.beta + renewals
        return float(special.hyp2f1(1.0, b, self.alpha + b, 1.0 / (1.0 + discount)) - 1.0)


def check_alive(alive: Sequence[float]) -> tuple[float, ...]:
    """Return the counts if they describe one cohort, else raise InputError saying why."""
    counts = tuple(float(n) for n in alive)
    if len(counts) < 3:
        raise InputError(
            "--alive needs at least three counts, the cohort and those still active after "
            "two periods or more: one period tells only the first renewal rate, not how "
            "renewal varies across customers"
        )
    for k, n in enumerate(counts):
        if not np.isfinite(n) or n < 0:
            raise InputError(f"--alive: count {k + 1} ({n:g}) must be a number, 0 or more")
        if k and n > counts[k - 1]:
            raise InputError(
                f"--alive: count {k + 1} ({n:g}) is above the one before ({counts[k - 1]:g}): "
                "a cohort can only shrink"
            )
    if counts[0] <= 0:
        raise InputError("--alive: the cohort's first count must be above 0")
    if counts[-1] == counts[0]:
        raise InputError("--alive: nobody left the cohort, so there is no churn to fit")
    return counts


def log_likelihood(alpha: float, beta: float, alive: Sequence[float]) -> float:
    """Return the sBG log-likelihood of a cohort's active counts (Fader & Hardie 2007, eq. 7)."""
    n = np.asarray(alive, dtype=np.float64)
    t = np.arange(1, len(n))
    lost = n[:-1] - n[1:]
    base = special.betaln(alpha, beta)
    churned = special.betaln(alpha + 1, beta + t - 1) - base
    survived = special.betaln(alpha, beta + t[-1]) - base
    return float(np.dot(lost, churned) + n[-1] * survived)


def fit_renewal(alive: Sequence[float]) -> RenewalFit:
    """Return the sBG maximum-likelihood fit of a cohort's active counts per period."""
    counts = check_alive(alive)

    def loss(logs: np.ndarray) -> float:
        found = log_likelihood(float(np.exp(logs[0])), float(np.exp(logs[1])), counts)
        return -found if np.isfinite(found) else np.inf

    simplex: Any = {"xatol": 1e-10, "fatol": 1e-12, "maxiter": 4000}
    first = optimize.minimize(loss, np.zeros(2), method="Nelder-Mead", options=simplex)
    best = optimize.minimize(loss, first.x, method="BFGS", options={"gtol": 1e-9})
    chosen = best if best.fun <= first.fun else first
    alpha, beta = np.exp(chosen.x).tolist()
    given = ",".join(f"{n:g}" for n in counts)
    if alpha >= BOUNDS[1] and beta >= BOUNDS[1]:
        raise InputError(
            f"--alive {given}: renewal is the same for every customer, "
            f"{beta / (alpha + beta):.1%} each period (α and β grow without bound): the "
            "model has no variation across customers to fit"
        )
    if not (BOUNDS[0] < alpha < BOUNDS[1] and BOUNDS[0] < beta < BOUNDS[1]):
        raise InputError(
            f"--alive {given}: the counts do not pin down how "
            "renewal varies across customers (the fit runs off to α = "
            f"{alpha:.3g}, β = {beta:.3g}); give more periods"
        )
    return RenewalFit(alpha, beta, -float(chosen.fun), counts, bool(first.success or best.success))
