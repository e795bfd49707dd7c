"""Test against control: lift with confidence intervals, p-values, SRM, CUPED and DiD.

Every comparison works from each group's sufficient statistics — its size, means,
sample variances and, for CUPED, before/after and ratios, one covariance (`Arm`,
`Paired`) — which a store can compute next to the data, so a million units never leave
it; each also takes per-unit values (one number per account: an amount, or 0/1 for a
conversion) as arrays, summarised the same way. Results are frozen; nothing reads a
store or a clock. Edge cases answer plainly instead of with NaN: an interval that cannot
be computed is absent and `note` says why.

- Means: Welch's t interval for the difference; the relative lift by the delta method.
- Proportions: Newcombe's hybrid score interval (his method 10) for the difference, a
  pooled z-test for the p-value, and the delta method on the log ratio for relative lift.
- Sample-ratio mismatch: a chi-square goodness-of-fit test of the arm sizes.
- CUPED: each unit's value less θ·(its pre-period value − the pre-period mean), θ pooled.
- Difference in differences: Welch on each unit's change from before to after.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy import stats

Kind = Literal["mean", "proportion"]
SRM_ALPHA = 0.001


@dataclass(frozen=True)
class Arm:
    """One group's summary: size, mean and sample variance."""

    n: int
    mean: float
    variance: float

    @classmethod
    def of(cls, values: np.ndarray) -> Arm:
        """Return the summary of an array of per-unit values."""
        data = np.asarray(values, dtype=float)
        n = int(data.size)
        mean = float(data.mean()) if n else 0.0
        variance = float(data.var(ddof=1)) if n > 1 else 0.0
        return cls(n=n, mean=mean, variance=variance)

    @classmethod
    def of_counts(cls, successes: int, n: int) -> Arm:
        """Return the summary of n values of which `successes` are 1 and the rest 0."""
        mean = successes / n if n else 0.0
        variance = successes * (n - successes) / (n * (n - 1)) if n > 1 else 0.0
        return cls(n=n, mean=mean, variance=variance)


@dataclass(frozen=True)
class Paired:
    """One group's moments of a measure y and a second per-unit value x (a pre-period
    value, or a ratio's denominator): size, means, sample variances and covariance."""

    n: int
    mean_y: float
    mean_x: float
    var_y: float
    var_x: float
    cov: float

    @classmethod
    def of(cls, y: np.ndarray, x: np.ndarray) -> Paired:
        """Return the moments of two arrays of per-unit values, unit by unit."""
        ys, xs = np.asarray(y, dtype=float), np.asarray(x, dtype=float)
        if ys.shape != xs.shape:
            raise ValueError("each unit needs both values")
        first, second = Arm.of(ys), Arm.of(xs)
        cov = float(np.cov(ys, xs, ddof=1)[0, 1]) if ys.size > 1 else 0.0
        return cls(ys.size, first.mean, second.mean, first.variance, second.variance, cov)

    @property
    def y(self) -> Arm:
        """Return the summary of y alone."""
        return Arm(self.n, self.mean_y, self.var_y)

    @property
    def change(self) -> Arm:
        """Return the summary of each unit's y − x."""
        variance = max(0.0, self.var_y + self.var_x - 2 * self.cov)
        return Arm(self.n, self.mean_y - self.mean_x, variance)


@dataclass(frozen=True)
class Interval:
    """An estimate with its confidence interval (bounds absent when not computable)."""

    estimate: float | None
    low: float | None
    high: float | None

    @property
    def covers_zero(self) -> bool | None:
        """Return whether the interval holds 0, None without an interval."""
        if self.low is None or self.high is None:
            return None
        return self.low <= 0 <= self.high


@dataclass(frozen=True)
class Comparison:
    """Test against control on one measure."""

    kind: Kind
    confidence: float
    test: Arm
    control: Arm
    difference: Interval
    relative: Interval
    p_value: float | None
    note: str | None = None


def _z(confidence: float) -> float:
    return float(stats.norm.ppf(0.5 + confidence / 2))


def compare_means(test: np.ndarray, control: np.ndarray, *, confidence: float = 0.95) -> Comparison:
    """Return Welch's interval and p-value for the difference of means, and relative lift."""
    return compare_arms(Arm.of(test), Arm.of(control), confidence=confidence)


def compare_arms(t: Arm, c: Arm, *, confidence: float = 0.95) -> Comparison:
    """Return Welch's interval and p-value for the difference of two groups' means."""
    if t.n < 2 or c.n < 2:
        note = "each group needs at least two units for an interval"
        point = t.mean - c.mean if t.n and c.n else None
        return Comparison(
            "mean", confidence, t, c, Interval(point, None, None), Interval(None, None, None),
            None, note,
        )  # fmt: skip
    se2 = t.variance / t.n + c.variance / c.n
    difference = t.mean - c.mean
    if se2 == 0:
        note = "no variation in either group: the difference is exact"
        exact = Interval(difference, difference, difference)
        p = 1.0 if difference == 0 else 0.0
        return Comparison("mean", confidence, t, c, exact, _relative(t, c, confidence), p, note)
    df = se2**2 / ((t.variance / t.n) ** 2 / (t.n - 1) + (c.variance / c.n) ** 2 / (c.n - 1))
    half = float(stats.t.ppf(0.5 + confidence / 2, df)) * math.sqrt(se2)
    p = float(2 * stats.t.sf(abs(difference) / math.sqrt(se2), df))
    return Comparison(
        "mean",
        confidence,
        t,
        c,
        Interval(difference, difference - half, difference + half),
        _relative(t, c, confidence),
        p,
    )


def _relative(t: Arm, c: Arm, confidence: float) -> Interval:
    """Return test/control − 1 with a delta-method interval, absent when control is 0."""
    if c.mean == 0 or c.n == 0 or t.n == 0:
        return Interval(None, None, None)
    ratio = t.mean / c.mean
    variance = (t.variance / t.n) / c.mean**2 + (t.mean**2) * (c.variance / c.n) / c.mean**4
    half = _z(confidence) * math.sqrt(variance)
    return Interval(ratio - 1, ratio - 1 - half, ratio - 1 + half)


def wilson(successes: int, n: int, *, confidence: float = 0.95) -> tuple[float, float]:
    """Return the Wilson score interval of a proportion (0 to 1 for an empty group)."""
    if n == 0:
        return 0.0, 1.0
    z = _z(confidence)
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def compare_proportions(
    test: np.ndarray, control: np.ndarray, *, confidence: float = 0.95
) -> Comparison:
    """Return Newcombe's interval for the difference of two proportions, and relative lift."""
    t_values, c_values = np.asarray(test, dtype=float), np.asarray(control, dtype=float)
    if not np.isin(np.concatenate([t_values, c_values]), (0.0, 1.0)).all():
        raise ValueError("a proportion compares 0/1 values; use kind 'mean' for amounts")
    return compare_counts(
        int(t_values.sum()), t_values.size, int(c_values.sum()), c_values.size,
        confidence=confidence,
    )  # fmt: skip


def compare_counts(x1: int, n1: int, x2: int, n2: int, *, confidence: float = 0.95) -> Comparison:
    """Return Newcombe's interval for p1 − p2 from successes x out of n units per group."""
    t, c = Arm.of_counts(x1, n1), Arm.of_counts(x2, n2)
    if t.n == 0 or c.n == 0:
        empty = Interval(None, None, None)
        note = "one group has no units"
        return Comparison("proportion", confidence, t, c, empty, empty, None, note)
    return Comparison(
        "proportion",
        confidence,
        t,
        c,
        newcombe(x1, t.n, x2, c.n, confidence=confidence),
        _log_ratio(x1, t.n, x2, c.n, confidence),
        _pooled_p(x1, t.n, x2, c.n),
        "no conversions in the control group: relative lift is undefined" if x2 == 0 else None,
    )


def newcombe(x1: int, n1: int, x2: int, n2: int, *, confidence: float = 0.95) -> Interval:
    """Return p1 − p2 with Newcombe's hybrid score interval (1998, method 10)."""
    p1, p2 = x1 / n1, x2 / n2
    l1, u1 = wilson(x1, n1, confidence=confidence)
    l2, u2 = wilson(x2, n2, confidence=confidence)
    d = p1 - p2
    low = d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    high = d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return Interval(d, low, high)


def _log_ratio(x1: int, n1: int, x2: int, n2: int, confidence: float) -> Interval:
    if x2 == 0:
        return Interval(None, None, None)
    ratio = (x1 / n1) / (x2 / n2)
    if x1 == 0:
        return Interval(-1.0, None, None)
    se = math.sqrt(1 / x1 - 1 / n1 + 1 / x2 - 1 / n2)
    z = _z(confidence)
    return Interval(ratio - 1, ratio * math.exp(-z * se) - 1, ratio * math.exp(z * se) - 1)


def _pooled_p(x1: int, n1: int, x2: int, n2: int) -> float:
    pooled = (x1 + x2) / (n1 + n2)
    variance = pooled * (1 - pooled) * (1 / n1 + 1 / n2)
    if variance == 0:
        return 1.0
    z = (x1 / n1 - x2 / n2) / math.sqrt(variance)
    return float(2 * stats.norm.sf(abs(z)))


@dataclass(frozen=True)
class SampleRatio:
    """Whether the arms' sizes fit the split the assignment intended."""

    test: int
    control: int
    expected_test_share: float
    p_value: float
    mismatch: bool


def sample_ratio(test: int, control: int, *, test_share: float) -> SampleRatio:
    """Return the chi-square goodness-of-fit check of the arm sizes against the split."""
    if not 0 < test_share < 1:
        raise ValueError("the expected test share must be between 0 and 1")
    total = test + control
    if total == 0:
        return SampleRatio(test, control, test_share, 1.0, False)
    expected = np.array([total * test_share, total * (1 - test_share)])
    chi2 = float((((np.array([test, control]) - expected) ** 2) / expected).sum())
    p = float(stats.chi2.sf(chi2, df=1))
    return SampleRatio(test, control, test_share, p, p < SRM_ALPHA)


def cuped(test: Paired, control: Paired) -> tuple[Arm, Arm, float]:
    """Return both groups' summaries of y − θ·(x − x̄), x the pre-period value, and θ.

    θ = cov(y, x) ÷ var(x) over both groups together, and x̄ their pooled pre-period mean,
    as if every unit's value were adjusted one by one.
    """
    total = test.n + control.n
    if total == 0:
        return test.y, control.y, 0.0
    mean_x = (test.n * test.mean_x + control.n * control.mean_x) / total
    mean_y = (test.n * test.mean_y + control.n * control.mean_y) / total
    # Pooled co-moments: each group's own, plus what its mean's offset adds.
    co_xy = sum(
        (g.n - 1) * g.cov + g.n * (g.mean_x - mean_x) * (g.mean_y - mean_y)
        for g in (test, control) if g.n
    )  # fmt: skip
    co_xx = sum(
        (g.n - 1) * g.var_x + g.n * (g.mean_x - mean_x) ** 2 for g in (test, control) if g.n
    )
    theta = co_xy / co_xx if co_xx > 0 else 0.0

    def adjusted(g: Paired) -> Arm:
        variance = g.var_y - 2 * theta * g.cov + theta**2 * g.var_x
        return Arm(g.n, g.mean_y - theta * (g.mean_x - mean_x), max(0.0, variance))

    return adjusted(test), adjusted(control), theta


def difference_in_differences(
    test_before: np.ndarray,
    test_after: np.ndarray,
    control_before: np.ndarray,
    control_after: np.ndarray,
    *,
    confidence: float = 0.95,
) -> Comparison:
    """Return the change in the test group less the change in control, per unit, by Welch."""
    return compare_arms(
        Paired.of(test_after, test_before).change,
        Paired.of(control_after, control_before).change,
        confidence=confidence,
    )


def _ratio_variance(group: Paired) -> tuple[float, float]:
    """Return mean(y)/mean(x) and its delta-method variance (y the numerator)."""
    my, mx = group.mean_y, group.mean_x
    variance = group.var_y / mx**2 - 2 * my * group.cov / mx**3 + my**2 * group.var_x / mx**4
    # It is var(y − ratio·x) / mx²: never below 0 but by rounding, when y is ratio·x exactly.
    return my / mx, max(0.0, variance) / group.n


def compare_ratios(
    test: tuple[np.ndarray, np.ndarray],
    control: tuple[np.ndarray, np.ndarray],
    *,
    confidence: float = 0.95,
) -> tuple[Interval, Interval, str | None]:
    """Return the difference and relative lift of a ratio metric (e.g. revenue per order).

    Each group is (numerator, denominator) per unit; the metric is Σ numerator ÷ Σ
    denominator, and its variance comes from the delta method over units.
    """
    arrays = [np.asarray(a, dtype=float) for a in (*test, *control)]
    if arrays[0].size != arrays[1].size or arrays[2].size != arrays[3].size:
        return _undefined("each group needs at least two units with both values")
    return compare_ratio_moments(
        Paired.of(arrays[0], arrays[1]), Paired.of(arrays[2], arrays[3]), confidence=confidence
    )


def compare_ratio_moments(
    test: Paired, control: Paired, *, confidence: float = 0.95
) -> tuple[Interval, Interval, str | None]:
    """Return `compare_ratios` from each group's moments (y the numerator, x the denominator)."""
    if test.n < 2 or control.n < 2:
        return _undefined("each group needs at least two units with both values")
    if test.mean_x == 0 or control.mean_x == 0:
        return _undefined("a group has a zero denominator")
    rt, vt = _ratio_variance(test)
    rc, vc = _ratio_variance(control)
    z = _z(confidence)
    half = z * math.sqrt(vt + vc)
    difference = Interval(rt - rc, rt - rc - half, rt - rc + half)
    if rc == 0:
        return difference, Interval(None, None, None), "the control ratio is 0"
    lift = rt / rc - 1
    half = z * math.sqrt(vt / rc**2 + rt**2 * vc / rc**4)
    return difference, Interval(lift, lift - half, lift + half), None


def _undefined(note: str) -> tuple[Interval, Interval, str]:
    return Interval(None, None, None), Interval(None, None, None), note


@dataclass(frozen=True)
class Return:
    """What a program's touches brought in, against what they cost."""

    incremental: Interval
    cost: float
    roi: Interval


def program_return(difference: Interval, *, treated: int, cost: float) -> Return:
    """Return incremental revenue (per-unit difference × treated units) and ROI, with CIs."""

    def scaled(value: float | None, times: float, minus: float = 0.0) -> float | None:
        return None if value is None else value * times - minus

    incremental = Interval(
        scaled(difference.estimate, treated),
        scaled(difference.low, treated),
        scaled(difference.high, treated),
    )
    if cost <= 0:
        return Return(incremental, cost, Interval(None, None, None))
    roi = Interval(
        *(
            scaled(v, 1 / cost, 1.0)
            for v in (incremental.estimate, incremental.low, incremental.high)
        )
    )
    return Return(incremental, cost, roi)
