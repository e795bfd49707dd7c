"""The KPI framework: registries, the scope of one evaluation, and evaluation in one query."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cached_property
from typing import Any, Literal

import ibis
import pyarrow as pa
import pyarrow.compute as pc

from carecycle.engine.facts import owned_by_survivor
from carecycle.errors import InputError
from carecycle.measure.lifts import assigned_by
from carecycle.store.schema import MILESTONES, NOT_RECEIVED

Tables = Mapping[str, Any]
Level = Literal["program", "stage", "operational"]
Unit = Literal["count", "rate", "money", "score"]
Attribution = Literal["touch", "record", "account"]
Formula = tuple[Any, Any | None]

GROUPINGS = ("program", "stage", "touch", "channel", "segment", "partner", "region")
TOUCH_COLUMNS = {
    "program": "program_id",
    "stage": "stage_id",
    "touch": "touch_id",
    "channel": "channel",
}
ACCOUNT_COLUMNS = {"segment": "segment", "partner": "partner_id", "region": "region"}
NOT_DELIVERED = ("bounced", "failed")
CLICKED = ("clicked", "responded", "completed")
FREE_SUPPORT_QUESTION = "free_support_registered"
SA_ACTIVATION_QUESTION = "benefits_activated"
NPS_QUESTIONS = ("nps", "recommend")
SATISFACTION_QUESTIONS = ("overall_satisfaction",)
ADOPTION_DAYS = (30, 60, 90)
RESULT = pa.schema(
    [
        ("kpi", pa.string()),
        ("group", pa.string()),
        ("value", pa.float64()),
        ("numerator", pa.float64()),
        ("denominator", pa.float64()),
    ]
)


@dataclass(frozen=True)
class Kpi:
    """One KPI of the catalogue: its name, level, unit, definition and allowed groupings."""

    name: str
    label: str
    level: Level
    unit: Unit
    doc: str
    groupings: frozenset[str]


@dataclass(frozen=True)
class Source:
    """The rows a family of KPIs aggregates, and how those rows take touch groupings."""

    name: str
    build: Callable[[Scope], Any]
    attribution: Attribution


@dataclass(frozen=True)
class Definition:
    """How a KPI is computed: over which source, with which formula, at which scale."""

    source: str
    formula: Callable[[Scope, Any], Formula]
    scale: float


KPIS: dict[str, Kpi] = {}
SOURCES: dict[str, Source] = {}
DEFINITIONS: dict[str, Definition] = {}


def kpi_source(attribution: Attribution) -> Callable[[Callable[[Scope], Any]], Any]:
    """Return a decorator registering a function as the source named after it."""

    def register(build: Callable[[Scope], Any]) -> Callable[[Scope], Any]:
        SOURCES[build.__name__] = Source(build.__name__, build, attribution)
        return build

    return register


def kpi(
    *,
    label: str,
    level: Level,
    unit: Unit,
    source: str,
    groupings: Sequence[str] = GROUPINGS,
    scale: float = 1.0,
) -> Callable[[Callable[[Scope, Any], Formula]], Any]:
    """Return a decorator registering a formula as the KPI named after it."""

    def register(formula: Callable[[Scope, Any], Formula]) -> Callable[[Scope, Any], Formula]:
        name = formula.__name__
        doc = " ".join((inspect.getdoc(formula) or "").split())
        if not doc or name in KPIS or source not in SOURCES or set(groupings) - set(GROUPINGS):
            raise ValueError(f"KPI {name!r}: a docstring, new name, known source and groupings")
        KPIS[name] = Kpi(name, label, level, unit, doc, frozenset(groupings))
        DEFINITIONS[name] = Definition(source, formula, scale)
        return formula

    return register


@dataclass(frozen=True)
class Scope:
    """What one evaluation asks about: the tables, the period, the program and the grouping."""

    tables: Tables
    start: date
    end: date
    program_id: str | None = None
    by: str | None = None
    # Booked orders one row each (account_id, day since 1970-01-01, amount) when the caller
    # has them at hand, as a report does; else they are read from the order lines.
    orders: Any | None = None

    def day_range(self, column: Any) -> Any:
        """Return 'the date column falls in the period'."""
        return column.between(self.start, self.end)

    def time_range(self, column: Any) -> Any:
        """Return 'the timestamp column falls on a day of the period'."""
        after = datetime.combine(self.end + timedelta(days=1), time())
        return (column >= datetime.combine(self.start, time())) & (column < after)

    @cached_property
    def members(self) -> Any:
        """Return the program's accounts (as survivors), None for the whole base."""
        if self.program_id is None:
            return None
        mine = assigned_by(self.tables, self.program_id, self.end)
        return owned_by_survivor(mine.select("account_id"), self.tables)

    def owned(self, rows: Any) -> Any:
        """Return rows with their account's survivor, limited to the base."""
        owned = owned_by_survivor(rows, self.tables)
        return owned if self.members is None else owned.semi_join(self.members, "account_id")

    @cached_property
    def touches(self) -> Any:
        """Return the touches that count (the program's, or all), owned by survivors."""
        touches = self.tables["touches"]
        if self.program_id is not None:
            touches = touches.filter(touches.program_id == self.program_id)
        kept = (
            "touch_uid", "account_id", "status", "kpi", "planned_on", *MILESTONES,
            *TOUCH_COLUMNS.values(),
        )  # fmt: skip
        return owned_by_survivor(touches.select(*kept), self.tables)

    def grouped(self, rows: Any, attribution: Attribution) -> Any:
        """Return rows with a `group` column for the grouping asked (a row per group)."""
        by = self.by
        if by is None:
            return rows
        if by in ACCOUNT_COLUMNS:
            accounts = self.tables["accounts"]
            live = accounts.filter(accounts.merged_into.isnull())
            groups = live.select("account_id", group=live[ACCOUNT_COLUMNS[by]])
            return rows.join(groups, "account_id")
        if attribution == "record":
            dims = self.touches.select("touch_uid", *TOUCH_COLUMNS.values())
            rows, attribution = rows.join(dims, "touch_uid"), "touch"
        if attribution == "touch":
            return rows.mutate(group=rows[TOUCH_COLUMNS[by]])
        return rows.join(self._touched(TOUCH_COLUMNS[by]), "account_id")

    def _touched(self, column: str) -> Any:
        touches = self.touches
        got = touches.filter(self.day_range(touches.planned_on), ~touches.status.isin(NOT_RECEIVED))
        return got.select("account_id", group=got[column]).distinct()


def quarter_ends(start: date, end: date) -> list[tuple[date, date]]:
    """Return the first and last day of every calendar quarter the period touches."""
    first = date(start.year, 3 * ((start.month - 1) // 3) + 1, 1)
    quarters = []
    while first <= end:
        following = date(first.year + (first.month + 2) // 12, (first.month + 2) % 12 + 1, 1)
        quarters.append((first, following - timedelta(days=1)))
        first = following
    return quarters


# --- evaluation --------------------------------------------------------------------------


def evaluate_kpis(
    tables: Mapping[str, Any],
    *,
    start: date,
    end: date,
    program_id: str | None = None,
    by: str | None = None,
    names: Sequence[str] | None = None,
    orders: Any | None = None,
) -> pa.Table:
    """Return one row per KPI and group: kpi, group, value, numerator, denominator.

    `orders` are the booked orders of (at least) the period, one row per order with
    `account_id`, `day` (days since 1970-01-01) and `amount`, such as `report_orders`
    gives; without them, revenue reads the order lines.
    """
    if start > end:
        raise InputError(f"the period starts ({start}) after it ends ({end})")
    chosen = choose_kpis(names, by)
    if not chosen:
        return RESULT.empty_table()
    scope = Scope(tables, start, end, program_id, by, orders)
    plan: dict[str, list[str]] = {}
    for name in chosen:
        plan.setdefault(DEFINITIONS[name].source, []).append(name)
    width = max(len(together) for together in plan.values())
    branches = [
        _aggregate(scope, source, together, index, width)
        for index, (source, together) in enumerate(plan.items())
    ]
    found = (ibis.union(*branches) if len(branches) > 1 else branches[0]).to_pyarrow()
    return _unpivot(found, plan, chosen)


def choose_kpis(names: Sequence[str] | None, by: str | None) -> list[str]:
    """Return the KPIs to evaluate (without names, all that can be grouped as asked)."""
    if by is not None and by not in GROUPINGS:
        raise InputError(f"cannot group by {by!r}: use one of {', '.join(GROUPINGS)}")
    if names is None:
        return [name for name, found in KPIS.items() if by is None or by in found.groupings]
    unknown = [name for name in names if name not in KPIS]
    if unknown:
        listed = ", ".join(map(repr, unknown))
        raise InputError(f"unknown KPI {listed}: use one of {', '.join(KPIS)}")
    for name in names:
        allowed = [g for g in GROUPINGS if g in KPIS[name].groupings]
        if by is not None and by not in allowed:
            raise InputError(f"{name} cannot be grouped by {by}: use one of {', '.join(allowed)}")
    return list(dict.fromkeys(names))


def _aggregate(scope: Scope, source: str, names: list[str], index: int, width: int) -> Any:
    """Return one source's KPIs per group, in slots n0/d0, n1/d1, … padded to `width`."""
    found = SOURCES[source]
    rows = scope.grouped(found.build(scope), found.attribution)
    metrics = {}
    for slot, name in enumerate(names):
        numerator, denominator = DEFINITIONS[name].formula(scope, rows)
        metrics[f"n{slot}"] = numerator
        if denominator is not None:
            metrics[f"d{slot}"] = denominator
    if scope.by is None:
        summed = rows.aggregate(**metrics).mutate(group=ibis.null("string"))
    else:
        summed = rows.group_by("group").aggregate(**metrics)
    empty = ibis.null("float64")
    columns = {"source": ibis.literal(index, "int64"), "group": summed.group.cast("string")}
    for slot in range(width):
        for kind in "nd":
            name = f"{kind}{slot}"
            columns[name] = summed[name].cast("float64") if name in metrics else empty
    return summed.select(**columns)


def _unpivot(found: pa.Table, plan: dict[str, list[str]], chosen: list[str]) -> pa.Table:
    """Return the long result: one row per KPI and group, KPIs in the order asked."""
    parts: list[pa.Table] = []
    for index, together in enumerate(plan.values()):
        rows = found.filter(pc.equal(found["source"], index))
        parts.extend(_values(rows, name, slot) for slot, name in enumerate(together))
    result = pa.concat_tables(parts)
    order = pc.index_in(result["kpi"], pa.array(chosen))
    ranked = result.append_column("order", order)
    ranked = ranked.sort_by([("order", "ascending"), ("group", "ascending")])
    return ranked.drop_columns(["order"])


def _values(rows: pa.Table, name: str, slot: int) -> pa.Table:
    """Return one KPI's rows: the value is the numerator, or its ratio to the denominator."""
    numerator = pc.fill_null(rows[f"n{slot}"], 0.0)
    denominator = rows[f"d{slot}"]
    if KPIS[name].unit in ("count", "money"):
        value = numerator
    else:
        denominator = pc.fill_null(denominator, 0.0)
        defined = pc.greater(denominator, 0.0)
        scaled = pc.multiply(numerator, DEFINITIONS[name].scale)
        safe = pc.if_else(defined, denominator, 1.0)
        value = pc.if_else(defined, pc.divide(scaled, safe), pa.scalar(None, pa.float64()))
    kpis = pa.array([name] * rows.num_rows, pa.string())
    columns = [kpis, rows["group"], value, numerator, denominator]
    return pa.Table.from_arrays(columns, schema=RESULT)
