"""The condition language of audiences and eligibility: a tree parsed from YAML, never eval'd.

A condition is a mapping. `all`, `any` and `not` combine conditions; `received` asks
whether the account already got a touch; `has_contact` asks whether one of its contacts
matches; every other key is a fact (`agreement.sa`, `usage.trend`, `score.health.band`)
compared with a value (`true`, `{in: [...]}`, `{lt: -0.2}`). Several keys in one mapping
must all hold. The engine compiles the tree to Ibis; nothing here touches data.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from carecycle.store.schema import (
    ACCOUNT_SIZES,
    CHANNELS,
    LANGUAGES,
    LICENCE_PROGRAMS,
    TOUCH_STATUSES,
)

Kind = Literal["text", "number", "date", "bool"]
OPERATORS = ("eq", "ne", "in", "not_in", "lt", "le", "gt", "ge", "between", "exists")
ORDERED = ("lt", "le", "gt", "ge", "between")
_SCORE = re.compile(r"^score\.(?P<name>[a-z][a-z0-9_]*)(?:\.(?P<part>band))?$")
_DURATION = re.compile(r"^(?P<n>\d+)(?P<unit>d|w|mo|y)$")


@dataclass(frozen=True)
class Fact:
    """One fact a condition can ask about: its kind, allowed values and meaning."""

    kind: Kind
    doc: str
    vocab: tuple[str, ...] | None = None


FACTS: dict[str, Fact] = {
    "account.size": Fact("text", "company size band", ACCOUNT_SIZES),
    "account.employees": Fact("number", "number of employees"),
    "account.industry": Fact("text", "industry"),
    "account.region": Fact("text", "sales region"),
    "account.city": Fact("text", "city"),
    "account.country": Fact("text", "ISO country code"),
    "account.language": Fact("text", "preferred language", LANGUAGES),
    "account.segment": Fact("text", "segment name"),
    "account.partner_id": Fact("text", "the partner serving the account"),
    "account.created_on": Fact("date", "when the account was created"),
    "agreement.program": Fact("text", "licence program", LICENCE_PROGRAMS),
    "agreement.sa": Fact("bool", "the agreement carries Software Assurance"),
    "agreement.start_on": Fact("date", "first day of the agreement"),
    "agreement.end_on": Fact("date", "last day of the agreement"),
    "agreement.value": Fact("number", "agreement value"),
    "agreement.partner_id": Fact("text", "the partner that sold the agreement"),
    "agreement.renewal": Fact("bool", "the agreement renews an earlier one"),
    "agreement.term_months": Fact("number", "whole months from start to end"),
    "agreement.months_since_start": Fact("number", "whole months from start to as_of"),
    "agreement.days_to_end": Fact("number", "days from as_of to the end (negative once ended)"),
    "orders.count": Fact("number", "booked orders up to as_of"),
    "orders.count_12m": Fact("number", "booked orders in the 365 days up to as_of"),
    "orders.revenue": Fact("number", "booked order-line amounts up to as_of"),
    "orders.revenue_12m": Fact("number", "booked order-line amounts in the last 365 days"),
    "orders.products": Fact("number", "distinct products ever bought"),
    "orders.first_on": Fact("date", "date of the first booked order"),
    "orders.last_on": Fact("date", "date of the latest booked order"),
    "orders.days_since_last": Fact("number", "days from the latest booked order to as_of"),
    "usage.seats": Fact("number", "licensed seats in the latest usage snapshot"),
    "usage.active_users": Fact("number", "active users in the latest usage snapshot"),
    "usage.utilisation": Fact("number", "active users / seats in the latest snapshot (0–1)"),
    "usage.trend": Fact(
        "number", "relative change of active users against the snapshot ≥ 90 days older"
    ),
    "cases.open": Fact("number", "support cases not resolved by as_of"),
    "cases.complaints_90d": Fact("number", "complaints opened in the 90 days up to as_of"),
    "cases.issues_90d": Fact("number", "issues opened in the 90 days up to as_of"),
    "contacts.count": Fact("number", "live contacts of the account"),
    "contact.role": Fact("text", "the contact's role"),
    "contact.language": Fact("text", "the contact's language", LANGUAGES),
    "contact.preferred_channel": Fact("text", "the channel the contact asked for", CHANNELS),
}
CONTACT_PREFIX = "contact."
SCORE_DOC = "score.NAME is the latest value of score NAME up to as_of; score.NAME.band its band"


class ConditionError(ValueError):
    """A condition that cannot be understood; `path` says where in the tree."""

    def __init__(self, path: tuple[str | int, ...], message: str) -> None:
        super().__init__(message)
        self.path = path


@dataclass(frozen=True)
class Compare:
    """A fact compared with a value."""

    fact: str
    op: str
    value: Any


@dataclass(frozen=True)
class Received:
    """The account already got a touch (of this program unless another is named)."""

    touch: str
    program: str | None = None
    cycle: Literal["any", "this", "other"] = "any"
    statuses: tuple[str, ...] = ()
    within_days: int | None = None


@dataclass(frozen=True)
class HasContact:
    """At least one live contact of the account matches every comparison."""

    where: tuple[Compare, ...]


@dataclass(frozen=True)
class All:
    """Every part holds (an empty All always holds)."""

    parts: tuple[Condition, ...]


@dataclass(frozen=True)
class AnyOf:
    """At least one part holds."""

    parts: tuple[Condition, ...]


@dataclass(frozen=True)
class Not:
    """The part does not hold."""

    part: Condition


Condition = Compare | Received | HasContact | All | AnyOf | Not
ALWAYS = All(())


def fact_of(name: str) -> Fact | None:
    """Return the fact a name denotes, score facts included, or None."""
    if name in FACTS:
        return FACTS[name]
    match = _SCORE.match(name)
    if match is None:
        return None
    if match["part"]:
        return Fact("text", f"band of score {match['name']}")
    return Fact("number", f"latest value of score {match['name']}")


def parse_days(text: object, path: tuple[str | int, ...]) -> int:
    """Return a duration like `30d`, `2w`, `6mo` or `1y` in days (months are 30, years 365)."""
    match = _DURATION.match(str(text).strip())
    if match is None:
        raise ConditionError(path, f"expected a duration like 30d, 2w, 6mo or 1y, got {text!r}")
    per = {"d": 1, "w": 7, "mo": 30, "y": 365}[match["unit"]]
    return int(match["n"]) * per


def parse_condition(raw: object, path: tuple[str | int, ...] = ()) -> Condition:
    """Return the condition tree a YAML value describes, or raise ConditionError."""
    if raw is None:
        return ALWAYS
    if isinstance(raw, list):
        return All(tuple(parse_condition(item, (*path, i)) for i, item in enumerate(raw)))
    if not isinstance(raw, Mapping):
        raise ConditionError(path, f"expected a mapping of conditions, got {raw!r}")
    parts = [_parse_key(str(key), value, (*path, str(key))) for key, value in raw.items()]
    return parts[0] if len(parts) == 1 else All(tuple(parts))


def _parse_key(key: str, value: object, path: tuple[str | int, ...]) -> Condition:
    if key in ("all", "any"):
        if not isinstance(value, list) or not value:
            raise ConditionError(path, f"'{key}' needs a non-empty list of conditions")
        parts = tuple(parse_condition(item, (*path, i)) for i, item in enumerate(value))
        return All(parts) if key == "all" else AnyOf(parts)
    if key == "not":
        return Not(parse_condition(value, path))
    if key == "received":
        return _parse_received(value, path)
    if key == "has_contact":
        return _parse_has_contact(value, path)
    if key.startswith(CONTACT_PREFIX):
        raise ConditionError(path, f"'{key}' is a contact fact: use it under has_contact")
    return parse_compare(key, value, path)


def parse_compare(name: str, value: object, path: tuple[str | int, ...]) -> Compare:
    """Return a comparison of fact `name`, checking the operator and value types."""
    fact = fact_of(name)
    if fact is None:
        raise ConditionError(path, f"unknown fact '{name}' (see docs/programs.md for the list)")
    if not isinstance(value, Mapping):
        return Compare(name, "eq", _typed(fact, name, value, path))
    if len(value) != 1:
        raise ConditionError(path, f"give one operator for '{name}', got {sorted(value)}")
    op, operand = next(iter(value.items()))
    if op not in OPERATORS:
        raise ConditionError(path, f"unknown operator '{op}' (one of {', '.join(OPERATORS)})")
    if op in ORDERED and fact.kind in ("text", "bool"):
        raise ConditionError(path, f"'{op}' needs a number or date fact; '{name}' is {fact.kind}")
    return Compare(name, op, _operand(fact, name, op, operand, (*path, op)))


def _operand(fact: Fact, name: str, op: str, operand: object, path: tuple[str | int, ...]) -> Any:
    if op == "exists":
        if not isinstance(operand, bool):
            raise ConditionError(path, "'exists' takes true or false")
        return operand
    if op in ("in", "not_in", "between"):
        if not isinstance(operand, list) or not operand:
            raise ConditionError(path, f"'{op}' needs a non-empty list")
        if op == "between" and len(operand) != 2:
            raise ConditionError(path, "'between' needs two values: [low, high]")
        return tuple(_typed(fact, name, item, path) for item in operand)
    return _typed(fact, name, operand, path)


def _typed(fact: Fact, name: str, value: object, path: tuple[str | int, ...]) -> Any:
    if fact.kind == "bool" and isinstance(value, bool):
        return value
    if fact.kind == "number" and isinstance(value, int | float) and not isinstance(value, bool):
        return value
    if fact.kind == "date" and isinstance(value, date):
        return value
    if fact.kind == "text" and isinstance(value, str | int) and not isinstance(value, bool):
        text = str(value)
        if fact.vocab is not None and text not in fact.vocab:
            raise ConditionError(path, f"'{name}' is one of {', '.join(fact.vocab)}, not {text!r}")
        return text
    raise ConditionError(path, f"'{name}' is a {fact.kind} fact; {value!r} is not a {fact.kind}")


def _parse_received(value: object, path: tuple[str | int, ...]) -> Received:
    if isinstance(value, str):
        return Received(touch=value)
    if not isinstance(value, Mapping) or "touch" not in value:
        raise ConditionError(path, "'received' needs a touch id, or {touch: ID, ...}")
    allowed = {"touch", "program", "cycle", "status", "within"}
    extra = sorted(set(map(str, value)) - allowed)
    if extra:
        raise ConditionError(path, f"'received' does not take {extra} ({sorted(allowed)})")
    cycle = value.get("cycle", "any")
    if cycle not in ("any", "this", "other"):
        raise ConditionError((*path, "cycle"), "cycle is 'any', 'this' or 'other'")
    statuses = value.get("status", [])
    statuses = [statuses] if isinstance(statuses, str) else statuses
    for status in statuses:
        if status not in TOUCH_STATUSES:
            raise ConditionError((*path, "status"), f"unknown touch status {status!r}")
    within = value.get("within")
    return Received(
        touch=str(value["touch"]),
        program=str(value["program"]) if "program" in value else None,
        cycle=cycle,
        statuses=tuple(statuses),
        within_days=None if within is None else parse_days(within, (*path, "within")),
    )


def _parse_has_contact(value: object, path: tuple[str | int, ...]) -> HasContact:
    if not isinstance(value, Mapping) or not value:
        raise ConditionError(path, "'has_contact' needs contact facts, e.g. {contact.role: IT}")
    return HasContact(tuple(parse_contact_compare(value, path)))


def parse_contact_compare(value: Mapping[Any, Any], path: tuple[str | int, ...]) -> list[Compare]:
    """Return comparisons over contact facts only (used to choose whom a touch addresses)."""
    compares = []
    for key, operand in value.items():
        name = str(key)
        if not name.startswith(CONTACT_PREFIX):
            raise ConditionError((*path, name), f"'{name}' is not a contact fact (contact.…)")
        compares.append(parse_compare(name, operand, (*path, name)))
    return compares


def leaves(condition: Condition) -> list[Compare | Received | HasContact]:
    """Return the tests of a tree, depth first, in the order they appear."""
    if isinstance(condition, All | AnyOf):
        return [leaf for part in condition.parts for leaf in leaves(part)]
    if isinstance(condition, Not):
        return leaves(condition.part)
    return [condition]


def describe(condition: Condition) -> str:
    """Return the condition as one readable line."""
    if isinstance(condition, All):
        return " and ".join(_wrap(p) for p in condition.parts) if condition.parts else "always"
    if isinstance(condition, AnyOf):
        return " or ".join(_wrap(p) for p in condition.parts)
    if isinstance(condition, Not):
        return f"not {_wrap(condition.part)}"
    if isinstance(condition, Received):
        scope = {"any": "", "this": " in this cycle", "other": " in an earlier cycle"}[
            condition.cycle
        ]
        within = f" within {condition.within_days}d" if condition.within_days else ""
        status = f" ({'/'.join(condition.statuses)})" if condition.statuses else ""
        return f"received {condition.touch}{status}{scope}{within}"
    if isinstance(condition, HasContact):
        return "has a contact with " + " and ".join(map(describe, condition.where))
    return _describe_compare(condition)


def _wrap(condition: Condition) -> str:
    text = describe(condition)
    return f"({text})" if isinstance(condition, All | AnyOf) and len(condition.parts) > 1 else text


def _describe_compare(c: Compare) -> str:
    symbols = {"eq": "=", "ne": "≠", "lt": "<", "le": "≤", "gt": ">", "ge": "≥"}
    if c.op in symbols:
        return f"{c.fact} {symbols[c.op]} {_show(c.value)}"
    if c.op == "exists":
        return f"{c.fact} is {'known' if c.value else 'unknown'}"
    if c.op == "between":
        return f"{c.fact} between {_show(c.value[0])} and {_show(c.value[1])}"
    verb = "in" if c.op == "in" else "not in"
    return f"{c.fact} {verb} [{', '.join(map(_show, c.value))}]"


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
