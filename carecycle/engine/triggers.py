"""Anchors and moments: when a cycle's touches fall due and which cycle they belong to.

A cycle is one licence agreement. Its anchors are the agreement's start and end and the
account's first purchase. A touch anchored on the end belongs to the agreement *and* its
end date, so an agreement that is extended or co-termed starts a fresh countdown.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import ibis

from carecycle.programs.model import Moment
from carecycle.times import add_months

ANCHOR_COLUMNS = {"start": "start_on", "end": "end_on", "first_purchase": "first_purchase"}


def moment_on(moment: Moment, anchors: dict[str, date | None]) -> date | None:
    """Return the day a moment denotes for one cycle's anchors (None when unknown)."""
    anchor = anchors.get(moment.anchor)
    if anchor is None:
        return None
    return add_months(anchor, moment.months) + timedelta(days=moment.days)


EPOCH = date(1970, 1, 1)


def moment_expr(cycles: Any, moment: Moment) -> Any:
    """Return the Ibis date expression of a moment over a table of cycles."""
    value = cycles[ANCHOR_COLUMNS[moment.anchor]]
    if moment.months:
        value = (value + ibis.interval(months=moment.months)).cast("date")
    if moment.days:
        value = shift_days(value, moment.days)
    return value


def shift_days(value: Any, days: int) -> Any:
    """Return a date expression moved by whole days.

    DuckDB treats a constant `INTERVAL 30 DAY` as the same expression as `INTERVAL 1 MONTH`
    and may compute one in place of the other within a query, so days are added to the
    day number instead of as a constant interval.
    """
    shifted = (value.epoch_days() + days).as_interval("D")
    return (ibis.literal(EPOCH) + shifted).cast("date")


def anchor_bounds(moment: Moment, earliest: date, latest: date) -> tuple[date, date]:
    """Return anchor dates, a little wide, whose moment falls within [earliest, latest]."""
    # Month arithmetic clamps to month ends, so widen by a few days and let the exact
    # expression decide; the bounds only let the scan skip most cycles cheaply.
    low = add_months(earliest - timedelta(days=moment.days), -moment.months) - timedelta(days=3)
    high = add_months(latest - timedelta(days=moment.days), -moment.months) + timedelta(days=3)
    return low, high


def cycle_expr(cycles: Any, anchor: str) -> Any:
    """Return the cycle key of a touch anchored on `anchor`."""
    if anchor == "end":
        return (cycles.agreement_id + "@" + cycles.end_on.cast("string")).cast("string")
    if anchor == "first_purchase":
        return ibis.literal("first-purchase")
    return cycles.agreement_id.cast("string")


def cycle_key(agreement_id: str, end_on: date, anchor: str) -> str:
    """Return the cycle key `cycle_expr` computes, for one agreement."""
    if anchor == "end":
        return f"{agreement_id}@{end_on.isoformat()}"
    if anchor == "first_purchase":
        return "first-purchase"
    return agreement_id
