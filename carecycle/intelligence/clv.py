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

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import optimize, special

from carecycle.errors import InputError

Model = Literal["bgnbd", "pareto", "gg"]
Floats = NDArray[np.float64]
Params = Sequence[float] | Floats
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
    rows, inverse = np.unique(np.column_stack([x, t_x, big_t]), axis=0, return_inverse=True)
    summed = _floats(np.bincount(inverse.ravel(), weights=w, minlength=len(rows)))
    return Histories(rows[:, 0], rows[:, 1], rows[:, 2], summed)


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
    if np.any(m[repeat] <= 0):
        raise InputError("monetary_value must be above 0 for customers with repeat purchases")
    rows, inverse = np.unique(np.column_stack([x[repeat], m[repeat]]), axis=0, return_inverse=True)
    summed = np.bincount(inverse.ravel(), minlength=len(rows)).astype(np.float64)
    return Spends(rows[:, 0], rows[:, 1], summed)


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
    x, t_x, big_t = h.frequency, h.recency, h.T
    common = (
        special.gammaln(r + x) - special.gammaln(r) + r * np.log(alpha)
        + special.betaln(a, b + x) - special.betaln(a, b)
    )  # fmt: skip
    still = -(r + x) * np.log(alpha + big_t)
    # Dropped out just after the last purchase: only possible after a repeat purchase.
    repeat = x > 0
    dropped = np.full_like(x, -np.inf)
    dropped[repeat] = (
        np.log(a) - np.log(b + x[repeat] - 1) - (r + x[repeat]) * np.log(alpha + t_x[repeat])
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


# --- fitting --------------------------------------------------------------------------------


def fit_bgnbd(h: Histories) -> Fit:
    """Return the BG/NBD maximum-likelihood fit of the histories."""
    return _fit("bgnbd", lambda p: bgnbd_log_likelihood(p, h), h.weight, _start(h), len(h.T))


def fit_pareto(h: Histories) -> Fit:
    """Return the Pareto/NBD maximum-likelihood fit of the histories."""
    return _fit("pareto", lambda p: pareto_log_likelihood(p, h), h.weight, _start(h), len(h.T))


def fit_gg(spends: Spends) -> Fit:
    """Return the Gamma-Gamma maximum-likelihood fit of the repeat customers' spends."""
    if not len(spends.weight):
        raise InputError("the Gamma-Gamma model needs customers with repeat purchases")
    mean = float(np.average(spends.monetary, weights=spends.weight))
    start = np.array([1.0, 1.0, max(mean, 1e-3)])
    return _fit(
        "gg", lambda p: gg_log_likelihood(p, spends), spends.weight, start, len(spends.weight)
    )


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
) -> Fit:
    """Maximise the weighted log-likelihood over log-parameters (all must be positive)."""

    def loss(logs: Floats) -> float:
        with np.errstate(all="ignore"):
            found = float(np.dot(weight, per_row(np.exp(logs))))
        return -found if np.isfinite(found) else np.inf

    first = optimize.minimize(loss, np.log(start), method="Nelder-Mead",
                              options={"maxiter": 4000, "xatol": 1e-9, "fatol": 1e-10})  # fmt: skip
    # Polish from where the simplex stopped: a gradient method pins the optimum down.
    best = optimize.minimize(loss, first.x, method="BFGS", options={"gtol": 1e-8})
    chosen = best if best.fun <= first.fun else first
    params = dict(zip(PARAMETERS[model], np.exp(chosen.x).tolist(), strict=True))
    return Fit(
        model=model,
        params=params,
        log_likelihood=-float(chosen.fun),
        customers=int(weight.sum()),
        rows=rows,
        converged=bool(first.success or best.success) and bool(np.isfinite(chosen.fun)),
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
    """Return each row's expected purchases in (T, T + horizon] (BG/NBD, eq. 10)."""
    r, alpha, a, b = params
    x, big_t = h.frequency, h.T
    ratio = (alpha + big_t) / (alpha + big_t + horizon)
    hyper = special.hyp2f1(r + x, b + x, a + b + x - 1, horizon / (alpha + big_t + horizon))
    scale = (a + b + x - 1) / (a - 1)
    found: Floats = scale * (1 - ratio ** (r + x) * hyper) * bgnbd_alive(params, h)
    return found


def gg_expected_spend(params: Params, frequency: ArrayLike, monetary: ArrayLike) -> Floats:
    """Return each customer's expected mean spend per transaction (Gamma-Gamma); customers
    without a repeat purchase get the population mean."""
    p, q, gamma = params
    x, m = _floats(frequency), _floats(monetary)
    if q <= 1:
        raise InputError(f"Gamma-Gamma q = {q:.4f} ≤ 1: the mean spend is not finite")
    population = p * gamma / (q - 1)
    known = x > 0
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
