"""Deterministic holdout: an account's arm is a hash of the program's salt and its id.

The hash is FNV-1a (64-bit) over the UTF-8 bytes of `SALT:ACCOUNT_ID`, mixed by the
SplitMix64 finaliser; the top 53 bits make a number in [0, 1) and an account is held
out when that number is below the share. It runs column-wise over all ids at once and
gives the same arm on any store, so it can be recomputed and checked by hand.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

_FNV_OFFSET = np.uint64(0xCBF29CE484222325)
_FNV_PRIME = np.uint64(0x100000001B3)


def _mix(h: np.ndarray) -> np.ndarray:
    h = np.asarray(h, dtype=np.uint64)
    h = h ^ (h >> np.uint64(30))
    h = h * np.uint64(0xBF58476D1CE4E5B9)
    h = h ^ (h >> np.uint64(27))
    h = h * np.uint64(0x94D049BB133111EB)
    mixed: np.ndarray = h ^ (h >> np.uint64(31))
    return mixed


def unit_hash(ids: pa.Array | pa.ChunkedArray, salt: str) -> np.ndarray:
    """Return, for each id, a number in [0, 1) fixed by the salt and the id alone."""
    joined = pc.binary_join_element_wise(salt, ids.cast(pa.string()), ":")
    array = joined.combine_chunks() if isinstance(joined, pa.ChunkedArray) else joined
    array = array.cast(pa.large_string())
    offsets = np.frombuffer(array.buffers()[1], dtype=np.int64)[
        array.offset : array.offset + len(array) + 1
    ]
    data = np.frombuffer(array.buffers()[2], dtype=np.uint8)
    lengths = np.diff(offsets)
    h = np.full(len(array), _FNV_OFFSET, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for position in range(int(lengths.max(initial=0))):
            rows = np.flatnonzero(lengths > position)
            byte = data[offsets[rows] + position].astype(np.uint64)
            h[rows] = (h[rows] ^ byte) * _FNV_PRIME
        mixed = _mix(h)
    return (mixed >> np.uint64(11)).astype(np.float64) / float(1 << 53)


def unit_hash_one(account_id: str, salt: str) -> float:
    """Return `unit_hash` for one id, computed byte by byte (the reference definition)."""
    h = int(_FNV_OFFSET)
    for byte in f"{salt}:{account_id}".encode():
        h = ((h ^ byte) * int(_FNV_PRIME)) & 0xFFFFFFFFFFFFFFFF
    h ^= h >> 30
    h = (h * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
    h ^= h >> 27
    h = (h * 0x94D049BB133111EB) & 0xFFFFFFFFFFFFFFFF
    h ^= h >> 31
    return (h >> 11) / float(1 << 53)


def assign_arms(ids: pa.Array | pa.ChunkedArray, *, salt: str, share: float) -> pa.Array:
    """Return 'holdout' or 'test' for each id."""
    held = unit_hash(ids, salt) < share
    return pa.array(np.where(held, "holdout", "test"), type=pa.string())
