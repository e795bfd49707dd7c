"""The condition language: how YAML becomes a tree, what it refuses and where it says so."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from carecycle.programs.conditions import (
    ALWAYS,
    All,
    AnyOf,
    Compare,
    ConditionError,
    HasContact,
    Not,
    Received,
    describe,
    fact_of,
    leaves,
    parse_condition,
    parse_days,
)


def refusal(raw: Any) -> ConditionError:
    with pytest.raises(ConditionError) as caught:
        parse_condition(raw)
    return caught.value


# Structure: all, any, not, several keys, lists, nothing.


def test_one_key_is_the_test_itself() -> None:
    assert parse_condition({"agreement.sa": True}) == Compare("agreement.sa", "eq", True)


def test_several_keys_in_one_mapping_must_all_hold() -> None:
    assert parse_condition({"agreement.sa": True, "orders.count": {"ge": 1}}) == All(
        (Compare("agreement.sa", "eq", True), Compare("orders.count", "ge", 1))
    )


def test_a_list_of_conditions_means_all_of_them() -> None:
    assert parse_condition([{"agreement.sa": True}, {"cases.open": 0}]) == All(
        (Compare("agreement.sa", "eq", True), Compare("cases.open", "eq", 0))
    )


def test_all_any_and_not_build_the_tree_they_name() -> None:
    raw = {
        "all": [
            {"agreement.sa": True},
            {"any": [{"orders.count": {"ge": 1}}, {"agreement.program": "ea"}]},
            {"not": {"usage.trend": {"lt": -0.2}}},
        ]
    }
    assert parse_condition(raw) == All(
        (
            Compare("agreement.sa", "eq", True),
            AnyOf((Compare("orders.count", "ge", 1), Compare("agreement.program", "eq", "ea"))),
            Not(Compare("usage.trend", "lt", -0.2)),
        )
    )


def test_not_of_several_keys_negates_their_conjunction() -> None:
    assert parse_condition({"not": {"agreement.sa": True, "cases.open": 0}}) == Not(
        All((Compare("agreement.sa", "eq", True), Compare("cases.open", "eq", 0)))
    )


def test_missing_condition_always_holds() -> None:
    assert parse_condition(None) == ALWAYS == All(())
    assert describe(ALWAYS) == "always"
    assert leaves(ALWAYS) == []


@pytest.mark.parametrize("raw", [{"all": []}, {"any": []}, {"any": {"agreement.sa": True}}])
def test_all_and_any_need_a_non_empty_list(raw: dict[str, Any]) -> None:
    error = refusal(raw)
    key = next(iter(raw))
    assert error.path == (key,)
    assert f"'{key}' needs a non-empty list" in str(error)


def test_a_condition_that_is_not_a_mapping_is_refused() -> None:
    error = refusal({"any": [{"agreement.sa": True}, "agreement.sa"]})
    assert error.path == ("any", 1)
    assert "expected a mapping of conditions" in str(error)


# Comparisons: shorthand equality and each operator.


def test_a_plain_value_is_shorthand_for_equality() -> None:
    assert parse_condition({"account.size": "small"}) == Compare("account.size", "eq", "small")
    assert parse_condition({"account.size": {"eq": "small"}}) == Compare(
        "account.size", "eq", "small"
    )


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ({"account.size": {"eq": "small"}}, Compare("account.size", "eq", "small")),
        ({"account.size": {"ne": "micro"}}, Compare("account.size", "ne", "micro")),
        (
            {"agreement.program": {"in": ["ea", "olv"]}},
            Compare("agreement.program", "in", ("ea", "olv")),
        ),
        (
            {"agreement.program": {"not_in": ["subscription"]}},
            Compare("agreement.program", "not_in", ("subscription",)),
        ),
        ({"usage.trend": {"lt": -0.2}}, Compare("usage.trend", "lt", -0.2)),
        ({"orders.count": {"le": 3}}, Compare("orders.count", "le", 3)),
        ({"usage.utilisation": {"gt": 0.8}}, Compare("usage.utilisation", "gt", 0.8)),
        ({"account.employees": {"ge": 50}}, Compare("account.employees", "ge", 50)),
        (
            {"agreement.days_to_end": {"between": [-30, 90]}},
            Compare("agreement.days_to_end", "between", (-30, 90)),
        ),
        (
            {"agreement.end_on": {"between": [date(2025, 1, 1), date(2025, 12, 31)]}},
            Compare("agreement.end_on", "between", (date(2025, 1, 1), date(2025, 12, 31))),
        ),
        ({"usage.trend": {"exists": True}}, Compare("usage.trend", "exists", True)),
        ({"agreement.sa": {"exists": False}}, Compare("agreement.sa", "exists", False)),
        (
            {"orders.last_on": {"lt": date(2024, 7, 1)}},
            Compare("orders.last_on", "lt", date(2024, 7, 1)),
        ),
    ],
)
def test_each_operator_becomes_a_comparison(raw: dict[str, Any], expected: Compare) -> None:
    assert parse_condition(raw) == expected


def test_score_facts_name_any_score_and_its_band() -> None:
    assert parse_condition({"score.health": {"lt": 40}}) == Compare("score.health", "lt", 40)
    assert parse_condition({"score.churn_risk.band": "high"}) == Compare(
        "score.churn_risk.band", "eq", "high"
    )
    number, band = fact_of("score.health"), fact_of("score.health.band")
    assert number is not None
    assert band is not None
    assert (number.kind, band.kind) == ("number", "text")
    assert fact_of("score.health.value") is None
    assert fact_of("score.Health") is None


def test_a_text_fact_reads_a_bare_number_as_text() -> None:
    assert parse_condition({"account.industry": 62}) == Compare("account.industry", "eq", "62")


# Errors: the message says what is wrong, the path says where.


def test_unknown_fact_is_refused_with_its_path() -> None:
    error = refusal({"any": [{"agreement.sa": True}, {"agreement.colour": "red"}]})
    assert error.path == ("any", 1, "agreement.colour")
    assert "unknown fact 'agreement.colour'" in str(error)


def test_unknown_operator_is_refused_and_the_known_ones_listed() -> None:
    error = refusal({"all": [{"orders.count": {"gte": 1}}]})
    assert error.path == ("all", 0, "orders.count")
    assert "unknown operator 'gte'" in str(error)
    assert "eq, ne, in, not_in, lt, le, gt, ge, between, exists" in str(error)


def test_two_operators_on_one_fact_are_refused() -> None:
    error = refusal({"orders.count": {"ge": 1, "le": 3}})
    assert error.path == ("orders.count",)
    assert "give one operator for 'orders.count', got ['ge', 'le']" in str(error)


def test_value_outside_the_vocabulary_is_refused_at_its_operator() -> None:
    error = refusal({"agreement.program": {"in": ["open_license", "opn_license"]}})
    assert error.path == ("agreement.program", "in")
    assert "'opn_license'" in str(error)
    assert "open_license, open_value, select, ea, olv, subscription" in str(error)


def test_shorthand_value_outside_the_vocabulary_is_refused_at_its_fact() -> None:
    error = refusal({"not": {"account.language": "fr"}})
    assert error.path == ("not", "account.language")
    assert "'account.language' is one of en, zh, not 'fr'" in str(error)


@pytest.mark.parametrize(
    ("raw", "path", "kind"),
    [
        ({"agreement.sa": "yes"}, ("agreement.sa",), "bool"),
        ({"agreement.sa": 1}, ("agreement.sa",), "bool"),
        ({"orders.count": "3"}, ("orders.count",), "number"),
        ({"orders.count": {"ge": True}}, ("orders.count", "ge"), "number"),
        ({"agreement.end_on": {"lt": "2025-01-01"}}, ("agreement.end_on", "lt"), "date"),
        ({"account.region": True}, ("account.region",), "text"),
        ({"usage.trend": {"between": [-1, "0"]}}, ("usage.trend", "between"), "number"),
    ],
)
def test_value_of_the_wrong_type_is_refused(
    raw: dict[str, Any], path: tuple[str, ...], kind: str
) -> None:
    error = refusal(raw)
    assert error.path == path
    assert f"is a {kind} fact" in str(error)


@pytest.mark.parametrize(
    ("raw", "kind"),
    [
        ({"account.region": {"lt": "M"}}, "text"),
        ({"account.size": {"between": ["micro", "medium"]}}, "text"),
        ({"agreement.sa": {"gt": False}}, "bool"),
    ],
)
def test_ordered_operator_on_text_or_bool_is_refused(raw: dict[str, Any], kind: str) -> None:
    error = refusal(raw)
    fact = next(iter(raw))
    op = next(iter(raw[fact]))
    assert error.path == (fact,)
    assert f"'{op}' needs a number or date fact; '{fact}' is {kind}" in str(error)


@pytest.mark.parametrize(
    ("operand", "message"),
    [
        ([1], "'between' needs two values: [low, high]"),
        ([1, 2, 3], "'between' needs two values: [low, high]"),
        ([], "'between' needs a non-empty list"),
        (5, "'between' needs a non-empty list"),
    ],
)
def test_between_needs_exactly_two_values(operand: Any, message: str) -> None:
    error = refusal({"orders.count": {"between": operand}})
    assert error.path == ("orders.count", "between")
    assert message in str(error)


@pytest.mark.parametrize("operand", [[], "small"])
def test_in_needs_a_non_empty_list(operand: Any) -> None:
    error = refusal({"account.size": {"in": operand}})
    assert error.path == ("account.size", "in")
    assert "'in' needs a non-empty list" in str(error)


def test_exists_takes_true_or_false_only() -> None:
    error = refusal({"usage.trend": {"exists": "yes"}})
    assert error.path == ("usage.trend", "exists")
    assert "'exists' takes true or false" in str(error)


def test_contact_fact_outside_has_contact_is_refused() -> None:
    error = refusal({"all": [{"contact.role": "IT"}]})
    assert error.path == ("all", 0, "contact.role")
    assert "use it under has_contact" in str(error)


# received


def test_received_as_a_string_names_a_touch_of_this_program_in_any_cycle() -> None:
    assert parse_condition({"received": "welcome_call"}) == Received("welcome_call")
    assert Received("welcome_call") == Received("welcome_call", None, "any", (), None)


def test_received_as_a_mapping_takes_program_cycle_status_and_within() -> None:
    raw = {
        "received": {
            "touch": "renewal_call",
            "program": "subscription-lifecycle",
            "cycle": "other",
            "status": ["completed", "responded"],
            "within": "2w",
        }
    }
    assert parse_condition(raw) == Received(
        touch="renewal_call",
        program="subscription-lifecycle",
        cycle="other",
        statuses=("completed", "responded"),
        within_days=14,
    )


def test_received_status_may_be_a_single_word() -> None:
    raw = {"received": {"touch": "welcome_call", "cycle": "this", "status": "completed"}}
    assert parse_condition(raw) == Received("welcome_call", cycle="this", statuses=("completed",))


@pytest.mark.parametrize(
    ("within", "days"), [("30d", 30), ("2w", 14), ("6mo", 180), ("1y", 365), (" 10d ", 10)]
)
def test_received_within_counts_months_as_30_days_and_years_as_365(within: str, days: int) -> None:
    parsed = parse_condition({"received": {"touch": "t", "within": within}})
    assert isinstance(parsed, Received)
    assert parsed.within_days == days


@pytest.mark.parametrize(
    ("value", "path", "message"),
    [
        ({"program": "x"}, ("received",), "'received' needs a touch id"),
        (["welcome_call"], ("received",), "'received' needs a touch id"),
        ({"touch": "t", "when": "x"}, ("received",), "does not take ['when']"),
        ({"touch": "t", "cycle": "last"}, ("received", "cycle"), "'any', 'this' or 'other'"),
        ({"touch": "t", "status": ["done"]}, ("received", "status"), "unknown touch status"),
        ({"touch": "t", "within": "30 days"}, ("received", "within"), "expected a duration"),
    ],
)
def test_bad_received_is_refused_where_it_goes_wrong(
    value: Any, path: tuple[str, ...], message: str
) -> None:
    error = refusal({"not": {"received": value}})
    assert error.path == ("not", *path)
    assert message in str(error)


@pytest.mark.parametrize("text", ["30 days", "d30", "-3d", "1.5w", "3m", "", "7"])
def test_bad_duration_is_refused(text: str) -> None:
    with pytest.raises(ConditionError) as caught:
        parse_days(text, ("grace",))
    assert caught.value.path == ("grace",)
    assert f"got {text!r}" in str(caught.value)


# has_contact


def test_has_contact_asks_for_one_contact_matching_every_comparison() -> None:
    raw = {"has_contact": {"contact.role": "IT", "contact.language": {"in": ["zh"]}}}
    assert parse_condition(raw) == HasContact(
        (Compare("contact.role", "eq", "IT"), Compare("contact.language", "in", ("zh",)))
    )


@pytest.mark.parametrize(
    ("value", "path", "message"),
    [
        ({}, ("has_contact",), "'has_contact' needs contact facts"),
        ("IT", ("has_contact",), "'has_contact' needs contact facts"),
        (
            {"contact.role": "IT", "agreement.sa": True},
            ("has_contact", "agreement.sa"),
            "'agreement.sa' is not a contact fact",
        ),
        (
            {"contact.preferred_channel": "fax"},
            ("has_contact", "contact.preferred_channel"),
            "not 'fax'",
        ),
        ({"contact.title": "CTO"}, ("has_contact", "contact.title"), "unknown fact"),
    ],
)
def test_bad_has_contact_is_refused_where_it_goes_wrong(
    value: Any, path: tuple[str, ...], message: str
) -> None:
    error = refusal({"has_contact": value})
    assert error.path == path
    assert message in str(error)


def test_condition_error_is_a_value_error() -> None:
    assert isinstance(refusal({"agreement.colour": 1}), ValueError)


# describe and leaves


def test_describe_reads_as_one_line_with_groups_in_parentheses() -> None:
    condition = parse_condition(
        {
            "all": [
                {"agreement.sa": True},
                {
                    "any": [
                        {"orders.count": {"ge": 1}},
                        {"agreement.program": {"in": ["ea", "olv"]}},
                    ]
                },
                {"not": {"received": {"touch": "welcome_call", "cycle": "other"}}},
            ]
        }
    )
    assert describe(condition) == (
        "agreement.sa = true and (orders.count ≥ 1 or agreement.program in [ea, olv])"
        " and not received welcome_call in an earlier cycle"
    )


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        ({"agreement.sa": False}, "agreement.sa = false"),
        ({"account.size": {"ne": "micro"}}, "account.size ≠ micro"),
        ({"usage.trend": {"lt": -0.2}}, "usage.trend < -0.2"),
        ({"orders.count": {"le": 3}}, "orders.count ≤ 3"),
        ({"usage.utilisation": {"gt": 0.8}}, "usage.utilisation > 0.8"),
        ({"account.employees": {"ge": 50}}, "account.employees ≥ 50"),
        ({"agreement.days_to_end": {"between": [0, 90]}}, "agreement.days_to_end between 0 and 90"),
        ({"usage.trend": {"exists": True}}, "usage.trend is known"),
        ({"usage.trend": {"exists": False}}, "usage.trend is unknown"),
        ({"agreement.program": {"not_in": ["ea", "olv"]}}, "agreement.program not in [ea, olv]"),
        (
            {"agreement.end_on": {"lt": date(2025, 7, 1)}},
            "agreement.end_on < 2025-07-01",
        ),
        ({"received": "welcome_call"}, "received welcome_call"),
        (
            {
                "received": {
                    "touch": "welcome_call",
                    "cycle": "this",
                    "status": ["completed", "responded"],
                    "within": "2w",
                }
            },
            "received welcome_call (completed/responded) in this cycle within 14d",
        ),
        (
            {"has_contact": {"contact.role": "IT", "contact.language": "zh"}},
            "has a contact with contact.role = IT and contact.language = zh",
        ),
        (
            {"not": {"agreement.sa": True, "cases.open": 0}},
            "not (agreement.sa = true and cases.open = 0)",
        ),
        ({"any": [{"agreement.sa": True}]}, "agreement.sa = true"),
    ],
)
def test_describe_gives_readable_text(raw: dict[str, Any], text: str) -> None:
    assert describe(parse_condition(raw)) == text


def test_leaves_are_listed_depth_first_in_file_order() -> None:
    condition = parse_condition(
        {
            "any": [
                {"not": {"received": "welcome_call"}},
                {"all": [{"agreement.sa": True}, {"has_contact": {"contact.role": "IT"}}]},
            ],
            "orders.count": {"ge": 1},
        }
    )
    assert leaves(condition) == [
        Received("welcome_call"),
        Compare("agreement.sa", "eq", True),
        HasContact((Compare("contact.role", "eq", "IT"),)),
        Compare("orders.count", "ge", 1),
    ]
