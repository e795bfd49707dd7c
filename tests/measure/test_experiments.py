"""Test-against-control statistics, checked against published values and hand computations."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from scipy import stats

from carecycle.measure.experiments import (
    Interval,
    Paired,
    compare_counts,
    compare_means,
    compare_proportions,
    compare_ratio_moments,
    compare_ratios,
    cuped,
    difference_in_differences,
    newcombe,
    program_return,
    sample_ratio,
    wilson,
)

# Newcombe (1998), "Interval estimation for the difference between independent
# proportions", Statistics in Medicine 17:873-890, Table II, method 10.
NEWCOMBE_DIFFERENCES = [
    ((56, 70, 48, 80), (0.0524, 0.3339)),
    ((9, 10, 3, 10), (0.1705, 0.8090)),
    ((6, 7, 2, 7), (0.0582, 0.8062)),
    ((5, 56, 0, 29), (-0.0381, 0.1926)),
    ((0, 10, 0, 20), (-0.1611, 0.2775)),
    ((0, 10, 0, 10), (-0.2775, 0.2775)),
    ((10, 10, 0, 20), (0.6791, 1.0000)),
    ((10, 10, 0, 10), (0.6075, 1.0000)),
]
# Newcombe (1998), "Two-sided confidence intervals for the single proportion",
# Statistics in Medicine 17:857-872, Table I, method 3 (Wilson score).
WILSON = [
    ((81, 263), (0.2553, 0.3662)),
    ((15, 148), (0.0624, 0.1605)),
    ((0, 20), (0.0000, 0.1611)),
    ((1, 29), (0.0061, 0.1718)),
    ((29, 29), (0.8830, 1.0000)),
]


@pytest.mark.parametrize(("counts", "expected"), NEWCOMBE_DIFFERENCES)
def test_difference_of_proportions_matches_newcombes_published_intervals(
    counts: tuple[int, int, int, int], expected: tuple[float, float]
) -> None:
    found = newcombe(*counts)
    assert (round(found.low or 0, 4), round(found.high or 0, 4)) == expected


@pytest.mark.parametrize(("counts", "expected"), WILSON)
def test_single_proportion_matches_the_published_wilson_intervals(
    counts: tuple[int, int], expected: tuple[float, float]
) -> None:
    low, high = wilson(*counts)
    assert (round(low, 4), round(high, 4)) == expected


def test_welch_interval_equals_the_hand_computation() -> None:
    test, control = [1, 2, 3, 4], [2, 4, 6]
    mean_t, mean_c = Fraction(10, 4), Fraction(12, 3)
    var_t = sum((Fraction(v) - mean_t) ** 2 for v in test) / 3
    var_c = sum((Fraction(v) - mean_c) ** 2 for v in control) / 2
    se2 = var_t / 4 + var_c / 3
    df = se2**2 / ((var_t / 4) ** 2 / 3 + (var_c / 3) ** 2 / 2)
    half = stats.t.ppf(0.975, float(df)) * math.sqrt(se2)
    found = compare_means(np.array(test), np.array(control))
    assert found.difference.estimate == pytest.approx(-1.5)
    assert found.difference.low == pytest.approx(-1.5 - half)
    assert found.difference.high == pytest.approx(-1.5 + half)
    t_stat = -1.5 / math.sqrt(se2)
    assert found.p_value == pytest.approx(2 * stats.t.sf(abs(t_stat), float(df)))
    assert found.p_value == pytest.approx(stats.ttest_ind(test, control, equal_var=False).pvalue)


def test_relative_lift_uses_the_delta_method() -> None:
    test, control = np.array([10.0, 12, 14, 16]), np.array([8.0, 10, 12])
    found = compare_means(test, control)
    mt, mc, vt, vc = 13.0, 10.0, np.var(test, ddof=1), np.var(control, ddof=1)
    se = math.sqrt(vt / 4 / mc**2 + mt**2 * (vc / 3) / mc**4)
    assert found.relative.estimate == pytest.approx(0.3)
    assert found.relative.low == pytest.approx(0.3 - 1.959963984540054 * se)


def test_proportions_p_value_is_the_pooled_z_test() -> None:
    test = np.array([1] * 30 + [0] * 70)
    control = np.array([1] * 20 + [0] * 80)
    found = compare_proportions(test, control)
    pooled = 0.25
    z = 0.1 / math.sqrt(pooled * 0.75 * (2 / 100))
    assert found.p_value == pytest.approx(2 * stats.norm.sf(z))
    assert found.relative.estimate == pytest.approx(0.5)


def test_zero_conversions_give_an_interval_and_a_plain_note_not_nan() -> None:
    found = compare_proportions(np.zeros(50), np.zeros(40))
    assert found.difference.estimate == 0
    assert found.difference.low is not None
    assert found.difference.low < 0 < (found.difference.high or 0)
    assert found.relative.estimate is None
    assert found.note == "no conversions in the control group: relative lift is undefined"
    assert found.p_value == 1.0


def test_tiny_or_one_sided_groups_answer_plainly() -> None:
    tiny = compare_means(np.array([5.0]), np.array([3.0, 4.0]))
    assert tiny.difference.estimate == pytest.approx(1.5)
    assert (tiny.difference.low, tiny.p_value) == (None, None)
    assert tiny.note == "each group needs at least two units for an interval"
    empty = compare_proportions(np.array([1.0, 0.0]), np.array([]))
    assert empty.note == "one group has no units"
    flat = compare_means(np.array([2.0, 2.0]), np.array([2.0, 2.0, 2.0]))
    assert (flat.difference.low, flat.difference.high, flat.p_value) == (0.0, 0.0, 1.0)


def test_amounts_are_refused_as_proportions() -> None:
    with pytest.raises(ValueError, match="use kind 'mean'"):
        compare_proportions(np.array([0.0, 2.5]), np.array([1.0]))


def test_sample_ratio_mismatch_is_the_chi_square_hand_computation() -> None:
    found = sample_ratio(5100, 4900, test_share=0.5)
    # chi² = 2·100²/5000 = 4 on one degree of freedom: p = erfc(√2).
    assert found.p_value == pytest.approx(math.erfc(math.sqrt(2)))
    assert not found.mismatch
    assert sample_ratio(9300, 700, test_share=0.9).mismatch


def test_cuped_removes_what_the_pre_period_explains() -> None:
    pre = np.array([10.0, 20, 30, 40, 50, 60])
    post = pre * 2 + np.array([1.0, -1, 1, -1, 1, -1])
    test, control = Paired.of(post[:3], pre[:3]), Paired.of(post[3:], pre[3:])
    adjusted_t, adjusted_c, theta = cuped(test, control)
    expected_theta = np.cov(post, pre, ddof=1)[0, 1] / np.var(pre, ddof=1)
    assert theta == pytest.approx(expected_theta)
    # The groups' moments give what adjusting every unit one by one gives.
    adjusted = post - theta * (pre - pre.mean())
    for found, values in ((adjusted_t, adjusted[:3]), (adjusted_c, adjusted[3:])):
        assert found.mean == pytest.approx(values.mean())
        assert found.variance == pytest.approx(values.var(ddof=1))
    assert adjusted.var() < post.var() / 100


def test_moments_give_what_the_units_give() -> None:
    rng = np.random.default_rng(7)
    y, x = rng.lognormal(3, 1, 50), rng.poisson(2, 50).astype(float)
    moments = Paired.of(y, x)
    assert (moments.y.mean, moments.y.variance) == (y.mean(), y.var(ddof=1))
    assert moments.change.mean == pytest.approx((y - x).mean())
    assert moments.change.variance == pytest.approx((y - x).var(ddof=1))
    hits = (rng.random(40) < 0.3).astype(float)
    from_units = compare_proportions(hits[:25], hits[25:])
    from_counts = compare_counts(int(hits[:25].sum()), 25, int(hits[25:].sum()), 15)
    assert from_counts.difference == from_units.difference
    assert from_counts.test.variance == pytest.approx(from_units.test.variance)


def test_difference_in_differences_is_the_change_less_the_control_change() -> None:
    found = difference_in_differences(
        np.array([10.0, 12, 14]), np.array([15.0, 18, 20]),
        np.array([10.0, 11, 12]), np.array([11.0, 13, 13]),
    )  # fmt: skip
    # test changes 5, 6, 6 (mean 17/3); control changes 1, 2, 1 (mean 4/3): 13/3.
    assert found.difference.estimate == pytest.approx(13 / 3)


def test_intervals_cover_a_known_effect_95_percent_of_the_time() -> None:
    """Calibration, fast variant: 2,000 simulated worlds (1,000 for ratios); bench/ runs more."""
    rng = np.random.default_rng(20261123)
    worlds, n, effect = 2000, 200, 0.4
    covered = 0
    for _ in range(worlds):
        control = rng.lognormal(1.0, 0.8, n)
        test = rng.lognormal(1.0, 0.8, n) + effect
        interval = compare_means(test, control).difference
        covered += (interval.low or 0) <= effect <= (interval.high or 0)
    assert 0.93 <= covered / worlds <= 0.97
    hits = 0
    for _ in range(worlds):
        control = (rng.random(500) < 0.10).astype(float)
        test = (rng.random(500) < 0.13).astype(float)
        interval = compare_proportions(test, control).difference
        hits += (interval.low or 0) <= 0.03 <= (interval.high or 0)
    assert 0.93 <= hits / worlds <= 0.97
    ratios = 0
    for _ in range(worlds // 2):
        orders_c, orders_t = rng.poisson(2, n) + 1.0, rng.poisson(2, n) + 1.0
        revenue_c = orders_c * rng.normal(100, 20, n)
        revenue_t = orders_t * rng.normal(110, 20, n)
        difference, _, _ = compare_ratios((revenue_t, orders_t), (revenue_c, orders_c))
        ratios += (difference.low or 0) <= 10 <= (difference.high or 0)
    assert 0.93 <= ratios / (worlds // 2) <= 0.97


def test_a_ratio_metric_uses_the_delta_method_over_units() -> None:
    revenue_t, orders_t = np.array([100.0, 300, 200, 400]), np.array([1.0, 2, 2, 3])
    revenue_c, orders_c = np.array([90.0, 150, 240]), np.array([1.0, 2, 2])
    difference, relative, note = compare_ratios((revenue_t, orders_t), (revenue_c, orders_c))

    def by_hand(y: np.ndarray, x: np.ndarray) -> tuple[float, float]:
        my, mx, n = y.mean(), x.mean(), len(y)
        vy, vx, cxy = y.var(ddof=1), x.var(ddof=1), np.cov(y, x)[0, 1]
        return my / mx, (vy / mx**2 - 2 * my * cxy / mx**3 + my**2 * vx / mx**4) / n

    rt, vt = by_hand(revenue_t, orders_t)
    rc, vc = by_hand(revenue_c, orders_c)
    assert rt == pytest.approx(125.0)
    assert rc == pytest.approx(96.0)
    assert difference.estimate == pytest.approx(29.0)
    assert difference.high == pytest.approx(29.0 + 1.959963984540054 * math.sqrt(vt + vc))
    assert relative.estimate == pytest.approx(125 / 96 - 1)
    assert note is None
    assert compare_ratios((revenue_t, np.zeros(4)), (revenue_c, orders_c))[2] == (
        "a group has a zero denominator"
    )


def test_incremental_revenue_and_roi_scale_the_per_unit_interval() -> None:
    found = program_return(Interval(2.0, 1.0, 3.0), treated=1000, cost=1000.0)
    assert (found.incremental.estimate, found.incremental.low, found.incremental.high) == (
        2000.0,
        1000.0,
        3000.0,
    )
    assert (found.roi.estimate, found.roi.low, found.roi.high) == (1.0, 0.0, 2.0)
    free = program_return(Interval(2.0, 1.0, 3.0), treated=10, cost=0.0)
    assert free.roi.estimate is None


def test_a_ratio_exactly_proportional_has_no_spread_rather_than_an_error() -> None:
    # Every unit's revenue is 100 × its orders: the delta-method variance is 0, and the
    # moments a store returns may put it a rounding error below 0.
    exact = Paired(n=10, mean_y=100.0, mean_x=1.0, var_y=100.0, var_x=0.01, cov=1.0 + 1e-12)
    difference, relative, note = compare_ratio_moments(exact, exact)
    assert (difference.estimate, difference.low, difference.high) == (0.0, 0.0, 0.0)
    assert relative.estimate == 0.0
    assert note is None
