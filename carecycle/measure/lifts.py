"""Test against control over the store: one row per unit, then lifts with intervals.

Arms are intent to treat: an account is in the arm the program assigned it, whether or
not its touches reached it. At program level a unit is an account of the program, its
outcomes counted from the day it joined the program (or the period's start) to the
period's end, with the same span before the period as its pre-period. At stage and
touch level a unit is one cycle that reached the stage or the touch — in the control arm
as a held-out touch — with outcomes in the attribution window after its first due day.
Renewal counts agreements that ended within the period: renewed when a later agreement
names them in `renewed_from`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any, Literal

import ibis
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from carecycle.measure.experiments import (
    compare_means,
    compare_proportions,
    compare_ratios,
    cuped,
    difference_in_differences,
)
from carecycle.measure.report import MEASURES, Level, Lift, Side
from carecycle.store.schema import CHANNEL_STATUSES, RESPONSES

Tables = Mapping[str, Any]
REACHED = ("delivered", "opened", "clicked", "reached", "responded", "completed", "unsubscribed")
MISSED = ("bounced", "failed", "not_reached")
CYCLE_KEYS = ("scope", "account_id", "cycle")
# The unit column each measure compares (transaction size, a ratio, reads revenue and orders).
MEASURE_COLUMNS = {
    "revenue": "revenue",
    "influenced_revenue": "revenue",
    "purchase_frequency": "orders",
    "cross_purchase": "products",
    "renewal_rate": "renewed",
}


def _day(value: date) -> int:
    return (value - date(1970, 1, 1)).days


def _flag(condition: Any) -> Any:
    """Return 1 where the condition holds, else 0 (PostgreSQL cannot cast booleans)."""
    return ibis.ifelse(condition, 1, 0).cast("int64")


def booked_lines(tables: Tables, *, since: date | None = None, until: date | None = None) -> Any:
    """Return every booked order line (ordered within [since, until] when given) with its
    account, day number and amount as recorded."""
    orders, lines = tables["orders"], tables["order_lines"]
    booked = orders.filter(orders.status == "booked")
    if since is not None:
        booked = booked.filter(booked.ordered_on >= since)
    if until is not None:
        booked = booked.filter(booked.ordered_on <= until)
    joined = booked.join(lines, booked.order_id == lines.order_id)
    return joined.select(
        account_id=booked.account_id,
        order_id=booked.order_id,
        product_id=lines.product_id,
        amount=lines.amount,
        day=booked.ordered_on.epoch_days().cast("int64"),
    )


def _span(start: date, end: date) -> int:
    return _day(end) - _day(start) + 1


def report_lines(tables: Tables, *, start: date, end: date) -> Any:
    """Return the booked lines a unit of a period can claim: the pre-period's and the period's.

    A report reads them many times (program, stage and touch units); caching this once
    saves joining every order line to its order for each of them.
    """
    return booked_lines(tables, since=start - timedelta(_span(start, end)), until=end)


def _per_unit(pairs: Any, keys: list[str], flags: dict[str, str]) -> Any:
    """Return per unit: revenue, orders and distinct products of the pairs under each flag.

    Orders, then products, are made distinct first, so that no distinct count is needed:
    a line's order has one day, so its flags are the same on every line of the order.
    """
    orders = pairs.group_by([*keys, "order_id"]).aggregate(
        amount=pairs.amount.sum(), **{f: pairs[f].max() for f in flags}
    )
    money = orders.group_by(keys).aggregate(
        **{f"revenue{s}": orders.amount.sum(where=orders[f] == 1) for f, s in flags.items()},
        **{f"orders{s}": orders.count(where=orders[f] == 1) for f, s in flags.items()},
    )
    products = pairs.group_by([*keys, "product_id"]).aggregate(**{f: pairs[f].max() for f in flags})
    goods = products.group_by(keys).aggregate(
        **{f"products{s}": products[f].sum() for f, s in flags.items()}
    )
    return money.join(goods, keys)


def _outcomes(units: Any, per_unit: Any, keys: list[str], suffixes: list[str]) -> Any:
    """Return the units with their outcomes, 0 where a unit bought nothing."""
    found = units.left_join(per_unit, keys)
    filled = {}
    for suffix in suffixes:
        filled[f"revenue{suffix}"] = found[f"revenue{suffix}"].fill_null(0).cast("float64")
        filled[f"orders{suffix}"] = found[f"orders{suffix}"].fill_null(0).cast("int64")
        filled[f"products{suffix}"] = found[f"products{suffix}"].fill_null(0).cast("int64")
    return found.select(*units.columns, **filled)


def assigned_by(tables: Tables, program_id: str, end: date) -> Any:
    """Return the program's holdout assignments (either arm) made by `end`."""
    logged = tables["holdout_assignments"]
    return logged.filter(logged.program_id == program_id, logged.assigned_on <= end)


def program_units(
    tables: Tables, program_id: str, *, start: date, end: date, lines: Any | None = None
) -> Any:
    """Return one row per account of the program: arm, outcomes in and before the period.

    `lines` are the booked lines to claim from (default: `report_lines` of the period).
    """
    mine = assigned_by(tables, program_id, end)
    joined = mine.mutate(joined=mine.assigned_on.epoch_days().cast("int64"))
    units = joined.select(
        "account_id",
        "arm",
        low=ibis.greatest(joined.joined, ibis.literal(_day(start))),
        high=ibis.literal(_day(end)),
    )
    lines = report_lines(tables, start=start, end=end) if lines is None else lines
    first = _day(start) - _span(start, end)
    pairs = units.join(
        lines,
        (units.account_id == lines.account_id) & lines.day.between(first, _day(end)),
    )
    pairs = pairs.select(
        units.account_id,
        lines.order_id,
        lines.product_id,
        lines.amount,
        inside=_flag(lines.day >= units.low),
        before=_flag(lines.day < _day(start)),
    )
    per_unit = _per_unit(pairs, ["account_id"], {"inside": "", "before": "_pre"})
    return _outcomes(units, per_unit, ["account_id"], ["", "_pre"])


def cycle_units(
    tables: Tables,
    program_id: str,
    *,
    level: Literal["stage", "touch"],
    start: date,
    end: date,
    window_days: int,
    lines: Any | None = None,
) -> Any:
    """Return one row per (stage or touch, cycle) due in the period, with arm and outcomes.

    `lines` are the booked lines to claim from (default: `report_lines` of the period).
    """
    units = _due_cycles(tables, program_id, level=level, start=start, end=end)
    units = units.mutate(
        low=units.first, high=ibis.least(units.first + window_days, ibis.literal(_day(end)))
    )
    lines = report_lines(tables, start=start, end=end) if lines is None else lines
    pairs = units.join(
        lines,
        (units.account_id == lines.account_id) & lines.day.between(units.low, units.high),
    )
    pairs = pairs.select(
        *(units[k] for k in CYCLE_KEYS), "order_id", "product_id", "amount", inside=ibis.literal(1)
    )
    per_unit = _per_unit(pairs, list(CYCLE_KEYS), {"inside": ""})
    units = _outcomes(units, per_unit, list(CYCLE_KEYS), [""])
    return _with_renewal(units, tables, start=start, end=end)


def cycle_renewals(
    tables: Tables, program_id: str, *, level: Literal["stage", "touch"], start: date, end: date
) -> Any:
    """Return the units of `cycle_units` with their arm and `renewed`, without outcomes."""
    units = _due_cycles(tables, program_id, level=level, start=start, end=end)
    return _with_renewal(units, tables, start=start, end=end)


def _due_cycles(
    tables: Tables, program_id: str, *, level: Literal["stage", "touch"], start: date, end: date
) -> Any:
    """Return one row per (stage or touch, cycle) due in the period, with its arm."""
    touches = tables["touches"]
    scope = touches.stage_id if level == "stage" else touches.touch_id
    due = touches.filter(
        touches.program_id == program_id, touches.due_on >= start, touches.due_on <= end
    )
    units = _cycles(due.mutate(scope=scope), level)
    return units.mutate(arm=ibis.ifelse(units.held == 1, "holdout", "test"))


def _cycles(due: Any, level: Literal["stage", "touch"]) -> Any:
    """Return one row per (scope, account, cycle): its agreement, first due day and flags."""
    flags = {
        "held": _flag(due.status == "held_out"),
        "touched": _flag(due.status.isin(CHANNEL_STATUSES)),
        "reached": _flag(due.status.isin(REACHED)),
        "responded": _flag(due.status.isin(RESPONSES)),
    }
    first = due.due_on.epoch_days().cast("int64")
    if level == "touch":
        # The store keeps one touch per (program, touch, account, cycle): a row is a unit.
        return due.select(*CYCLE_KEYS, "agreement_id", first=first, **flags)
    return due.group_by(CYCLE_KEYS).aggregate(
        agreement_id=due.agreement_id.max(),
        first=first.min(),
        **{name: flag.max() for name, flag in flags.items()},
    )


def _with_renewal(units: Any, tables: Tables, *, start: date, end: date) -> Any:
    """Add `renewed` (1/0) for units whose agreement ended in the period, else null."""
    agreements = tables["agreements"]
    ended = agreements.filter(agreements.end_on >= start, agreements.end_on <= end)
    successors = agreements.filter(agreements.renewed_from.notnull())
    renewed = successors.select(renewed_id=successors.renewed_from).distinct()
    flags = ended.left_join(renewed, ended.agreement_id == renewed.renewed_id)
    flags = flags.select(
        ended_id=flags.agreement_id,
        renewed=_flag(flags.renewed_id.notnull()),
    )
    joined = units.left_join(flags, units.agreement_id == flags.ended_id)
    return joined.drop("ended_id")


def program_renewals(tables: Tables, program_id: str, *, start: date, end: date) -> Any:
    """Return one row per agreement of a program account that ended in the period."""
    mine = assigned_by(tables, program_id, end)
    agreements = tables["agreements"]
    ended = agreements.filter(
        agreements.end_on >= start,
        agreements.end_on <= end,
        agreements.cancelled_on.isnull(),
    )
    units = ended.join(mine.select("account_id", "arm"), "account_id").select(
        "account_id", "agreement_id", "arm"
    )
    return _with_renewal(units, tables, start=start, end=end)


def _split(table: pa.Table, column: str) -> tuple[np.ndarray, np.ndarray]:
    test = np.asarray(pc.equal(table["arm"], "test").to_numpy(zero_copy_only=False), dtype=bool)
    values = np.asarray(table[column].to_numpy(zero_copy_only=False), dtype=float)
    return values[test], values[~test]


def compare_measure(
    table: pa.Table,
    measure: str,
    *,
    level: Level,
    scope: str,
    name: str,
    confidence: float,
) -> Lift:
    """Return the lift of one measure between the table's test and holdout units."""
    kind = MEASURES[measure].kind
    if kind == "ratio":
        return _ratio_lift(table, measure, level, scope, name, confidence)
    column = MEASURE_COLUMNS[measure]
    if measure == "renewal_rate":
        table = table.filter(table["renewed"].is_valid())
    test, control = _split(table, column)
    compare = compare_proportions if kind == "proportion" else compare_means
    found = compare(test, control, confidence=confidence)
    adjusted = before_after = None
    if f"{column}_pre" in table.column_names and test.size > 1 and control.size > 1:
        test_pre, control_pre = _split(table, f"{column}_pre")
        t, c, _ = cuped(test, control, test_pre=test_pre, control_pre=control_pre)
        adjusted = compare_means(t, c, confidence=confidence).difference
        before_after = difference_in_differences(
            test_pre, test, control_pre, control, confidence=confidence
        ).difference
    return Lift(
        level, scope, name, measure,
        Side(found.test.n, found.test.mean), Side(found.control.n, found.control.mean),
        found.difference, found.relative, found.p_value, found.note, adjusted, before_after,
    )  # fmt: skip


def _ratio_lift(
    table: pa.Table, measure: str, level: Level, scope: str, name: str, confidence: float
) -> Lift:
    revenue_t, revenue_c = _split(table, "revenue")
    orders_t, orders_c = _split(table, "orders")
    difference, relative, note = compare_ratios(
        (revenue_t, orders_t), (revenue_c, orders_c), confidence=confidence
    )
    return Lift(
        level,
        scope,
        name,
        measure,
        Side(revenue_t.size, _safe_ratio(revenue_t, orders_t)),
        Side(revenue_c.size, _safe_ratio(revenue_c, orders_c)),
        difference,
        relative,
        None,
        note,
    )


def _safe_ratio(numerator: np.ndarray, denominator: np.ndarray) -> float:
    total = float(denominator.sum())
    return float(numerator.sum()) / total if total else 0.0
