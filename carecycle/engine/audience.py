"""Compile conditions to Ibis boolean expressions over a table of cycles and their facts.

An unknown fact (no usage snapshot, no score yet) makes its comparison false, so `not`
of it is true; ask `exists` to test for the fact itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import ibis

from carecycle.programs.conditions import (
    All,
    AnyOf,
    Compare,
    Condition,
    HasContact,
    Not,
    Received,
)


def column_of(fact: str) -> str:
    """Return the column name that carries a fact."""
    return fact.replace(".", "__")


@dataclass(frozen=True)
class FactNeeds:
    """The facts and tests a set of conditions refers to."""

    facts: frozenset[str]
    received: tuple[Received, ...]
    has_contact: tuple[HasContact, ...]

    @classmethod
    def of(cls, leaves: Iterable[Compare | Received | HasContact]) -> FactNeeds:
        """Return what the given condition leaves need."""
        listed = list(leaves)
        return cls(
            frozenset(leaf.fact for leaf in listed if isinstance(leaf, Compare)),
            tuple(dict.fromkeys(leaf for leaf in listed if isinstance(leaf, Received))),
            tuple(dict.fromkeys(leaf for leaf in listed if isinstance(leaf, HasContact))),
        )

    def namespaces(self) -> set[str]:
        """Return the fact families needed (`account`, `orders`, `score.health`, …)."""
        found = set()
        for fact in self.facts:
            head, _, rest = fact.partition(".")
            found.add(f"score.{rest.split('.')[0]}" if head == "score" else head)
        return found

    def column(self, leaf: Received | HasContact) -> str:
        """Return the boolean column that carries a `received` or `has_contact` test."""
        if isinstance(leaf, Received):
            return f"received__{self.received.index(leaf)}"
        return f"has_contact__{self.has_contact.index(leaf)}"


def compile_condition(condition: Condition, table: Any, needs: FactNeeds) -> Any:
    """Return the boolean expression of `condition` over `table` (never null)."""
    if isinstance(condition, All):
        if not condition.parts:
            return ibis.literal(True)
        parts = [compile_condition(p, table, needs) for p in condition.parts]
        return _fold(parts, lambda a, b: a & b)
    if isinstance(condition, AnyOf):
        parts = [compile_condition(p, table, needs) for p in condition.parts]
        return _fold(parts, lambda a, b: a | b)
    if isinstance(condition, Not):
        return ~compile_condition(condition.part, table, needs)
    if isinstance(condition, Received | HasContact):
        return table[needs.column(condition)]
    return compile_compare(condition, table)


def _fold(parts: list[Any], combine: Any) -> Any:
    result = parts[0]
    for part in parts[1:]:
        result = combine(result, part)
    return result


def compile_compare(compare: Compare, table: Any) -> Any:
    """Return the boolean expression of one comparison (false when the fact is unknown)."""
    column = table[column_of(compare.fact)]
    op, value = compare.op, compare.value
    if op == "exists":
        return column.notnull() if value else column.isnull()
    tests = {
        "eq": lambda: column == value,
        "ne": lambda: column != value,
        "in": lambda: column.isin(list(value)),
        "not_in": lambda: ~column.isin(list(value)),
        "lt": lambda: column < value,
        "le": lambda: column <= value,
        "gt": lambda: column > value,
        "ge": lambda: column >= value,
        "between": lambda: column.between(value[0], value[1]),
    }
    return tests[op]().fill_null(False)
