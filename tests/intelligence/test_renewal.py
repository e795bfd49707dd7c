"""The shifted-beta-geometric renewal model against Fader & Hardie (2007)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import special

from carecycle.errors import InputError
from carecycle.intelligence.renewal import (
    as_events,
    event_log_likelihood,
    fit_events,
    fit_renewal,
    log_likelihood,
)
from carecycle.services.renewal import project

REGULAR = (100, 63.1, 46.8, 38.2, 32.6, 28.9, 26.2, 24.1)
HIGH_END = (100, 86.9, 74.3, 65.3, 59.3, 55.1, 51.7, 49.1)


@pytest.mark.parametrize(
    ("alive", "alpha", "beta", "ll"),
    [(REGULAR, 0.704, 1.182, -1680.3), (HIGH_END, 0.668, 3.806, -1611.2)],
)
def test_sbg_reproduces_fader_and_hardie_2007(
    alive: tuple[float, ...], alpha: float, beta: float, ll: float
) -> None:
    # The paper's 1,000 customers per segment; the shares give the same estimates.
    found = fit_renewal([10 * n for n in alive])
    assert (found.alpha, found.beta) == (
        pytest.approx(alpha, abs=0.005),
        pytest.approx(beta, abs=0.005),
    )
    assert found.log_likelihood == pytest.approx(ll, abs=0.05)
    shares = fit_renewal(alive)
    assert shares.alpha == pytest.approx(found.alpha, rel=1e-5)


def test_the_likelihood_is_the_papers_sum_by_hand() -> None:
    # Two periods, 10 customers: 4 leave in period 1, 2 in period 2, 4 remain.
    a, b = 1.5, 2.5
    p1 = a / (a + b)
    p2 = b / (a + b) * a / (a + b + 1)
    survive = 1 - p1 - p2
    expected = 4 * math.log(p1) + 2 * math.log(p2) + 4 * math.log(survive)
    assert log_likelihood(a, b, [10, 6, 4]) == pytest.approx(expected, rel=1e-12)


def test_projections_follow_the_fitted_model() -> None:
    found = project([1000, 631, 468, 382, 326, 289, 262, 241], periods=3, discount=0.1)
    a, b = found.fit.alpha, found.fit.beta
    assert found.retention == pytest.approx([(b + t - 1) / (a + b + t - 1) for t in (1, 2, 3)])
    share = 1.0
    for t, active in enumerate(found.survival, 1):
        share *= (b + t - 1) / (a + b + t - 1)
        assert active == pytest.approx(share)
    # Renewals to come: sum over k of 1.1^-k * S(k), summed term by term.
    terms = sum(
        1.1**-k * math.exp(special.betaln(a, b + k) - special.betaln(a, b)) for k in range(1, 3000)
    )
    assert found.expected_renewals == pytest.approx(terms, rel=1e-9)


@pytest.mark.parametrize(
    ("alive", "message"),
    [
        ([100, 60], "at least three counts"),
        ([100, 120, 50], "count 2 \\(120\\) is above the one before"),
        ([0, 0, 0], "first count must be above 0"),
        ([100, 100, 100], "nobody left the cohort"),
        ([100, -1, 0], "must be a number, 0 or more"),
        ([100, 50, 25], "renewal is the same for every customer, 50.0% each period"),
        ([100, 0, 0], "nobody was watched beyond the first renewal"),
    ],
)
def test_counts_that_are_not_a_cohort_are_refused(alive: list[float], message: str) -> None:
    with pytest.raises(InputError, match=message):
        fit_renewal(alive)


def test_undiscounted_renewals_to_come_need_alpha_above_one() -> None:
    found = fit_renewal([1000, 631, 468, 382, 326, 289, 262, 241])
    with pytest.raises(InputError, match="not finite"):
        found.expected_renewals(0, discount=0.0)


def test_churn_and_censoring_enter_the_likelihood_as_published() -> None:
    a, b = 1.0, 2.0
    # One left at period 1 (P(T = 1) = α/(α+β)), one still active after one renewal
    # (S(1) = β/(α+β)), one left at period 2 (P(T = 2) = αβ/((α+β)(α+β+1))).
    found = event_log_likelihood(a, b, np.array([1.0, 1.0]), np.array([0.0, 1.0]))
    assert found == pytest.approx(math.log(1 / 3) + math.log(2 / 3) + math.log(2 / 12))
    # A cohort's counts are its churn, and its survivors censored at the last period.
    assert event_log_likelihood(a, b, *as_events([10, 6, 4])) == pytest.approx(
        log_likelihood(a, b, [10, 6, 4])
    )


def test_cohorts_watched_for_different_lengths_pool_into_one_fit() -> None:
    regular = [1000, 631, 468, 382, 326, 289, 262, 241]
    alone = fit_renewal(regular)
    churned, censored = as_events(regular)
    twice = fit_events(2 * churned, 2 * censored, name="twice")
    assert (twice.alpha, twice.beta) == pytest.approx((alone.alpha, alone.beta), rel=1e-5)
    # A second cohort of the same customers, watched three periods only: its survivors
    # are censored after three renewals. The pooled fit stays near the published one.
    short_churned, short_censored = as_events(regular[:4])
    size = len(churned)
    pooled = fit_events(
        churned + np.pad(short_churned, (0, size - len(short_churned))),
        censored + np.pad(short_censored, (0, size + 1 - len(short_censored))),
        name="pooled",
    )
    assert pooled.alpha == pytest.approx(0.704, abs=0.06)
    assert pooled.beta == pytest.approx(1.182, abs=0.12)
    with pytest.raises(InputError, match="nobody was watched beyond the first renewal"):
        fit_events(np.array([5.0]), np.array([0.0, 5.0]), name="short")
    with pytest.raises(InputError, match="nobody left"):
        fit_events(np.array([0.0, 0.0]), np.array([0.0, 0.0, 9.0]), name="none")
