"""Times as the store keeps them: UTC without a zone."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from carecycle.errors import InputError


def as_stored(moment: datetime) -> datetime:
    """Return the moment in UTC without a zone; a moment without a zone is taken as is."""
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def utc_now() -> datetime:
    """Return the current time as the store keeps it (for the CLI and the web app only)."""
    return datetime.now(UTC).replace(tzinfo=None)


@dataclass(frozen=True)
class Window:
    """The `days` days up to and including a day: its first day, and the moments that
    open it and follow it (timestamps in the window are ≥ `begin` and < `after`)."""

    start: date
    end: date
    begin: datetime
    after: datetime


def window_to(end: date, days: int, option: str = "--days") -> Window:
    """Return the `days` days up to `end`, or raise InputError naming `option`."""
    if days < 1:
        raise InputError(f"{option} must be 1 or more")
    start = shift(end, -(days - 1), option)
    after = shift(end, 1, option)
    return Window(start, end, datetime.combine(start, time()), datetime.combine(after, time()))


def shift(day: date, days: int, option: str) -> date:
    """Return the day `days` days from `day`, or raise InputError naming `option` when it
    falls outside the calendar."""
    try:
        return day + timedelta(days=days)
    except OverflowError:
        raise InputError(
            f"{option}: {abs(days):,} days from {day} is outside the calendar"
        ) from None


def add_months(day: date, months: int) -> date:
    """Return `day` moved by whole months, clamped to the month's last day (as SQL does)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))
