"""Dated scores as columns: what each scorer hands `carecycle score` to write."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pyarrow as pa


@dataclass(frozen=True)
class ScoreColumn:
    """One score's accounts, values and bands (None where a score has no band)."""

    accounts: Sequence[str]
    values: np.ndarray
    bands: Sequence[str | None]

    @classmethod
    def known(
        cls, accounts: Sequence[str], values: np.ndarray, bands: Sequence[str | None]
    ) -> ScoreColumn:
        """Return the column of the accounts whose value is known (not NaN)."""
        keep = ~np.isnan(values)
        return cls(
            pa.array(accounts, pa.string()).filter(pa.array(keep)).to_pylist(),
            values[keep],
            np.asarray(bands, dtype=object)[keep].tolist(),
        )

    def __len__(self) -> int:
        return len(self.accounts)


ScoreRows = dict[str, ScoreColumn]
