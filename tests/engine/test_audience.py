"""Conditions compiled to Ibis and run on DuckDB: unknown facts fail their comparison."""

from __future__ import annotations

from datetime import date
from typing import Any

import ibis
import pyarrow as pa
import pytest

from carecycle.engine.audience import FactNeeds, column_of, compile_condition
from carecycle.programs.conditions import (
    Compare,
    HasContact,
    Received,
    leaves,
    parse_condition,
)

# a: an SA customer on EA, growing orders, falling usage, got the welcome call.
# b: an Open License customer without SA, no orders, no usage snapshot.
# c: nothing known but usage.
CYCLES = pa.table(
    {
        "id": ["a", "b", "c"],
        "agreement__sa": [True, False, None],
        "agreement__program": ["ea", "open_license", None],
        "orders__count": [3, 0, None],
        "usage__trend": [-0.3, None, 0.1],
        "agreement__end_on": [date(2025, 6, 30), date(2025, 12, 31), None],
        "score__health__band": ["low", "high", None],
        "received__0": [True, False, False],
        "received__1": [False, True, False],
        "has_contact__0": [False, True, True],
    },
    schema=pa.schema(
        [
            ("id", pa.string()),
            ("agreement__sa", pa.bool_()),
            ("agreement__program", pa.string()),
            ("orders__count", pa.int64()),
            ("usage__trend", pa.float64()),
            ("agreement__end_on", pa.date32()),
            ("score__health__band", pa.string()),
            ("received__0", pa.bool_()),
            ("received__1", pa.bool_()),
            ("has_contact__0", pa.bool_()),
        ]
    ),
)


@pytest.fixture(scope="module")
def con() -> Any:
    return ibis.duckdb.connect()


def matching(con: Any, raw: object) -> list[str]:
    """Return the ids whose row the condition holds for, checking it is never null."""
    condition = parse_condition(raw)
    table = ibis.memtable(CYCLES)
    needs = FactNeeds.of(leaves(condition))
    result = con.to_pyarrow(
        table.select("id", holds=compile_condition(condition, table, needs)).order_by("id")
    ).to_pylist()
    assert None not in [row["holds"] for row in result], raw
    return [row["id"] for row in result if row["holds"]]


def test_fact_column_names_replace_dots_with_double_underscores() -> None:
    assert column_of("agreement.sa") == "agreement__sa"
    assert column_of("score.health.band") == "score__health__band"


def test_fact_needs_number_received_and_has_contact_tests_in_order() -> None:
    condition = parse_condition(
        {
            "any": [
                {"received": "welcome_call"},
                {"has_contact": {"contact.role": "IT"}},
                {"received": {"touch": "core_io", "cycle": "this"}},
                {"not": {"received": "welcome_call"}},
            ],
            "score.health": {"lt": 40},
            "agreement.sa": True,
        }
    )
    needs = FactNeeds.of(leaves(condition))
    assert needs.received == (Received("welcome_call"), Received("core_io", cycle="this"))
    assert needs.column(Received("welcome_call")) == "received__0"
    assert needs.column(Received("core_io", cycle="this")) == "received__1"
    assert needs.column(HasContact((Compare("contact.role", "eq", "IT"),))) == "has_contact__0"
    assert needs.facts == {"score.health", "agreement.sa"}
    assert needs.namespaces() == {"score.health", "agreement"}


@pytest.mark.parametrize(
    ("raw", "ids"),
    [
        ({"agreement.sa": True}, ["a"]),
        ({"not": {"agreement.sa": True}}, ["b", "c"]),
        ({"agreement.sa": False}, ["b"]),
        ({"not": {"agreement.sa": False}}, ["a", "c"]),
        ({"agreement.program": {"ne": "ea"}}, ["b"]),
        ({"not": {"agreement.program": {"ne": "ea"}}}, ["a", "c"]),
        ({"usage.trend": {"lt": -0.2}}, ["a"]),
        ({"not": {"usage.trend": {"lt": -0.2}}}, ["b", "c"]),
        ({"orders.count": {"ge": 0}}, ["a", "b"]),
        ({"not": {"orders.count": {"ge": 0}}}, ["c"]),
    ],
)
def test_unknown_fact_fails_its_comparison_so_its_not_holds(
    con: Any, raw: object, ids: list[str]
) -> None:
    assert matching(con, raw) == ids


@pytest.mark.parametrize(
    ("raw", "ids"),
    [
        ({"orders.count": 3}, ["a"]),
        ({"orders.count": {"lt": 3}}, ["b"]),
        ({"orders.count": {"le": 3}}, ["a", "b"]),
        ({"orders.count": {"gt": 0}}, ["a"]),
        ({"usage.trend": {"gt": -0.3}}, ["c"]),
        ({"usage.trend": {"ge": -0.3}}, ["a", "c"]),
        ({"agreement.end_on": {"lt": date(2025, 7, 1)}}, ["a"]),
        ({"agreement.end_on": {"ge": date(2025, 7, 1)}}, ["b"]),
        ({"score.health.band": "high"}, ["b"]),
    ],
)
def test_ordered_comparisons_on_numbers_and_dates(con: Any, raw: object, ids: list[str]) -> None:
    assert matching(con, raw) == ids


@pytest.mark.parametrize(
    ("raw", "ids"),
    [
        ({"usage.trend": {"exists": True}}, ["a", "c"]),
        ({"usage.trend": {"exists": False}}, ["b"]),
        ({"agreement.sa": {"exists": True}}, ["a", "b"]),
        ({"not": {"agreement.sa": {"exists": True}}}, ["c"]),
    ],
)
def test_exists_asks_whether_the_fact_is_known(con: Any, raw: object, ids: list[str]) -> None:
    assert matching(con, raw) == ids


@pytest.mark.parametrize(
    ("raw", "ids"),
    [
        ({"agreement.program": {"in": ["ea", "olv"]}}, ["a"]),
        ({"agreement.program": {"in": ["ea", "open_license"]}}, ["a", "b"]),
        ({"agreement.program": {"not_in": ["ea"]}}, ["b"]),
        ({"not": {"agreement.program": {"in": ["ea"]}}}, ["b", "c"]),
        ({"not": {"agreement.program": {"not_in": ["ea"]}}}, ["a", "c"]),
    ],
)
def test_in_and_not_in_fail_on_an_unknown_fact(con: Any, raw: object, ids: list[str]) -> None:
    assert matching(con, raw) == ids


@pytest.mark.parametrize(
    ("raw", "ids"),
    [
        ({"orders.count": {"between": [0, 3]}}, ["a", "b"]),
        ({"orders.count": {"between": [1, 2]}}, []),
        ({"orders.count": {"between": [3, 3]}}, ["a"]),
        ({"usage.trend": {"between": [-0.3, 0.0]}}, ["a"]),
        (
            {"agreement.end_on": {"between": [date(2025, 6, 30), date(2025, 12, 30)]}},
            ["a"],
        ),
        (
            {"agreement.end_on": {"between": [date(2025, 7, 1), date(2025, 12, 31)]}},
            ["b"],
        ),
        ({"not": {"orders.count": {"between": [1, 5]}}}, ["b", "c"]),
    ],
)
def test_between_includes_both_ends(con: Any, raw: object, ids: list[str]) -> None:
    assert matching(con, raw) == ids


@pytest.mark.parametrize(
    ("raw", "ids"),
    [
        ({"all": [{"agreement.sa": True}, {"orders.count": {"ge": 1}}]}, ["a"]),
        ({"agreement.sa": False, "orders.count": {"ge": 1}}, []),
        ({"any": [{"agreement.sa": False}, {"usage.trend": {"gt": 0}}]}, ["b", "c"]),
        ({"any": [{"agreement.sa": True}, {"agreement.sa": False}]}, ["a", "b"]),
        ({"not": {"any": [{"agreement.sa": True}, {"agreement.sa": False}]}}, ["c"]),
        ({"not": {"all": [{"agreement.sa": True}, {"orders.count": 3}]}}, ["b", "c"]),
        (
            {
                "any": [
                    {"all": [{"agreement.sa": True}, {"usage.trend": {"lt": 0}}]},
                    {"agreement.program": "open_license"},
                ]
            },
            ["a", "b"],
        ),
        (None, ["a", "b", "c"]),
    ],
)
def test_all_and_any_combine_the_parts(con: Any, raw: object, ids: list[str]) -> None:
    assert matching(con, raw) == ids


@pytest.mark.parametrize(
    ("raw", "ids"),
    [
        ({"received": "welcome_call"}, ["a"]),
        ({"not": {"received": "welcome_call"}}, ["b", "c"]),
        (
            {"any": [{"received": "welcome_call"}, {"received": {"touch": "x", "cycle": "this"}}]},
            ["a", "b"],
        ),
        ({"received": "welcome_call", "has_contact": {"contact.role": "IT"}}, []),
        ({"has_contact": {"contact.role": "IT"}}, ["b", "c"]),
        ({"has_contact": {"contact.role": "IT"}, "agreement.sa": {"exists": True}}, ["b"]),
    ],
)
def test_received_and_has_contact_read_their_own_columns(
    con: Any, raw: object, ids: list[str]
) -> None:
    assert matching(con, raw) == ids
