"""Use case: fit lifetime-value and renewal models to per-customer files and counts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np

from carecycle.engine.facts import owned_by_survivor
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
from carecycle.store.db import Store

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


UNITS = {"day": 1, "week": 7}


@dataclass(frozen=True)
class StoreCustomers:
    """Each account's repeat-purchase summary from the store's booked orders, as of a day.

    A purchase is a day with a booked order (an account's orders of one day are one
    transaction); `frequency` counts the days after the first, `recency` and `T` are the
    account's ages at its last purchase and at the end of `as_of`, in `unit`, and
    `monetary` is the mean amount of its repeat purchase days. Accounts whose first
    purchase is on `as_of` itself are left out (their T is 0).
    """

    accounts: list[str]
    frequency: np.ndarray
    recency: np.ndarray
    T: np.ndarray
    monetary: np.ndarray
    as_of: date
    unit: str
    left_out: int


def store_customers(store: Store, *, as_of: date, unit: str = "week") -> StoreCustomers:
    """Return every account's summary from the booked orders up to `as_of`, merged
    accounts counted with their survivor."""
    if unit not in UNITS:
        raise InputError(f"--unit {unit!r}: use {' or '.join(UNITS)}")
    tables = store.tables()
    orders, lines = tables["orders"], tables["order_lines"]
    booked = orders.filter(orders.status == "booked", orders.ordered_on <= as_of)
    owned = owned_by_survivor(booked.select("order_id", "account_id", "ordered_on"), tables)
    priced = owned.join(lines, "order_id")
    daily = priced.group_by("account_id", "ordered_on").aggregate(
        amount=priced.amount.cast("float64").sum()
    )
    first = daily.group_by("account_id").aggregate(first_on=daily.ordered_on.min())
    marked = daily.join(first, "account_id")
    later = marked.ordered_on > marked.first_on
    found = marked.group_by("account_id").aggregate(
        first_on=marked.first_on.min(),
        last_on=marked.ordered_on.max(),
        repeats=marked.count(where=later),
        repeat_amount=marked.amount.sum(where=later),
    ).order_by("account_id").to_pyarrow()  # fmt: skip
    accounts = found["account_id"].to_pylist()
    first_on = np.array(found["first_on"].to_pylist(), dtype="datetime64[D]")
    last_on = np.array(found["last_on"].to_pylist(), dtype="datetime64[D]")
    repeats = np.array(found["repeats"].to_pylist(), dtype=np.float64)
    amount = np.nan_to_num(np.array(found["repeat_amount"].to_pylist(), dtype=np.float64))
    end = np.datetime64(as_of, "D")
    age = (end - first_on).astype(np.int64).astype(np.float64)
    kept = age > 0
    size = UNITS[unit]
    recency = (last_on - first_on).astype(np.int64).astype(np.float64) / size
    monetary = np.divide(amount, repeats, out=np.zeros_like(amount), where=repeats > 0)
    return StoreCustomers(
        accounts=[a for a, k in zip(accounts, kept, strict=True) if k],
        frequency=repeats[kept],
        recency=recency[kept],
        T=age[kept] / size,
        monetary=monetary[kept],
        as_of=as_of,
        unit=unit,
        left_out=int((~kept).sum()),
    )


def fit_store(store: Store, model: Model, *, as_of: date, unit: str = "week") -> Fit:
    """Return the model fitted to the store's accounts as of `as_of`."""
    found = store_customers(store, as_of=as_of, unit=unit)
    if not found.accounts:
        raise InputError(f"no account has a booked order before {as_of}: there is nothing to fit")
    if model == "gg":
        return fit_gg(compress_spends(found.frequency, found.monetary))
    histories = compress(found.frequency, found.recency, found.T)
    return fit_bgnbd(histories) if model == "bgnbd" else fit_pareto(histories)
