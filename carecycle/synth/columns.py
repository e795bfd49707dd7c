"""Arrow column builders: ids, vocabulary picks, templates, patterns, dates and money.

Strings are assembled by Arrow's compute kernels over whole columns, never per row.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from carecycle.ingest.contracts import CONTRACTS, Kind
from carecycle.synth.sampling import Bools, Ints

MONEY = pa.decimal128(18, 2)
ARROW_TYPES: dict[Kind, pa.DataType] = {
    "text": pa.string(),
    "enum": pa.string(),
    "email": pa.string(),
    "phone": pa.string(),
    "int": pa.int64(),
    "decimal": MONEY,
    "date": pa.date32(),
    "datetime": pa.timestamp("s"),
    "bool": pa.bool_(),
}
# Shorthands of `patterned`; "[2-9]" or "[358]" spell any other set of characters.
CLASSES = {"#": "0123456789", "@": "ABDEFGHJLNPQRSTUWXYZ"}
_TOKEN = re.compile(r"\[([^\]]+)\]|(.)")
_RANGE = re.compile(r"(.)-(.)")
_FIELD = re.compile(r"\{(\w+)\}")
EPOCH = dt.date(1970, 1, 1)

Builder = Callable[[Ints], pa.Array]


def arrow_schema(entity: str) -> pa.Schema:
    """Return the Arrow schema of an entity: the contract's columns, in order, typed."""
    contract = CONTRACTS[entity]
    return pa.schema(
        [pa.field(c.name, ARROW_TYPES[c.kind], nullable=not c.required) for c in contract.columns]
    )


def table(entity: str, columns: Mapping[str, pa.Array]) -> pa.Table:
    """Return the entity's table from its columns; raise ValueError if a column is off-contract."""
    schema = arrow_schema(entity)
    if set(columns) != set(schema.names):
        raise ValueError(f"{entity}: columns {sorted(columns)} differ from {schema.names}")
    arrays = [pa.array(columns[f.name]).cast(f.type) for f in schema]
    return pa.Table.from_arrays(arrays, schema=schema)


def epoch_day(day: dt.date) -> int:
    """Return the number of days from 1970-01-01 to `day`."""
    return (day - EPOCH).days


def ids(prefix: str, count: int, *, width: int = 7) -> pa.Array:
    """Return ids prefix + 1-based zero-padded number, widened when `count` needs more digits."""
    width = max(width, len(str(count)))
    numbers = pa.array(np.arange(1, count + 1, dtype=np.int64)).cast(pa.string())
    return pc.binary_join_element_wise(prefix, pc.utf8_lpad(numbers, width, "0"), "")


def pick(vocabulary: Sequence[str], index: Ints) -> pa.Array:
    """Return the vocabulary entry at each index."""
    return pa.array(vocabulary, pa.string()).take(index)


def digits(values: Ints, width: int) -> pa.Array:
    """Return each value as a zero-padded decimal string."""
    return pc.utf8_lpad(pa.array(values, pa.int64()).cast(pa.string()), width, "0")


def fill(template: str, fields: Mapping[str, pa.Array], size: int) -> pa.Array:
    """Return `template` with each {name} replaced, row by row, by that field's value."""
    parts = _FIELD.split(template)  # literal, name, literal, name, ..., literal
    if len(parts) == 1:
        return pa.array(np.full(size, template, dtype=object), pa.string())
    pieces = [fields[p] if i % 2 else pa.scalar(p) for i, p in enumerate(parts) if p or i % 2]
    return pc.binary_join_element_wise(*pieces, "")


def by_case(case: Ints, builders: Sequence[Builder]) -> pa.Array:
    """Return a string column where each row is built by the builder its case selects."""
    order = np.argsort(case, kind="stable")
    counts = np.bincount(case, minlength=len(builders))
    chunks, start = [], 0
    for builder, count in zip(builders, counts, strict=True):
        if count:
            chunks.append(builder(order[start : start + count]).cast(pa.string()))
        start += count
    if not chunks:
        return pa.array([], pa.string())
    inverse = np.empty_like(order)
    inverse[order] = np.arange(len(order))
    return pa.concat_arrays(chunks).take(inverse)


def fill_by_case(case: Ints, templates: Sequence[str], fields: Mapping[str, pa.Array]) -> pa.Array:
    """Return a string column filled, row by row, from the template its case selects."""

    def builder(template: str) -> Builder:
        names = set(_FIELD.findall(template))
        return lambda rows: fill(template, {n: fields[n].take(rows) for n in names}, len(rows))

    return by_case(case, [builder(t) for t in templates])


def patterned(rng: np.random.Generator, pattern: str, size: int) -> pa.Array:
    """Return `size` ASCII strings shaped like `pattern`: '#' a digit, '@' a letter, '[2-9]'."""
    tokens = [_choices(chosen, single) for chosen, single in _TOKEN.findall(pattern)]
    matrix = np.empty((size, len(tokens)), dtype=np.uint8)
    for position, choices in enumerate(tokens):
        if len(choices) == 1:
            matrix[:, position] = choices[0]
        else:
            matrix[:, position] = choices[rng.integers(0, len(choices), size)]
    return strings_of(matrix)


def _choices(chosen: str, single: str) -> np.ndarray:
    if chosen:
        text = _RANGE.sub(lambda m: "".join(map(chr, range(ord(m[1]), ord(m[2]) + 1))), chosen)
    else:
        text = CLASSES.get(single, single)
    return np.frombuffer(text.encode("ascii"), dtype=np.uint8)


def strings_of(matrix: np.ndarray) -> pa.Array:
    """Return one ASCII string per row of a uint8 matrix."""
    rows, width = matrix.shape
    offsets = np.arange(0, (rows + 1) * width, width, dtype=np.int32)
    data = np.ascontiguousarray(matrix, dtype=np.uint8)
    buffers = [None, pa.py_buffer(offsets), pa.py_buffer(data)]
    return pa.Array.from_buffers(pa.string(), rows, buffers)


def with_nulls(values: pa.Array, missing: Bools) -> pa.Array:
    """Return `values` with the rows flagged in `missing` set to null."""
    if not missing.any():
        return values
    return pc.if_else(missing, pa.scalar(None, values.type), values)


def dates(days: Ints, missing: Bools | None = None) -> pa.Array:
    """Return a date32 column from days since 1970-01-01."""
    return pa.array(days.astype("datetime64[D]"), pa.date32(), mask=missing)


def timestamps(seconds: Ints, missing: Bools | None = None) -> pa.Array:
    """Return a timestamp column (seconds) from seconds since 1970-01-01 00:00."""
    return pa.array(seconds.astype("datetime64[s]"), pa.timestamp("s"), mask=missing)


def integers(values: Ints, missing: Bools | None = None) -> pa.Array:
    """Return an int64 column."""
    return pa.array(values.astype(np.int64), pa.int64(), mask=missing)


def flags(values: Bools, missing: Bools | None = None) -> pa.Array:
    """Return a boolean column."""
    return pa.array(values.astype(np.bool_), pa.bool_(), mask=missing)


def money(cents: Ints, missing: Bools | None = None) -> pa.Array:
    """Return an exact decimal(18, 2) column from whole cents."""
    cents = np.ascontiguousarray(cents, dtype=np.int64)
    words = np.empty((len(cents), 2), dtype=np.int64)
    words[:, 0], words[:, 1] = cents, cents >> 63
    exact = pa.Array.from_buffers(MONEY, len(cents), [None, pa.py_buffer(words)])
    return exact if missing is None else with_nulls(exact, missing)
