"""Use case: relationship scores — communication, internal recommendation, external
referral — per customer over the days up to a day, and test against control.

- **communication**: two-way exchanges: touches the customer answered (a reply, a call
  reached, a survey completed…) and surveys it answered;
- **internal**: recommendations inside its own company (referrals of its own account);
- **external**: referrals of other companies whose first purchase came in the window.

Each is a count over the window, written by `carecycle score` as dated scores
(`relationship_communication`, `relationship_internal`, `relationship_external`). A
program's test group is compared with its holdout on each (Welch's interval).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import sqlalchemy as sa

from carecycle.engine.facts import owned_by_survivor
from carecycle.errors import InputError
from carecycle.measure.experiments import Comparison, compare_means
from carecycle.services.health import customers, placed
from carecycle.services.ladder import answered_touches, responses_in
from carecycle.services.referrals import followed
from carecycle.services.score_rows import ScoreColumn, ScoreRows
from carecycle.store import schema
from carecycle.store.db import Store
from carecycle.times import window_to

DIMENSIONS = ("communication", "internal", "external")


@dataclass(frozen=True)
class Relationships:
    """Each customer's relationship scores over `days` days up to `as_of`."""

    as_of: date
    days: int
    accounts: list[str]
    scores: dict[str, np.ndarray]

    def summary(self) -> dict[str, dict[str, float]]:
        """Return per dimension the customers with any, and the mean per customer."""
        if not self.accounts:
            return {d: {"accounts": 0, "share": 0.0, "mean": 0.0} for d in self.scores}
        return {d: {"accounts": int((v > 0).sum()), "share": float((v > 0).mean()),
                    "mean": float(v.mean())} for d, v in self.scores.items()}  # fmt: skip


def read_relationships(store: Store, *, as_of: date, days: int) -> Relationships:
    """Return every customer's relationship scores over `days` days up to `as_of`."""
    tables = store.tables()
    window = window_to(as_of, days)
    base = customers(tables, as_of)
    touches = owned_by_survivor(answered_touches(tables, window), tables)
    answers = owned_by_survivor(responses_in(tables, window), tables)
    sets = answers.select("account_id", "survey_id", "contact_id", "touch_uid").distinct()
    # A survey answered through its touch's link also completes the touch: count it once.
    sets = sets.anti_join(touches, sets.touch_uid == touches.touch_uid)
    referrals = followed(tables, as_of)
    inside = referrals.filter(referrals.internal, referrals.referred_on >= window.start)
    led = referrals.filter(referrals.led, referrals.bought_on >= window.start)
    queries = {
        "touches": touches.group_by("account_id").aggregate(n=touches.touch_uid.nunique()),
        "surveys": sets.group_by("account_id").aggregate(n=sets.count()),
        "internal": _by_referrer(inside),
        "external": _by_referrer(led),
    }
    got = {name: placed(base, query.to_pyarrow())["n"](0.0) for name, query in queries.items()}
    scores = {"communication": got["touches"] + got["surveys"], "internal": got["internal"],
              "external": got["external"]}  # fmt: skip
    return Relationships(as_of, days, base.to_pylist(), scores)


def _by_referrer(referrals: Any) -> Any:
    counted = referrals.group_by("referrer").aggregate(n=referrals.count())
    return counted.rename(account_id="referrer")


def relationship_rows(found: Relationships) -> ScoreRows:
    """Return the scores as `carecycle score` writes them (no bands)."""
    return {f"relationship_{d}": ScoreColumn(found.accounts, found.scores[d],
                                             [None] * len(found.accounts))
            for d in DIMENSIONS}  # fmt: skip


def compare_groups(
    store: Store, found: Relationships, program_id: str, *, confidence: float = 0.95
) -> dict[str, Comparison]:
    """Return, per dimension, the program's test group against its holdout (the
    customers assigned to either by the day)."""
    h = schema.holdout_assignments
    with store.begin() as conn:
        rows = conn.execute(
            sa.select(h.c.account_id, h.c.arm).where(h.c.program_id == program_id,
                                                     h.c.assigned_on <= found.as_of)
        ).all()  # fmt: skip
    if not rows:
        raise InputError(f"no account is assigned to program {program_id!r} by {found.as_of}: "
                         "plan it first (carecycle plan)")  # fmt: skip
    arm = dict(rows)
    place = {a: i for i, a in enumerate(found.accounts)}
    test = [place[a] for a, g in arm.items() if g == "test" and a in place]
    held = [place[a] for a, g in arm.items() if g == "holdout" and a in place]
    return {d: compare_means(found.scores[d][test], found.scores[d][held], confidence=confidence)
            for d in DIMENSIONS}  # fmt: skip
