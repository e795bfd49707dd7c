"""Use case: fit lifetime-value and renewal models to per-customer files and counts."""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np

from carecycle.engine.facts import owned_by_survivor
from carecycle.errors import InputError
from carecycle.intelligence.clv import (
    Fit,
    Model,
    Spends,
    bgnbd_alive,
    bgnbd_expected,
    compress,
    compress_spends,
    discounted_value,
    fit_bgnbd,
    fit_gg,
    fit_pareto,
    gg_expected_spend,
    raw,
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
# Discounting adds one term per period: a horizon of this many periods is plenty.
MAX_PERIODS = 10_000


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


def store_spends(found: StoreCustomers) -> Spends:
    """Return the Gamma-Gamma rows of the store's repeat customers whose repeat purchases
    add up to more than 0 (credits and free lines can leave nothing to fit)."""
    paying = (found.frequency > 0) & (found.monetary > 0)
    return compress_spends(found.frequency[paying], found.monetary[paying])


def _purchasers(store: Store, *, as_of: date, unit: str) -> StoreCustomers:
    found = store_customers(store, as_of=as_of, unit=unit)
    if not found.accounts:
        raise InputError(f"no account has a booked order before {as_of}: there is nothing to fit")
    return found


def fit_store(store: Store, model: Model, *, as_of: date, unit: str = "week") -> Fit:
    """Return the model fitted to the store's accounts as of `as_of`."""
    found = _purchasers(store, as_of=as_of, unit=unit)
    if model == "gg":
        return fit_gg(store_spends(found))
    histories = compress(found.frequency, found.recency, found.T)
    return fit_bgnbd(histories) if model == "bgnbd" else fit_pareto(histories)


@dataclass(frozen=True)
class Predictions:
    """Per customer: P(alive), expected purchases and spend, and discounted value."""

    customers: list[str]
    alive: np.ndarray
    purchases: np.ndarray
    spend: np.ndarray
    value: np.ndarray
    purchases_fit: Fit
    spend_fit: Fit
    horizon: float
    period: float
    discount: float

    def top(self, count: int) -> list[dict[str, object]]:
        """Return the `count` customers of highest value, highest first."""
        order = np.argsort(-self.value, kind="stable")[:count]
        return [
            {
                "customer": self.customers[k],
                "probability_alive": float(self.alive[k]),
                "expected_purchases": float(self.purchases[k]),
                "expected_spend": float(self.spend[k]),
                "value": float(self.value[k]),
            }
            for k in order
        ]


def predict(
    frequency: np.ndarray,
    recency: np.ndarray,
    age: np.ndarray,
    monetary: np.ndarray,
    customers: list[str],
    *,
    horizon: float,
    period: float,
    discount: float,
    lenient: bool = False,
) -> Predictions:
    """Fit BG/NBD and Gamma-Gamma to the customers and predict each one over `horizon`:
    value adds each `period`'s expected purchases times the expected spend, discounted at
    `discount` per period. `lenient` leaves customers whose repeat purchases add up to 0 or
    less out of the spend fit (they get the population's spend) instead of refusing them."""
    for option, value, low in (("horizon", horizon, 0.0), ("period", period, 0.0)):
        if not math.isfinite(value) or value <= low:
            raise InputError(f"--{option} must be a number above 0, got {value}")
    if not math.isfinite(discount) or discount < 0:
        raise InputError(f"--discount must be a number, 0 or more, got {discount}")
    if horizon / period > MAX_PERIODS:
        raise InputError(
            f"--horizon {horizon:g} makes more than {MAX_PERIODS:,} periods of {period:g}: "
            "give a longer --period"
        )
    histories = raw(frequency, recency, age)
    purchases_fit = fit_bgnbd(compress(frequency, recency, age))
    paying = (frequency > 0) & (monetary > 0) if lenient else np.ones(len(frequency), bool)
    spend_fit = fit_gg(compress_spends(frequency[paying], monetary[paying]))
    rates, spends = list(purchases_fit.params.values()), list(spend_fit.params.values())
    spend = gg_expected_spend(spends, frequency, monetary)
    periods = max(1, math.ceil(horizon / period))
    return Predictions(
        customers=customers,
        alive=bgnbd_alive(rates, histories),
        purchases=bgnbd_expected(rates, histories, horizon),
        spend=spend,
        value=discounted_value(
            rates, histories, spend, periods=periods, period=horizon / periods, discount=discount
        ),
        purchases_fit=purchases_fit,
        spend_fit=spend_fit,
        horizon=horizon,
        period=horizon / periods,
        discount=discount,
    )


def predict_file(path: Path, *, horizon: float, period: float, discount: float) -> Predictions:
    """Return the predictions for a file's customers (known by their data row, 1, 2, …)."""
    found = read_customers(path, (*HISTORY_COLUMNS, SPEND_COLUMN))
    rows = [str(k) for k in range(1, len(found["T"]) + 1)]
    x, t_x, age, spend = (found[c] for c in (*HISTORY_COLUMNS, SPEND_COLUMN))
    try:
        return predict(x, t_x, age, spend, rows, horizon=horizon, period=period, discount=discount)
    except InputError as exc:
        raise InputError(f"{path}: {exc}") from None


def predict_store(
    store: Store, *, as_of: date, unit: str, horizon: float, period: float, discount: float
) -> Predictions:
    """Return the predictions for the store's accounts as of `as_of`."""
    found = _purchasers(store, as_of=as_of, unit=unit)
    return predict(
        found.frequency, found.recency, found.T, found.monetary, found.accounts,
        horizon=horizon, period=period, discount=discount, lenient=True,
    )  # fmt: skip


def write_predictions(found: Predictions, path: Path) -> None:
    """Write one CSV row per customer."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["customer", "probability_alive", "expected_purchases", "expected_spend", "value"]
        )
        for k, customer in enumerate(found.customers):
            writer.writerow([
                customer, f"{found.alive[k]:.6f}", f"{found.purchases[k]:.6f}",
                f"{found.spend[k]:.4f}", f"{found.value[k]:.4f}",
            ])  # fmt: skip
