"""Numeric columns of CSV files given by analysts, with errors that name file, line and column."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np

from carecycle.errors import InputError


def read_columns(path: Path, columns: tuple[str, ...]) -> dict[str, np.ndarray]:
    """Return the named columns of a CSV file as numbers, or raise InputError naming the
    file, line and column of the first value that is not a finite number."""
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from None
    with handle:
        reader = csv.DictReader(handle)
        header = reader.fieldnames or []
        missing = [c for c in columns if c not in header]
        if missing:
            found = ", ".join(header) or "none"
            named = ", ".join(map(repr, missing))
            raise InputError(f"{path}: no column {named} (columns: {found})")
        values: dict[str, list[float]] = {c: [] for c in columns}
        for line, row in enumerate(reader, 2):
            for column in columns:
                values[column].append(_number(path, line, column, row[column]))
    return {c: np.array(v, dtype=np.float64) for c, v in values.items()}


def _number(path: Path, line: int, column: str, text: str | None) -> float:
    try:
        value = float((text or "").strip())
    except ValueError:
        raise InputError(f"{path}:{line}: {column}: not a number: {text!r}") from None
    if not math.isfinite(value):
        raise InputError(f"{path}:{line}: {column}: not a finite number: {text!r}")
    return value
