"""Random streams and the vectorised draws every generator shares."""

from __future__ import annotations

import dataclasses
import zlib
from collections.abc import Sequence
from typing import Self

import numpy as np
import numpy.typing as npt

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]


def stream(seed: int, name: str) -> np.random.Generator:
    """Return the generator of one named step, independent of every other step's draws."""
    return np.random.default_rng([seed, zlib.crc32(name.encode())])


def weighted(rng: np.random.Generator, weights: Sequence[float] | Floats, size: int) -> Ints:
    """Return `size` indices drawn with probability proportional to `weights`."""
    cdf = np.cumsum(np.asarray(weights, dtype=np.float64))
    drawn = np.searchsorted(cdf / cdf[-1], rng.random(size), side="right")
    return np.minimum(drawn, len(cdf) - 1).astype(np.int64)


def chance(rng: np.random.Generator, probability: float | Floats, size: int) -> Bools:
    """Return `size` coin flips, each true with the given probability."""
    return rng.random(size) < probability


def sigmoid(x: Floats) -> Floats:
    """Return the logistic function of `x`."""
    return 1.0 / (1.0 + np.exp(-x))


def starts_of(counts: Ints) -> Ints:
    """Return where each group begins when groups of `counts` rows are laid end to end."""
    starts = np.zeros(len(counts), dtype=np.int64)
    np.cumsum(counts[:-1], out=starts[1:])
    return starts


def owners_of(counts: Ints) -> Ints:
    """Return, for each row of groups laid end to end, the index of its group."""
    return np.repeat(np.arange(len(counts), dtype=np.int64), counts)


def rank_within(counts: Ints) -> Ints:
    """Return each row's 0-based position inside its group."""
    owners = owners_of(counts)
    return np.arange(len(owners), dtype=np.int64) - starts_of(counts)[owners]


def member_of(rng: np.random.Generator, starts: Ints, counts: Ints, groups: Ints) -> Ints:
    """Return a random row of each listed group (every listed group must be non-empty)."""
    offset = np.floor(rng.random(len(groups)) * counts[groups]).astype(np.int64)
    return starts[groups] + offset


def log_uniform(rng: np.random.Generator, low: Floats, high: Floats) -> Floats:
    """Return values spread evenly in log scale between `low` and `high`."""
    spread = rng.random(len(low)) * (np.log(high) - np.log(low))
    return np.asarray(np.exp(np.log(low) + spread), dtype=np.float64)


class RowArrays:
    """A frozen dataclass of equally long arrays, one entry per row."""

    def take(self, rows: Ints) -> Self:
        """Return the same arrays for the given rows only."""
        assert dataclasses.is_dataclass(self)
        picked = {f.name: getattr(self, f.name)[rows] for f in dataclasses.fields(self)}
        return dataclasses.replace(self, **picked)
