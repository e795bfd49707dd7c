"""Test against control over the store: one row per unit, then lifts with intervals.

Arms are intent to treat: an account is in the arm the program assigned it, whether or
not its touches reached it. At program level a unit is an account of the program, its
outcomes counted from the day it joined the program (or the period's start) to the
period's end, with the same span before the period as its pre-period. At stage and
touch level a unit is one cycle that reached the stage or the touch — in the control arm
as a held-out touch — with outcomes in the attribution window after its first due day.
Renewal counts agreements that reached their end within the period (not cancelled by
then), at every level: renewed when an agreement not cancelled by its own start names
them in `renewed_from`. A unit whose agreement did not end in the period, or was
cancelled before its end, has no renewal outcome.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Literal

import ibis
import pyarrow as pa

from carecycle.measure.experiments import (
    Arm,
    Paired,
    compare_arms,
    compare_counts,
    compare_ratio_moments,
    cuped,
)
from carecycle.measure.report import MEASURES, Level, Lift, Side
from carecycle.store.schema import CHANNEL_STATUSES, RESPONSES

Tables = Mapping[str, Any]
REACHED = ("delivered", "opened", "clicked", "reached", "responded", "completed", "unsubscribed")
MISSED = ("bounced", "failed", "not_reached")
CYCLE_KEYS = ("scope", "account_id", "cycle")
CYCLE_FLAGS = ("held", "touched", "reached", "responded")
# Products per word of an order's product mask: bits 0–61 keep every mask positive.
WORD_BITS = 62
# The unit column each measure compares (transaction size, a ratio, reads revenue and orders).
MEASURE_COLUMNS = {
    "revenue": "revenue",
    "influenced_revenue": "revenue",
    "purchase_frequency": "orders",
    "cross_purchase": "products",
    "renewal_rate": "renewed",
}


def day_number(value: date) -> int:
    """Return the day's number since 1970-01-01, as units and orders count days."""
    return (value - date(1970, 1, 1)).days


def _flag(condition: Any) -> Any:
    """Return 1 where the condition holds, else 0 (PostgreSQL cannot cast booleans)."""
    return ibis.ifelse(condition, 1, 0).cast("int64")


def _span(start: date, end: date) -> int:
    return day_number(end) - day_number(start) + 1


def product_bits(tables: Tables) -> tuple[Any, int]:
    """Return every product of the catalogue with its word and bit in order masks (products
    ranked by id, 62 to a word), and the number of words. The catalogue is read once, so
    the words and the bits agree."""
    ranked = sorted(tables["products"].product_id.to_pyarrow().to_pylist())
    bits = ibis.memtable(
        pa.table(
            {
                "product_id": pa.array(ranked, pa.string()),
                "word": pa.array([k // WORD_BITS for k in range(len(ranked))], pa.int64()),
                "bit": pa.array([k % WORD_BITS for k in range(len(ranked))], pa.int64()),
            }
        )
    )
    return bits, max(1, -(-len(ranked) // WORD_BITS))


def report_orders(tables: Tables, *, start: date, end: date) -> Any:
    """Return the booked orders a unit of a period can claim, the pre-period's and the
    period's: one row per order with its account, day number, amount, and the products
    on its lines as bits (`mask0` … one word per 62 products of the catalogue).

    Units count orders, revenue and distinct products (a bitwise OR of their orders'
    masks) from these rows alone; a report computes them once for all its units. Lines
    name catalogue products (the importer checks it); a line of any other product would
    count in the order's amount but not among its products.
    """
    orders, lines = tables["orders"], tables["order_lines"]
    bits, words = product_bits(tables)
    marked = lines.left_join(bits, lines.product_id == bits.product_id)
    bit = ibis.literal(1).cast("int64") << marked.bit.cast("int32")
    per_order = marked.group_by("order_id").aggregate(
        amount=marked.amount.cast("float64").sum(),
        **{f"mask{w}": bit.bit_or(where=marked.word == w) for w in range(words)},
    )
    first = start - timedelta(_span(start, end))
    booked = orders.filter(orders.status == "booked", orders.ordered_on.between(first, end))
    joined = booked.join(per_order, "order_id")
    return joined.select(
        "account_id",
        "amount",
        day=joined.ordered_on.epoch_days().cast("int64"),
        **{f"mask{w}": joined[f"mask{w}"].fill_null(0) for w in range(words)},
    )


def _words(orders: Any) -> list[str]:
    return [c for c in orders.columns if c.startswith("mask")]


def _popcount(mask: Any) -> Any:
    """Return the number of bits set in a non-negative 64-bit integer (SWAR, portable SQL)."""
    x = mask - ((mask >> 1) & 0x5555555555555555)
    x = (x & 0x3333333333333333) + ((x >> 2) & 0x3333333333333333)
    x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0F
    x = x + (x >> 8)
    x = x + (x >> 16)
    x = x + (x >> 32)
    return x & 0x7F


def _claimed(pairs: Any, key: str, flags: dict[str, Any], masks: list[str]) -> Any:
    """Return per unit the revenue, orders and product masks of its pairs under each flag."""
    found = {}
    for suffix, flag in flags.items():
        found[f"revenue{suffix}"] = pairs.amount.sum(where=flag)
        found[f"orders{suffix}"] = pairs.count(where=flag)
        for mask in masks:
            found[f"{mask}{suffix}"] = pairs[mask].bit_or(where=flag)
    return pairs.group_by(key).aggregate(**found)


def _outcomes(units: Any, per_unit: Any, key: str, suffixes: list[str], masks: list[str]) -> Any:
    """Return the units with their outcomes, 0 where a unit bought nothing."""
    found = units.left_join(per_unit, key)
    filled = {}
    for suffix in suffixes:
        filled[f"revenue{suffix}"] = found[f"revenue{suffix}"].fill_null(0).cast("float64")
        filled[f"orders{suffix}"] = found[f"orders{suffix}"].fill_null(0).cast("int64")
        counts = [_popcount(found[f"{m}{suffix}"].fill_null(0)) for m in masks]
        filled[f"products{suffix}"] = sum(counts[1:], counts[0]).cast("int64")
    return found.select(*units.columns, **filled)


def assigned_by(tables: Tables, program_id: str, end: date) -> Any:
    """Return the program's holdout assignments (either arm) made by `end`."""
    logged = tables["holdout_assignments"]
    return logged.filter(logged.program_id == program_id, logged.assigned_on <= end)


def program_units(
    tables: Tables, program_id: str, *, start: date, end: date, orders: Any | None = None
) -> Any:
    """Return one row per account of the program: arm, outcomes in and before the period.

    `orders` are the orders to claim from (default: `report_orders` of the period).
    """
    mine = assigned_by(tables, program_id, end)
    joined = mine.mutate(joined=mine.assigned_on.epoch_days().cast("int64"))
    units = joined.select(
        "account_id",
        "arm",
        low=ibis.greatest(joined.joined, ibis.literal(day_number(start))),
        high=ibis.literal(day_number(end)),
    )
    if orders is None:
        orders = report_orders(tables, start=start, end=end)
    first = day_number(start) - _span(start, end)
    pairs = units.join(
        orders,
        (units.account_id == orders.account_id) & orders.day.between(first, day_number(end)),
    )
    flags = {"": pairs.day >= pairs.low, "_pre": pairs.day < day_number(start)}
    masks = _words(orders)
    per_unit = _claimed(pairs, "account_id", flags, masks)
    return _outcomes(units, per_unit, "account_id", ["", "_pre"], masks)


def cycle_units(
    tables: Tables,
    program_id: str,
    *,
    level: Literal["stage", "touch"],
    start: date,
    end: date,
    window_days: int,
    orders: Any | None = None,
    due: Any | None = None,
) -> Any:
    """Return one row per (stage or touch, cycle) due in the period, with arm and outcomes.

    `due` are the units as `cycle_renewals` gives them, and `orders` the orders to claim
    from (default: `report_orders` of the period); a report computes each once.
    """
    if due is None:
        due = cycle_renewals(tables, program_id, level=level, start=start, end=end)
    units = due.mutate(
        low=due.first,
        high=ibis.least(due.first + window_days, ibis.literal(day_number(end))),
    )
    if orders is None:
        orders = report_orders(tables, start=start, end=end)
    pairs = units.join(
        orders,
        (units.account_id == orders.account_id) & orders.day.between(units.low, units.high),
    )
    masks = _words(orders)
    per_unit = _claimed(pairs, "unit", {"": ibis.literal(True)}, masks)
    return _outcomes(units, per_unit, "unit", [""], masks).drop("unit")


def cycle_renewals(
    tables: Tables, program_id: str, *, level: Literal["stage", "touch"], start: date, end: date
) -> Any:
    """Return the units of `cycle_units` with their arm and `renewed`, without outcomes:
    one row per (stage or touch, cycle) due in the period, known by `unit` (touch units
    also name their `stage_id`)."""
    units = _due_cycles(tables, program_id, level=level, start=start, end=end)
    return _with_renewal(units, tables, start=start, end=end)


def stage_renewals(tables: Tables, touch_units: Any, *, start: date, end: date) -> Any:
    """Return the stage units of `cycle_renewals` from its touch units of the same period:
    a stage's cycle gathers its touches', known by the least `unit` among them.

    A report keeps its touch units once and gathers them here, rather than reading the
    touches a second time.
    """
    units = touch_units.mutate(scope=touch_units.stage_id)
    flags = {name: units[name] for name in CYCLE_FLAGS}
    gathered = _per_cycle(units, unit=units.unit, first=units.first, flags=flags)
    return _with_renewal(_with_arm(gathered), tables, start=start, end=end)


def _due_cycles(
    tables: Tables, program_id: str, *, level: Literal["stage", "touch"], start: date, end: date
) -> Any:
    """Return one row per (stage or touch, cycle) due in the period, with its arm."""
    touches = tables["touches"]
    scope = touches.stage_id if level == "stage" else touches.touch_id
    due = touches.filter(
        touches.program_id == program_id, touches.due_on >= start, touches.due_on <= end
    )
    return _with_arm(_cycles(due.mutate(scope=scope), level))


def _with_arm(units: Any) -> Any:
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
    # A unit is known by one of its touches: the first by uid, the same on every evaluation.
    if level == "touch":
        # The store keeps one touch per (program, touch, account, cycle): a row is a unit.
        return due.select(
            *CYCLE_KEYS, "agreement_id", "stage_id", unit=due.touch_uid, first=first, **flags
        )
    return _per_cycle(due, unit=due.touch_uid, first=first, flags=flags)


def _per_cycle(rows: Any, *, unit: Any, first: Any, flags: dict[str, Any]) -> Any:
    """Return one row per (scope, account, cycle) of touch rows: the agreement, the least
    unit and first day, and each 0/1 flag where any touch has it."""
    return rows.group_by(CYCLE_KEYS).aggregate(
        agreement_id=rows.agreement_id.max(),
        unit=unit.min(),
        first=first.min(),
        **{name: flag.max() for name, flag in flags.items()},
    )


def reached_end(agreements: Any, start: date, end: date) -> Any:
    """Return the agreements that reached their end in the period: `end_on` within it and
    not cancelled by then (no `cancelled_on`, or one after `end_on`)."""
    kept = agreements.cancelled_on.isnull() | (agreements.cancelled_on > agreements.end_on)
    return agreements.filter(agreements.end_on.between(start, end), kept)


def renewing(agreements: Any) -> Any:
    """Return the agreements that renew another (`renewed_from`) and were not cancelled by
    their own start."""
    valid = agreements.cancelled_on.isnull() | (agreements.cancelled_on > agreements.start_on)
    return agreements.filter(agreements.renewed_from.notnull(), valid)


def _with_renewal(units: Any, tables: Tables, *, start: date, end: date) -> Any:
    """Add `renewed` (1/0) for units whose agreement reached its end in the period, else null."""
    agreements = tables["agreements"]
    ended = reached_end(agreements, start, end)
    successors = renewing(agreements)
    renewed = successors.select(renewed_id=successors.renewed_from).distinct()
    flags = ended.left_join(renewed, ended.agreement_id == renewed.renewed_id)
    flags = flags.select(
        ended_id=flags.agreement_id,
        renewed=_flag(flags.renewed_id.notnull()),
    )
    joined = units.left_join(flags, units.agreement_id == flags.ended_id)
    return joined.drop("ended_id")


def program_renewals(tables: Tables, program_id: str, *, start: date, end: date) -> Any:
    """Return one row per agreement of a program account that reached its end in the period."""
    mine = assigned_by(tables, program_id, end)
    ended = reached_end(tables["agreements"], start, end)
    units = ended.join(mine.select("account_id", "arm"), "account_id").select(
        "account_id", "agreement_id", "arm"
    )
    return _with_renewal(units, tables, start=start, end=end)


def arm_moments(
    units: Any,
    *,
    by: Sequence[str] = (),
    means: Sequence[str] = (),
    pairs: Sequence[tuple[str, str]] = (),
    counts: Sequence[str] = (),
) -> Any:
    """Return per group of `by` and arm what the comparisons need of the units, and no more.

    `means` get their mean and sample variance, `pairs` their sample covariance (both
    columns must be in `means`), and 0/1 `counts` the units where known and their sum.
    A report thus fetches a few rows per scope instead of every unit.
    """
    values = {c: units[c].cast("float64") for c in {*means, *(c for pair in pairs for c in pair)}}
    found: dict[str, Any] = {"n": units.count()}
    for column in means:
        found[f"{column}_mean"] = values[column].mean()
        found[f"{column}_var"] = values[column].var(how="sample")
    for y, x in pairs:
        found[f"{y}_{x}_cov"] = values[y].cov(values[x], how="sample")
    for column in counts:
        found[f"{column}_n"] = units[column].count()
        found[f"{column}_sum"] = units[column].cast("int64").sum()
    return units.group_by([*by, "arm"]).aggregate(**found)


@dataclass(frozen=True)
class Group:
    """One arm's row of `arm_moments`: its summaries by column."""

    values: Mapping[str, Any]

    @property
    def n(self) -> int:
        """Return the number of units."""
        return int(self.values.get("n") or 0)

    def _get(self, name: str) -> float:
        if self.n and name not in self.values:
            raise KeyError(f"{name} was not among the moments asked of arm_moments")
        # A variance or covariance of one unit is null: it is not used (n < 2), read it as 0.
        return float(self.values.get(name) or 0.0)

    def has_pair(self, y: str, x: str) -> bool:
        """Return whether the moments of y and x together were computed."""
        return f"{y}_{x}_cov" in self.values

    def arm(self, column: str) -> Arm:
        """Return the summary of one column."""
        return Arm(self.n, self._get(f"{column}_mean"), self._get(f"{column}_var"))

    def paired(self, y: str, x: str) -> Paired:
        """Return the moments of two columns computed together (see `arm_moments` pairs)."""
        return Paired(
            self.n, self._get(f"{y}_mean"), self._get(f"{x}_mean"),
            self._get(f"{y}_var"), self._get(f"{x}_var"), self._get(f"{y}_{x}_cov"),
        )  # fmt: skip

    def count(self, column: str) -> tuple[int, int]:
        """Return the 0/1 column's successes and the units where it is known."""
        return int(self._get(f"{column}_sum")), int(self._get(f"{column}_n"))


NO_UNITS = Group({})


def groups_by_arm(
    table: pa.Table, by: Sequence[str] = ()
) -> dict[tuple[Any, ...], dict[str, Group]]:
    """Return the rows of `arm_moments` by their `by` values, then by arm."""
    found: dict[tuple[Any, ...], dict[str, Group]] = {}
    for row in table.to_pylist():
        found.setdefault(tuple(row[k] for k in by), {})[row["arm"]] = Group(row)
    return found


def compare_measure(
    arms: Mapping[str, Group],
    measure: str,
    *,
    level: Level,
    scope: str,
    name: str,
    confidence: float,
) -> Lift:
    """Return the lift of one measure between the test and holdout arms' moments."""
    test, control = arms.get("test", NO_UNITS), arms.get("holdout", NO_UNITS)
    kind = MEASURES[measure].kind
    if kind == "ratio":
        return _ratio_lift(test, control, measure, level, scope, name, confidence)
    column = MEASURE_COLUMNS[measure]
    if kind == "proportion":
        found = compare_counts(*test.count(column), *control.count(column), confidence=confidence)
    else:
        found = compare_arms(test.arm(column), control.arm(column), confidence=confidence)
    adjusted = before_after = None
    pre = f"{column}_pre"
    if test.has_pair(column, pre) and test.n > 1 and control.n > 1:
        t, c = test.paired(column, pre), control.paired(column, pre)
        adjusted_t, adjusted_c, _ = cuped(t, c)
        adjusted = compare_arms(adjusted_t, adjusted_c, confidence=confidence).difference
        before_after = compare_arms(t.change, c.change, confidence=confidence).difference
    return Lift(
        level, scope, name, measure,
        Side(found.test.n, found.test.mean), Side(found.control.n, found.control.mean),
        found.difference, found.relative, found.p_value, found.note, adjusted, before_after,
    )  # fmt: skip


def _ratio_lift(
    test: Group,
    control: Group,
    measure: str,
    level: Level,
    scope: str,
    name: str,
    confidence: float,
) -> Lift:
    t, c = test.paired("revenue", "orders"), control.paired("revenue", "orders")
    difference, relative, note = compare_ratio_moments(t, c, confidence=confidence)
    return Lift(
        level, scope, name, measure,
        Side(t.n, _safe_ratio(t)), Side(c.n, _safe_ratio(c)),
        difference, relative, None, note,
    )  # fmt: skip


def _safe_ratio(group: Paired) -> float:
    return group.mean_y / group.mean_x if group.mean_x else 0.0
