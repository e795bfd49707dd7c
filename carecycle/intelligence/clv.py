"""Lifetime value: repeat purchases (BG/NBD, Pareto/NBD) and spend (Gamma-Gamma) by
maximum likelihood on compressed sufficient statistics.

A customer's repeat-purchase history is summarised, as in the literature, by `frequency`
(x, the number of repeat purchases), `recency` (t_x, the age at the last one) and `T`
(the age at the end of the observation), all in one time unit. Customers with the same
(x, t_x, T) contribute the same term to the likelihood, so a fit sums over the unique
triples, each weighted by how many customers share it: a million customers usually
reduce to a few thousand rows, and the estimates equal those of the uncompressed fit.

References: Fader, Hardie & Lee (2005), "Counting Your Customers the Easy Way: An
Alternative to the Pareto/NBD Model", Marketing Science 24(2); Schmittlein, Morrison &
Colombo (1987), "Counting Your Customers: Who Are They and What Will They Do Next?",
Management Science 33(1); Fader & Hardie (2013), "The Gamma-Gamma Model of Monetary
Value".
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import optimize, special

from carecycle.errors import InputError

Model = Literal["bgnbd", "pareto", "gg"]
Floats = NDArray[np.float64]
Params = Sequence[float] | Floats
# The largest gradient (per customer, in log-parameters) at which a fit counts as converged.
FLAT = 1e-6
PARAMETERS: dict[Model, tuple[str, ...]] = {
    "bgnbd": ("r", "alpha", "a", "b"),
    "pareto": ("r", "alpha", "s", "beta"),
    "gg": ("p", "q", "gamma"),
}


@dataclass(frozen=True)
class Histories:
    """Unique repeat-purchase summaries with the number of customers sharing each."""

    frequency: Floats
    recency: Floats
    T: Floats
    weight: Floats

    @property
    def customers(self) -> int:
        """Return how many customers the rows stand for."""
        return int(self.weight.sum())

    @cached_property
    def distinct(self) -> dict[str, Distinct]:
        """Return the distinct values of each column, for functions costly to evaluate."""
        return {
            "frequency": Distinct.of(self.frequency),
            "recency": Distinct.of(self.recency),
            "T": Distinct.of(self.T),
        }


@dataclass(frozen=True)
class Distinct:
    """A column as its distinct values and, per row, the index of its value.

    Rows are many and values few (a frequency, an age in weeks): a special function is
    evaluated once per value and gathered per row.
    """

    values: Floats
    index: NDArray[np.intp]

    @classmethod
    def of(cls, column: Floats) -> Distinct:
        """Return the column's distinct values and each row's index among them."""
        values, index = np.unique(column, return_inverse=True)
        return cls(values, index.ravel())

    def map(self, function: Callable[[Floats], Floats]) -> Floats:
        """Return `function` of each row's value, evaluated once per distinct value."""
        found: Floats = function(self.values)[self.index]
        return found


@dataclass(frozen=True)
class Spends:
    """Repeat customers' (frequency, mean spend per transaction), unique, with weights."""

    frequency: Floats
    monetary: Floats
    weight: Floats

    @property
    def customers(self) -> int:
        """Return how many customers the rows stand for."""
        return int(self.weight.sum())


@dataclass(frozen=True)
class Fit:
    """A fitted model: its parameters by name, log-likelihood and the data's size."""

    model: Model
    params: dict[str, float]
    log_likelihood: float
    customers: int
    rows: int
    converged: bool


def _floats(values: ArrayLike) -> Floats:
    return np.asarray(values, dtype=np.float64)


def compress(
    frequency: ArrayLike, recency: ArrayLike, age: ArrayLike, weight: ArrayLike | None = None
) -> Histories:
    """Return the unique (frequency, recency, T) rows, each weighted by its customers; `age`
    is T, each customer's age at the end of the observation."""
    x, t_x, big_t = _floats(frequency), _floats(recency), _floats(age)
    w = np.ones_like(x) if weight is None else _floats(weight)
    check_histories(x, t_x, big_t)
    (x, t_x, big_t), summed = _grouped([x, t_x, big_t], w)
    return Histories(x, t_x, big_t, summed)


def _grouped(columns: list[Floats], weight: Floats) -> tuple[list[Floats], Floats]:
    """Return the distinct rows of the columns, sorted, and the weight of each."""
    order = np.lexsort(columns[::-1])
    ranked = [c[order] for c in columns]
    changed = np.zeros(len(order), dtype=bool)
    changed[:1] = True
    for column in ranked:
        changed[1:] |= column[1:] != column[:-1]
    starts = np.flatnonzero(changed)
    summed = _floats(np.add.reduceat(weight[order], starts)) if len(order) else weight
    return [c[starts] for c in ranked], summed


def raw(frequency: ArrayLike, recency: ArrayLike, age: ArrayLike) -> Histories:
    """Return the histories one row per customer, uncompressed (weight 1 each)."""
    x, t_x, big_t = _floats(frequency), _floats(recency), _floats(age)
    check_histories(x, t_x, big_t)
    return Histories(x, t_x, big_t, np.ones_like(x))


def compress_spends(frequency: ArrayLike, monetary: ArrayLike) -> Spends:
    """Return the unique (frequency, mean spend) rows of repeat customers, weighted.

    Customers without a repeat purchase tell nothing of spend and are left out.
    """
    x, m = _floats(frequency), _floats(monetary)
    repeat = x > 0
    bad = np.flatnonzero(repeat & ((m <= 0) | (x != np.floor(x))))
    if bad.size:
        k = int(bad[0])
        raise InputError(
            f"row {k + 1}: a customer with repeat purchases needs a whole frequency and a "
            f"monetary_value above 0 (frequency {x[k]:g}, monetary_value {m[k]:g})"
        )
    ones = np.ones(int(repeat.sum()))
    (kept, spend), summed = _grouped([x[repeat], m[repeat]], ones)
    return Spends(kept, spend, summed)


def check_histories(x: Floats, t_x: Floats, big_t: Floats) -> None:
    """Raise InputError unless the summaries are consistent, naming the first bad row."""
    problems = (
        ((x < 0) | (x != np.floor(x)), "frequency must be a whole number, 0 or more"),
        ((t_x < 0) | (t_x > big_t), "recency must be between 0 and T"),
        ((x == 0) & (t_x != 0), "recency must be 0 for a customer without repeat purchases"),
        (big_t <= 0, "T must be above 0"),
    )
    for bad, reason in problems:
        found = np.flatnonzero(bad)
        if found.size:
            k = int(found[0])
            raise InputError(
                f"row {k + 1}: {reason} (frequency {x[k]:g}, recency {t_x[k]:g}, T {big_t[k]:g})"
            )


# --- log-likelihoods ------------------------------------------------------------------------


def bgnbd_log_likelihood(params: Params, h: Histories) -> Floats:
    """Return each row's BG/NBD log-likelihood (Fader, Hardie & Lee 2005, eq. 6)."""
    r, alpha, a, b = params
    x, levels = h.frequency, h.distinct
    common = levels["frequency"].map(
        lambda v: special.gammaln(r + v) - special.gammaln(r) + special.betaln(a, b + v)
    ) + (r * np.log(alpha) - special.betaln(a, b))
    still = -(r + x) * levels["T"].map(lambda v: np.log(alpha + v))
    # Dropped out just after the last purchase: only possible after a repeat purchase.
    dropped = np.where(
        x > 0,
        levels["frequency"].map(lambda v: np.log(a) - np.log(np.maximum(b + v - 1, 1e-300)))
        - (r + x) * levels["recency"].map(lambda v: np.log(alpha + v)),
        -np.inf,
    )
    found: Floats = common + np.logaddexp(still, dropped)
    return found


def pareto_log_likelihood(params: Params, h: Histories) -> Floats:
    """Return each row's Pareto/NBD log-likelihood (Schmittlein, Morrison & Colombo 1987;
    in the form of Fader, Hardie & Lee 2005, "A Note on Deriving the Pareto/NBD Model")."""
    r, alpha, s, beta = params
    x, t_x, big_t = h.frequency, h.recency, h.T
    head = special.gammaln(r + x) - special.gammaln(r) + r * np.log(alpha) + s * np.log(beta)
    alive = -(r + x) * np.log(alpha + big_t) - s * np.log(beta + big_t)
    died = np.log(s) - np.log(r + s + x) + _log_a0(r, alpha, s, beta, x, t_x, big_t)
    found: Floats = head + np.logaddexp(alive, died)
    return found


def _log_a0(
    r: float, alpha: float, s: float, beta: float, x: Floats, t_x: Floats, big_t: Floats
) -> Floats:
    """Return log A0, the integral over the death time between t_x and T, computed with
    the larger of alpha and beta so that the hypergeometric series converges."""
    k = r + s + x
    second: float | Floats
    if alpha >= beta:
        top, second = alpha, s + 1.0
    else:
        top, second = beta, r + x
    z = abs(alpha - beta)

    def term(age: Floats) -> Floats:
        base = top + age
        found: Floats = np.log(special.hyp2f1(k, second, k + 1.0, z / base)) - k * np.log(base)
        return found

    early, late = term(t_x), term(big_t)
    # early >= late, the later age giving the smaller term: A0 is their difference, 0
    # (log -inf) for a customer whose last purchase was at T.
    gap = np.minimum(late - early, 0.0)
    with np.errstate(divide="ignore"):
        found: Floats = early + np.log(-np.expm1(gap))
    return found


def gg_log_likelihood(params: Params, spends: Spends) -> Floats:
    """Return each row's Gamma-Gamma log-likelihood of its mean spend (Fader & Hardie 2013)."""
    p, q, gamma = params
    x, m = spends.frequency, spends.monetary
    found: Floats = (
        special.gammaln(p * x + q) - special.gammaln(p * x) - special.gammaln(q)
        + q * np.log(gamma) + (p * x - 1) * np.log(m) + p * x * np.log(x)
        - (p * x + q) * np.log(gamma + m * x)
    )  # fmt: skip
    return found


def bgnbd_gradient(params: Params, h: Histories) -> Floats:
    """Return each row's gradient of the BG/NBD log-likelihood in (r, alpha, a, b), as
    rows × 4: the derivatives of `bgnbd_log_likelihood`, term by term."""
    r, alpha, a, b = params
    x, levels = h.frequency, h.distinct
    freq = levels["frequency"]
    log_end = levels["T"].map(lambda v: np.log(alpha + v))
    log_last = levels["recency"].map(lambda v: np.log(alpha + v))
    still = -(r + x) * log_end
    repeat = x > 0
    dropped = np.where(
        repeat,
        freq.map(lambda v: np.log(a) - np.log(np.maximum(b + v - 1, 1e-300))) - (r + x) * log_last,
        -np.inf,
    )
    total = np.logaddexp(still, dropped)
    w_still, w_dropped = np.exp(still - total), np.exp(dropped - total)
    digamma = special.digamma
    d_r = freq.map(lambda v: digamma(r + v)) - digamma(r) + np.log(alpha)
    d_r -= w_still * log_end + w_dropped * log_last
    end = levels["T"].map(lambda v: 1 / (alpha + v))
    last = levels["recency"].map(lambda v: 1 / (alpha + v))
    d_alpha = r / alpha - (r + x) * (w_still * end + w_dropped * last)
    d_a = freq.map(lambda v: -digamma(a + b + v)) + digamma(a + b) + w_dropped / a
    after = freq.map(lambda v: 1 / np.maximum(b + v - 1, 1e-300))
    d_b = freq.map(lambda v: digamma(b + v) - digamma(a + b + v)) - digamma(b) + digamma(a + b)
    d_b -= w_dropped * after
    return np.column_stack([d_r, d_alpha, d_a, d_b])


def gg_gradient(params: Params, spends: Spends) -> Floats:
    """Return each row's gradient of the Gamma-Gamma log-likelihood in (p, q, gamma)."""
    p, q, gamma = params
    x, m = spends.frequency, spends.monetary
    digamma = special.digamma
    shared = digamma(p * x + q)
    log_total = np.log(gamma + m * x)
    d_p = x * (shared - digamma(p * x) + np.log(m) + np.log(x) - log_total)
    d_q = shared - digamma(q) + np.log(gamma) - log_total
    d_gamma = q / gamma - (p * x + q) / (gamma + m * x)
    return np.column_stack([d_p, d_q, d_gamma])


# --- fitting --------------------------------------------------------------------------------


def fit_bgnbd(h: Histories) -> Fit:
    """Return the BG/NBD maximum-likelihood fit of the histories."""
    return _fit(
        "bgnbd", lambda p: bgnbd_log_likelihood(p, h), h.weight, _start(h), len(h.T),
        gradient=lambda p: bgnbd_gradient(p, h),
    )  # fmt: skip


def fit_pareto(h: Histories) -> Fit:
    """Return the Pareto/NBD maximum-likelihood fit of the histories."""
    return _fit("pareto", lambda p: pareto_log_likelihood(p, h), h.weight, _start(h), len(h.T))


def fit_gg(spends: Spends) -> Fit:
    """Return the Gamma-Gamma maximum-likelihood fit of the repeat customers' spends."""
    if spends.customers < 2:
        raise InputError(
            "the Gamma-Gamma model needs at least 2 customers with repeat purchases, "
            f"found {spends.customers}"
        )
    mean = float(np.average(spends.monetary, weights=spends.weight))
    start = np.array([1.0, 1.0, max(mean, 1e-3)])
    return _fit(
        "gg", lambda p: gg_log_likelihood(p, spends), spends.weight, start, len(spends.weight),
        gradient=lambda p: gg_gradient(p, spends),
    )  # fmt: skip


def _start(h: Histories) -> Floats:
    if h.customers < 2:
        raise InputError("a repeat-purchase model needs at least 2 customers")
    if not np.any(h.frequency > 0):
        raise InputError("no customer made a repeat purchase: there is nothing to fit")
    rate = float(np.average(h.frequency, weights=h.weight) / np.average(h.T, weights=h.weight))
    return np.array([1.0, 1.0 / max(rate, 1e-6), 1.0, 1.0])


def _fit(
    model: Model,
    per_row: Callable[[Floats], Floats],
    weight: Floats,
    start: Floats,
    rows: int,
    *,
    gradient: Callable[[Floats], Floats] | None = None,
) -> Fit:
    """Maximise the weighted log-likelihood over log-parameters (all must be positive).

    With the gradient, BFGS goes straight to the optimum; without it, or where it fails,
    a simplex search finds the region first and BFGS polishes.
    """
    total = float(weight.sum())

    def loss(logs: Floats) -> float:
        # Per customer, so the tolerances below mean the same for 2,000 or 1M customers.
        with np.errstate(all="ignore"):
            found = float(np.dot(weight, per_row(np.exp(logs)))) / total
        return -found if np.isfinite(found) else np.inf

    def slope(logs: Floats) -> Floats:
        assert gradient is not None
        params = np.exp(logs)
        with np.errstate(all="ignore"):
            found: Floats = -(weight @ gradient(params)) * params / total
        return found

    chosen = None
    if gradient is not None:
        direct = optimize.minimize(
            loss, np.log(start), jac=slope, method="BFGS", options={"gtol": 1e-9}
        )
        # BFGS may stop short of its tolerance on rounding alone: flat is flat enough.
        if np.isfinite(direct.fun) and np.max(np.abs(slope(direct.x))) < FLAT:
            chosen = direct
    if chosen is None:
        rough: Any = {"maxiter": 4000, "xatol": 1e-6, "fatol": 1e-11}
        first = optimize.minimize(loss, np.log(start), method="Nelder-Mead", options=rough)
        best = optimize.minimize(loss, first.x, method="BFGS", options={"gtol": 1e-7})
        chosen = best if best.fun <= first.fun else first
    params = dict(zip(PARAMETERS[model], np.exp(chosen.x).tolist(), strict=True))
    return Fit(
        model=model,
        params=params,
        log_likelihood=-float(chosen.fun) * total,
        customers=int(weight.sum()),
        rows=rows,
        converged=bool(np.isfinite(chosen.fun))
        and (
            bool(chosen.success)
            or bool(np.max(np.abs(optimize.approx_fprime(chosen.x, loss))) < FLAT)
        ),
    )


# --- predictions ----------------------------------------------------------------------------


def bgnbd_alive(params: Params, h: Histories) -> Floats:
    """Return each row's probability of being alive at T (BG/NBD)."""
    r, alpha, a, b = params
    x, t_x, big_t = h.frequency, h.recency, h.T
    odds = np.zeros_like(x)
    repeat = x > 0
    odds[repeat] = (a / (b + x[repeat] - 1)) * (
        (alpha + big_t[repeat]) / (alpha + t_x[repeat])
    ) ** (r + x[repeat])
    found: Floats = 1.0 / (1.0 + odds)
    return found


def bgnbd_expected(params: Params, h: Histories, horizon: float) -> Floats:
    """Return each row's expected purchases in (T, T + horizon] (BG/NBD, eq. 10).

    The paper's ((α+T)/(α+T+t))^(r+x) · 2F1(r+x, b+x; a+b+x−1; z), z = t/(α+T+t), fails
    for a heavy buyer over a long horizon (the power underflows to 0, the series
    overflows); there Euler's equal form (1−z)^(a−1) · 2F1(a+b−1−r, a−1; a+b+x−1; z)
    holds, which itself fails when a is very large, where the paper's form is fine.
    """
    r, alpha, a, b = params
    if abs(a - 1) < 1e-9:
        # The expression is continuous in a; at a = 1 exactly both factors are singular.
        a = 1 + math.copysign(1e-9, a - 1)
    x, big_t = h.frequency, h.T
    z = horizon / (alpha + big_t + horizon)
    c = a + b + x - 1
    with np.errstate(all="ignore"):
        paper = (1 - z) ** (r + x) * special.hyp2f1(r + x, b + x, c, z)
        euler = (1 - z) ** (a - 1) * special.hyp2f1(a + b - 1 - r, a - 1, c, z)
    term = np.where(np.isfinite(paper), paper, euler)
    found: Floats = (c / (a - 1)) * (1 - term) * bgnbd_alive(params, h)
    return found


def gg_expected_spend(params: Params, frequency: ArrayLike, monetary: ArrayLike) -> Floats:
    """Return each customer's expected mean spend per transaction (Gamma-Gamma); customers
    without a repeat purchase of positive value get the population mean."""
    p, q, gamma = params
    x, m = _floats(frequency), _floats(monetary)
    if q <= 1:
        raise InputError(f"Gamma-Gamma q = {q:.4f} ≤ 1: the mean spend is not finite")
    population = p * gamma / (q - 1)
    # Without a repeat purchase of positive value, nothing is known of the customer's own.
    known = (x > 0) & (m > 0)
    found = np.full_like(x, population)
    found[known] = p * (gamma + m[known] * x[known]) / (p * x[known] + q - 1)
    return found


def discounted_value(
    params: Params,
    h: Histories,
    spend: Floats,
    *,
    periods: int,
    period: float,
    discount: float,
) -> Floats:
    """Return each row's lifetime value over `periods` periods of `period` time units,
    each period's expected purchases (BG/NBD) times the expected spend, discounted at
    `discount` per period."""
    if periods < 1 or period <= 0 or discount < 0:
        raise InputError("periods ≥ 1, a period above 0 and a discount rate of 0 or more")
    value = np.zeros_like(h.T)
    before = np.zeros_like(h.T)
    for k in range(1, periods + 1):
        upto = bgnbd_expected(params, h, k * period)
        value += (upto - before) * spend / (1 + discount) ** k
        before = upto
    return value
