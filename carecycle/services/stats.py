"""Use case: compare two groups given as CSV files of per-unit values."""

from __future__ import annotations

import csv
import math
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
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from None
    with handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames is None or column not in reader.fieldnames:
            found = ", ".join(reader.fieldnames or []) or "none"
            raise InputError(f"{path}: no column {column!r} (columns: {found})")
        values = [_number(path, line, column, row[column]) for line, row in enumerate(reader, 2)]
    return np.array(values, dtype=float)


def _number(path: Path, line: int, column: str, text: str | None) -> float:
    try:
        value = float((text or "").strip())
    except ValueError:
        raise InputError(f"{path}:{line}: {column}: not a number: {text!r}") from None
    if not math.isfinite(value):
        raise InputError(f"{path}:{line}: {column}: not a finite number: {text!r}")
    return value


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
