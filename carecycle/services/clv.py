"""Use case: fit lifetime-value and renewal models to per-customer files and counts."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from carecycle.errors import InputError
from carecycle.intelligence.clv import (
    Fit,
    Model,
    compress,
    compress_spends,
    fit_bgnbd,
    fit_gg,
    fit_pareto,
)
from carecycle.services.columns import read_columns

HISTORY_COLUMNS = ("frequency", "recency", "T")
SPEND_COLUMN = "monetary_value"


def read_customers(path: Path, columns: tuple[str, ...]) -> dict[str, np.ndarray]:
    """Return the named numeric columns of a per-customer CSV file, or raise InputError."""
    found = read_columns(path, columns)
    if not len(found[columns[0]]):
        raise InputError(f"{path}: no customers")
    return found


def fit_file(path: Path, model: Model) -> Fit:
    """Return the model fitted to the file's customers (compressed to unique histories)."""
    if model == "gg":
        found = read_customers(path, ("frequency", SPEND_COLUMN))
        return fit_gg(compress_spends(found["frequency"], found[SPEND_COLUMN]))
    found = read_customers(path, HISTORY_COLUMNS)
    try:
        histories = compress(*(found[c] for c in HISTORY_COLUMNS))
    except InputError as exc:
        # The rows are the file's data lines: row k is line k + 1.
        raise InputError(f"{path}: {exc}") from None
    return fit_bgnbd(histories) if model == "bgnbd" else fit_pareto(histories)


def parse_counts(text: str) -> list[float]:
    """Return the comma-separated counts of `--alive`, or raise InputError."""
    parts = [p.strip() for p in text.split(",")]
    counts = []
    for k, part in enumerate(parts, 1):
        try:
            counts.append(float(part))
        except ValueError:
            raise InputError(f"--alive: count {k} is not a number: {part!r}") from None
    return counts
