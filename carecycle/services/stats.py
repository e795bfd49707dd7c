"""Use case: compare two groups given as CSV files of per-unit values."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from carecycle.errors import InputError
from carecycle.measure.experiments import (
    Comparison,
    Kind,
    Paired,
    SampleRatio,
    compare_arms,
    compare_means,
    compare_proportions,
    cuped,
    sample_ratio,
)
from carecycle.services.columns import read_columns


@dataclass(frozen=True)
class GroupComparison:
    """Test against control on one column, with the arm-size check and CUPED if asked."""

    column: str
    comparison: Comparison
    sample_ratio: SampleRatio
    cuped: Comparison | None = None
    theta: float | None = None


def read_column(path: Path, column: str) -> np.ndarray:
    """Return a CSV column as numbers, or raise InputError naming file, line and column."""
    return read_columns(path, (column,))[column]


def compare_files(
    test: Path,
    control: Path,
    *,
    column: str = "value",
    kind: Kind = "mean",
    pre_column: str | None = None,
    test_share: float = 0.5,
    confidence: float = 0.95,
) -> GroupComparison:
    """Return the comparison of the two files' columns, as the program report computes it."""
    if not 0 < confidence < 1:
        raise InputError("--confidence must be between 0 and 1, e.g. 0.95")
    if not 0 < test_share < 1:
        raise InputError("--test-share must be between 0 and 1, e.g. 0.9")
    t, c = read_column(test, column), read_column(control, column)
    try:
        compare = compare_proportions if kind == "proportion" else compare_means
        found = compare(t, c, confidence=confidence)
    except ValueError as exc:
        raise InputError(f"{column}: {exc}") from None
    srm = sample_ratio(t.size, c.size, test_share=test_share)
    if pre_column is None:
        return GroupComparison(column, found, srm)
    adjusted_t, adjusted_c, theta = cuped(
        Paired.of(t, read_column(test, pre_column)), Paired.of(c, read_column(control, pre_column))
    )
    adjusted = compare_arms(adjusted_t, adjusted_c, confidence=confidence)
    return GroupComparison(column, found, srm, adjusted, theta)
