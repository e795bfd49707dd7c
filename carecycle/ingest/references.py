"""Referential checks across one import batch: each reference must name a row that
exists in the store or is accepted in the same batch."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pyarrow as pa
import pyarrow.compute as pc

from carecycle.ingest.contracts import CONTRACTS
from carecycle.ingest.readers import Problem
from carecycle.ingest.validate import ROW, Checked

KnownIds = Callable[[str], pa.Array]


def check_references(batch: Sequence[Checked], known_in_store: KnownIds) -> None:
    """Reject rows whose references resolve nowhere; `batch` is in import order."""
    for checked in batch:
        contract = CONTRACTS[checked.entity]
        names = checked.table.column_names
        present = [(c.name, c.ref) for c in contract.columns if c.ref and c.name in names]
        for name, target in present:
            if target != checked.entity:
                _check_column(checked, name, target, batch, known_in_store)
        # A row rejected here may be what another row of the same file refers to.
        rows = -1
        while rows != checked.table.num_rows:
            rows = checked.table.num_rows
            for name, target in present:
                if target == checked.entity:
                    _check_column(checked, name, target, batch, known_in_store)


def _check_column(
    checked: Checked, name: str, target: str, batch: Sequence[Checked], known: KnownIds
) -> None:
    values = checked.table[name]
    if values.null_count == len(values):
        return
    key = CONTRACTS[target].key[0]
    accepted = [c.table[key] for c in batch if c.entity == target]
    pool = pa.chunked_array([known(target), *accepted], pa.string()).unique()
    missing = pc.and_(pc.is_valid(values), pc.invert(pc.is_in(values, value_set=pool)))
    if not pc.any(missing).as_py():
        return
    picked = checked.table.filter(missing)
    rejected = _rejected_keys(batch, target, key)
    lines = checked.raw.lines_of(picked[ROW].to_pylist())
    problems = [
        Problem(str(checked.raw.path), line, name, _reason(target, value, rejected), value)
        for line, value in zip(lines, picked[name].to_pylist(), strict=True)
    ]
    checked.reject(missing, problems)


def _rejected_keys(batch: Sequence[Checked], target: str, key: str) -> set[str]:
    """Return the keys the target's files hold but this import did not accept."""
    rejected: set[str] = set()
    for checked in batch:
        if checked.entity == target and checked.problems and key in checked.raw.table.column_names:
            read = pc.utf8_trim_whitespace(checked.raw.table[key])
            kept = pc.is_in(read, value_set=checked.table[key].combine_chunks())
            rejected |= set(read.filter(pc.invert(kept)).to_pylist())
    return rejected


def _reason(target: str, value: str, rejected: set[str]) -> str:
    if value in rejected:
        return f"refers to {target} row {value!r}, which this import rejected"
    return f"no {target} row {value!r} in the store or in this import"
