"""Contractual renewal: the shifted-beta-geometric model (Fader & Hardie 2007, "How to
Project Customer Retention", Journal of Interactive Marketing 21(1)).

Each customer renews at the end of every period with a probability of its own, 1 − θ,
constant over time; θ varies across customers as Beta(α, β). Retention then rises with
tenure for the cohort as a whole, because the customers most likely to leave leave first.
Fitted by maximum likelihood from the number of customers still active at the start of
each period of one cohort, or — for customers watched for different lengths of time, as
in a store of agreements — from how many left at each period (T = t: renewed t − 1 times,
then not) and how many are still active after each number of renewals (right-censored:
all that is known is T > r).
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
    churned: tuple[float, ...]
    censored: tuple[float, ...]
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


def as_events(alive: Sequence[float]) -> tuple[np.ndarray, np.ndarray]:
    """Return a cohort's active counts as churn and censoring counts: `churned[t - 1]`
    customers left at period t, `censored[r]` are active after r renewals, unwatched since."""
    n = np.asarray(alive, dtype=np.float64)
    censored = np.zeros(len(n))
    censored[-1] = n[-1]
    return n[:-1] - n[1:], censored


def log_likelihood(alpha: float, beta: float, alive: Sequence[float]) -> float:
    """Return the sBG log-likelihood of a cohort's active counts (Fader & Hardie 2007, eq. 7)."""
    return event_log_likelihood(alpha, beta, *as_events(alive))


def event_log_likelihood(
    alpha: float, beta: float, churned: np.ndarray, censored: np.ndarray
) -> float:
    """Return the sBG log-likelihood of customers who left at periods 1, 2, … (`churned`)
    and customers still active after 0, 1, … renewals (`censored`):
    Σ churned[t−1] ln P(T = t) + Σ censored[r] ln S(r), with
    P(T = t) = B(α + 1, β + t − 1)/B(α, β) and S(r) = B(α, β + r)/B(α, β)."""
    base = special.betaln(alpha, beta)
    t = np.arange(1, len(churned) + 1)
    r = np.arange(len(censored))
    left = special.betaln(alpha + 1, beta + t - 1) - base
    stayed = special.betaln(alpha, beta + r) - base
    return float(np.dot(churned, left) + np.dot(censored, stayed))


def fit_renewal(alive: Sequence[float]) -> RenewalFit:
    """Return the sBG maximum-likelihood fit of a cohort's active counts per period."""
    counts = check_alive(alive)
    given = ",".join(f"{n:g}" for n in counts)
    return fit_events(*as_events(counts), name=f"--alive {given}")


def fit_events(churned: np.ndarray, censored: np.ndarray, *, name: str) -> RenewalFit:
    """Return the sBG maximum-likelihood fit of churn and censoring counts (see
    `event_log_likelihood`); `name` says whose counts they are in an error."""
    churned, censored = np.asarray(churned, float), np.asarray(censored, float)
    if not churned.sum():
        raise InputError(f"{name}: nobody left, so there is no churn to fit")
    # Watched beyond the first renewal: otherwise only the first rate is known.
    furthest = max(np.flatnonzero(churned).max() + 1, np.flatnonzero(censored).max(initial=0))
    if furthest < 2:
        raise InputError(
            f"{name}: nobody was watched beyond the first renewal: one period tells only the "
            "first renewal rate, not how renewal varies across customers"
        )

    def loss(logs: np.ndarray) -> float:
        found = event_log_likelihood(float(np.exp(logs[0])), float(np.exp(logs[1])), churned,
                                     censored)  # fmt: skip
        return -found if np.isfinite(found) else np.inf

    simplex: Any = {"xatol": 1e-10, "fatol": 1e-12, "maxiter": 4000}
    first = optimize.minimize(loss, np.zeros(2), method="Nelder-Mead", options=simplex)
    best = optimize.minimize(loss, first.x, method="BFGS", options={"gtol": 1e-9})
    chosen = best if best.fun <= first.fun else first
    alpha, beta = np.exp(chosen.x).tolist()
    if alpha >= BOUNDS[1] and beta >= BOUNDS[1]:
        raise InputError(
            f"{name}: renewal is the same for every customer, "
            f"{beta / (alpha + beta):.1%} each period (α and β grow without bound): the "
            "model has no variation across customers to fit"
        )
    if not (BOUNDS[0] < alpha < BOUNDS[1] and BOUNDS[0] < beta < BOUNDS[1]):
        raise InputError(
            f"{name}: the counts do not pin down how "
            "renewal varies across customers (the fit runs off to α = "
            f"{alpha:.3g}, β = {beta:.3g}); give more periods"
        )
    return RenewalFit(alpha, beta, -float(chosen.fun), tuple(churned.tolist()),
                      tuple(censored.tolist()), bool(first.success or best.success))  # fmt: skip
