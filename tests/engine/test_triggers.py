"""Moments and cycles: Python and SQL agree on every day, month ends and leap days included."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import ibis
import pyarrow as pa
import pytest

from carecycle.engine.triggers import (
    add_months,
    anchor_bounds,
    cycle_expr,
    cycle_key,
    moment_expr,
    moment_on,
)
from carecycle.programs.model import Moment, parse_moment


def days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


@pytest.fixture(scope="module")
def con() -> Any:
    return ibis.duckdb.connect()


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2025, 1, 31), 1, date(2025, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2025, 3, 31), -1, date(2025, 2, 28)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2024, 2, 29), -12, date(2023, 2, 28)),
        (date(2024, 2, 29), 48, date(2028, 2, 29)),
        (date(2025, 5, 31), 1, date(2025, 6, 30)),
        (date(2025, 8, 31), -6, date(2025, 2, 28)),
        (date(2024, 12, 15), 1, date(2025, 1, 15)),
        (date(2025, 1, 15), -1, date(2024, 12, 15)),
        (date(2025, 1, 15), -13, date(2023, 12, 15)),
        (date(2025, 7, 10), 0, date(2025, 7, 10)),
        (date(2023, 10, 31), 36, date(2026, 10, 31)),
    ],
)
def test_add_months_clamps_to_the_last_day_of_the_month(
    day: date, months: int, expected: date
) -> None:
    assert add_months(day, months) == expected


def test_moment_on_adds_months_then_days() -> None:
    anchors: dict[str, date | None] = {
        "start": date(2025, 1, 29),
        "end": date(2025, 12, 31),
        "first_purchase": date(2023, 2, 28),
    }
    assert moment_on(parse_moment("start+1mo"), anchors) == date(2025, 2, 28)
    assert moment_on(parse_moment("end-90d"), anchors) == date(2025, 10, 2)
    assert moment_on(parse_moment("end-6mo"), anchors) == date(2025, 6, 30)
    assert moment_on(parse_moment("first_purchase+2w"), anchors) == date(2023, 3, 14)
    assert moment_on(parse_moment("end-1y"), anchors) == date(2024, 12, 31)
    assert moment_on(parse_moment("end"), anchors) == date(2025, 12, 31)
    # Months first: Jan 29 -> Feb 28 -> Mar 3 (days first would give Feb 1 -> Mar 1).
    assert moment_on(Moment("start", 1, 3), anchors) == date(2025, 3, 3)


def test_moment_of_an_unknown_anchor_is_unknown() -> None:
    assert moment_on(parse_moment("first_purchase+2w"), {"first_purchase": None}) is None
    assert moment_on(parse_moment("end-90d"), {"start": date(2025, 1, 1)}) is None


MOMENTS = [
    "start",
    "start+3d",
    "start+1mo",
    "start+6w",
    "start+13mo",
    "end-1mo",
    "end-6mo",
    "end-90d",
    "end-180d",
    "end-1y",
    "end+7d",
    "first_purchase+2w",
    "first_purchase-1mo",
]
ANCHOR_DAYS = days(date(2023, 12, 25), date(2025, 3, 5))  # two Februaries, a leap day


def cycles_table() -> Any:
    """Return a cycle per anchor day: starts, ends shifted by 17 days, some unknown purchases."""
    shifted = ANCHOR_DAYS[17:] + ANCHOR_DAYS[:17]
    purchases = [None if i % 5 == 0 else d for i, d in enumerate(reversed(ANCHOR_DAYS))]
    return ibis.memtable(
        pa.table(
            {
                "row": pa.array(range(len(ANCHOR_DAYS)), pa.int64()),
                "start_on": pa.array(ANCHOR_DAYS, pa.date32()),
                "end_on": pa.array(shifted, pa.date32()),
                "first_purchase": pa.array(purchases, pa.date32()),
            }
        )
    )


def anchors_of(row: dict[str, Any]) -> dict[str, date | None]:
    return {"start": row["start_on"], "end": row["end_on"], "first_purchase": row["first_purchase"]}


@pytest.mark.parametrize(
    "moment", [*map(parse_moment, MOMENTS), Moment("start", 1, 3), Moment("end", -1, -3)], ids=str
)
def test_moment_expr_on_duckdb_agrees_with_moment_on(con: Any, moment: Moment) -> None:
    table = cycles_table()
    rows = con.to_pyarrow(table.mutate(due=moment_expr(table, moment)).order_by("row")).to_pylist()
    assert len(rows) == len(ANCHOR_DAYS)
    for row in rows:
        assert row["due"] == moment_on(moment, anchors_of(row)), (str(moment), row)


@pytest.mark.parametrize(("months", "days"), [("start+1mo", "start+30d"), ("end-6mo", "end-180d")])
def test_moments_of_n_months_and_30n_days_stay_apart_in_one_query(
    con: Any, months: str, days: str
) -> None:
    table = cycles_table()
    by_months, by_days = parse_moment(months), parse_moment(days)
    both = table.mutate(m=moment_expr(table, by_months), d=moment_expr(table, by_days))
    for row in con.to_pyarrow(both.order_by("row")).to_pylist():
        assert (row["m"], row["d"]) == (
            moment_on(by_months, anchors_of(row)),
            moment_on(by_days, anchors_of(row)),
        )


@pytest.mark.parametrize(
    "text", ["start+1mo", "end-1mo", "end-6mo", "end-90d", "start+6w", "end-1y"]
)
def test_anchor_bounds_hold_every_anchor_whose_moment_falls_in_the_range(text: str) -> None:
    moment = parse_moment(text)
    anchors = days(date(2024, 1, 1), date(2025, 12, 31))
    for anchor in anchors:
        due = moment_on(moment, {moment.anchor: anchor})
        assert due is not None
        for earliest, latest in (
            (due, due),
            (due - timedelta(days=14), due),
            (due, due + timedelta(days=30)),
        ):
            low, high = anchor_bounds(moment, earliest, latest)
            assert low <= anchor <= high, (text, anchor, earliest, latest)


@pytest.mark.parametrize(
    "text", ["start+1mo", "end-1mo", "end-6mo", "end-90d", "start+6w", "end-1y"]
)
def test_anchor_bounds_are_only_a_little_wider_than_the_range(text: str) -> None:
    moment = parse_moment(text)
    for earliest in days(date(2024, 1, 1), date(2024, 12, 31)):
        for span in (0, 14):
            latest = earliest + timedelta(days=span)
            low, high = anchor_bounds(moment, earliest, latest)
            # Month ends may stretch the span by up to 3 days, plus 3 days each side.
            assert (high - low).days <= span + 3 + 6


def test_cycle_key_matches_cycle_expr(con: Any) -> None:
    ends = [date(2025, 12, 31), date(2026, 2, 28), date(2024, 2, 29), date(2027, 1, 1)]
    ids = ["AG-1", "AG-2", "协议-3", "AG-1"]
    table = ibis.memtable(
        pa.table(
            {
                "agreement_id": pa.array(ids, pa.string()),
                "end_on": pa.array(ends, pa.date32()),
                "row": pa.array(range(len(ids)), pa.int64()),
            }
        )
    )
    anchors = ("start", "end", "first_purchase")
    keyed = table.mutate(**{a: cycle_expr(table, a) for a in anchors}).order_by("row")
    rows = con.to_pyarrow(keyed).to_pylist()
    for row, agreement, end in zip(rows, ids, ends, strict=True):
        for anchor in anchors:
            assert row[anchor] == cycle_key(agreement, end, anchor)
    assert [row["end"] for row in rows] == [
        "AG-1@2025-12-31", "AG-2@2026-02-28", "协议-3@2024-02-29", "AG-1@2027-01-01",
    ]  # fmt: skip
    assert [row["start"] for row in rows] == ids
    assert {row["first_purchase"] for row in rows} == {"first-purchase"}


def test_an_extended_agreement_starts_a_fresh_end_cycle() -> None:
    before = cycle_key("AG-1", date(2025, 12, 31), "end")
    after = cycle_key("AG-1", date(2026, 6, 30), "end")
    assert before != after
    assert cycle_key("AG-1", date(2025, 12, 31), "start") == cycle_key(
        "AG-1", date(2026, 6, 30), "start"
    )
