"""Lengths of time in rules files: `30d`, `2w`, `4mo`, `2y` (calendar months and years)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Annotated

from pydantic import PlainSerializer, PlainValidator

from carecycle.times import add_months

MAX_DAYS = 36_600  # about 100 years
_DURATION = re.compile(r"^(?P<n>\d+)\s*(?P<unit>d|w|mo|y)$")


@dataclass(frozen=True)
class Duration:
    """A length of time in whole months (calendar months; a year is 12) or days."""

    months: int = 0
    days: int = 0

    def after(self, day: date) -> date:
        """Return the day this long after `day`."""
        return add_months(day, self.months) + timedelta(days=self.days)

    def __str__(self) -> str:
        if self.months:
            return f"{self.months // 12}y" if self.months % 12 == 0 else f"{self.months}mo"
        return f"{self.days}d"


def parse_duration(value: object) -> Duration:
    """Return the duration `N(d|w|mo|y)` denotes, or raise ValueError."""
    if isinstance(value, Duration):
        return value
    match = _DURATION.match(str(value).strip())
    if match is None or int(match["n"]) == 0:
        raise ValueError(f"expected a duration like 30d, 2w, 4mo or 2y, got {value!r}")
    n, unit = int(match["n"]), match["unit"]
    days = n * {"d": 1, "w": 7, "mo": 31, "y": 366}[unit]
    if days > MAX_DAYS:
        raise ValueError(f"{value!r} is longer than a lifetime: at most 100 years")
    if unit in ("mo", "y"):
        return Duration(months=n * (12 if unit == "y" else 1))
    return Duration(days=n * (7 if unit == "w" else 1))


DurationField = Annotated[
    Duration, PlainValidator(parse_duration), PlainSerializer(str, return_type=str)
]
