"""Tiers: recognition and privileges by the points an account earned lately.

An account's qualifying points on a day are the points it earned (earning rules and
additions by hand, less what was taken back) in the `window` up to that day; spending
points never costs a tier. A review moves each account: up at once to the highest tier
its points reach — a recognition event; down only after its points have stayed below its
tier for the `grace` period, and then at most `steps` tiers at a time (never below what
its points reach).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator

from carecycle.loyalty.durations import Duration, DurationField

UP, DOWN, ENTERED = "upgrade", "downgrade", "entered"
REGRADED = "regraded"  # its tier left the rules: placed where its points reach
_SLUG = r"^[a-z][a-z0-9_-]*$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Tier(_Strict):
    """A tier: the qualifying points it takes and what it gives."""

    id: str = Field(pattern=_SLUG, max_length=32)
    name: str
    threshold: int = Field(ge=0)
    privileges: tuple[str, ...] = ()


class Tiers(_Strict):
    """The tiers, lowest first, and how accounts move between them."""

    window: DurationField = Field(default=Duration(months=12))
    grace: DurationField = Field(default=Duration(months=3))
    steps: int = Field(default=1, ge=1, description="Tiers an account may drop at one review.")
    levels: tuple[Tier, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _ordered(self) -> Tiers:
        if self.levels[0].threshold != 0:
            raise ValueError("the first tier is everyone's: its threshold is 0")
        thresholds = [t.threshold for t in self.levels]
        if any(b <= a for a, b in itertools.pairwise(thresholds)):
            raise ValueError("list tiers lowest first, each threshold above the one before")
        ids = [t.id for t in self.levels]
        if len(set(ids)) != len(ids):
            raise ValueError("tier ids must be unique")
        return self

    def index(self, tier_id: str) -> int:
        """Return a tier's place, lowest 0 (-1 when the rules no longer have it)."""
        ids = [t.id for t in self.levels]
        return ids.index(tier_id) if tier_id in ids else -1


@dataclass(frozen=True)
class Reviewed:
    """Each account's tier after a review: its place, since when its points have been
    below it (NaT: they are not), and what the review did (upgrade, downgrade, entered, or
    '' for nothing)."""

    tier: np.ndarray
    below_since: np.ndarray
    event: np.ndarray


def reached(tiers: Tiers, qualifying: np.ndarray) -> np.ndarray:
    """Return the place of the highest tier each account's qualifying points reach."""
    thresholds = np.array([t.threshold for t in tiers.levels], dtype=np.int64)
    return np.searchsorted(thresholds, qualifying, side="right") - 1


def review(
    tiers: Tiers,
    day: date,
    qualifying: np.ndarray,
    current: np.ndarray,
    below_since: np.ndarray,
) -> Reviewed:
    """Review accounts on `day`: their qualifying points, current place (-1: none yet, or
    a tier the rules no longer have) and since when their points have been below it
    (datetime64[D], NaT when not)."""
    earned = reached(tiers, np.asarray(qualifying, dtype=np.int64))
    current = np.asarray(current, dtype=np.int64)
    today = np.datetime64(day, "D")
    below = np.asarray(below_since, dtype="datetime64[D]")
    new = current < 0
    up = ~new & (earned > current)
    short = ~new & (earned < current)
    since = np.where(short & np.isnat(below), today, below)
    since = np.where(short, since, np.datetime64("NaT", "D"))
    due = np.array([not np.isnat(s) and tiers.grace.after(s.item()) <= day for s in since],
                   dtype=bool)  # fmt: skip
    down = short & due
    tier = current.copy()
    tier[new | up] = earned[new | up]
    tier[down] = np.maximum(current[down] - tiers.steps, earned[down])
    # Still short after a step down: the wait for the next one starts again today.
    still = down & (tier > earned)
    since = np.where(down, np.where(still, today, np.datetime64("NaT", "D")), since)
    event = np.full(len(current), "", dtype=object)
    event[new] = ENTERED
    event[up] = UP
    event[down] = DOWN
    return Reviewed(tier, since, event)
