"""Use case: dated score snapshots in the store, which program audiences can ask about.

`score_base` writes, for one day, each customer's value tier (`score.tier`: 1, 2, 3 for
bands A, B, C), RFM (`score.rfm`: R·100 + F·10 + M, band the code), and — where the base
has enough repeat buyers to fit BG/NBD and Gamma-Gamma — its lifetime value (`score.clv`,
band `top_decile` or `decile_2` … `decile_10`) and probability of still being a customer
(`score.p_alive`) — and its health (`score.health`, band green, amber or red) with each
health component (`score.health_usage`, `score.health_support`, …). Scoring a day again
replaces that day's scores. Its place on the loyalty ladder goes in too (`score.ladder`,
1 for aware to 5 for advocate, the rung as band), read over the same days as the tiers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pyarrow as pa
import sqlalchemy as sa

from carecycle.errors import InputError
from carecycle.intelligence.health import COMPONENTS, HealthPolicy
from carecycle.services.clv import predict_store
from carecycle.services.health import health_of, health_rows
from carecycle.services.ladder import ladder_rows, read_ladders
from carecycle.services.relationships import (
    DIMENSIONS,
    read_relationships,
    relationship_rows,
)
from carecycle.services.score_rows import ScoreColumn, ScoreRows
from carecycle.services.segments import ValuePolicy, segments
from carecycle.store import schema
from carecycle.store.db import Store

SCORES = (
    "tier", "rfm", "clv", "p_alive", "health", *(f"health_{c}" for c in COMPONENTS), "ladder",
    *(f"relationship_{d}" for d in DIMENSIONS),
)  # fmt: skip
TIER_VALUES = {"A": 1.0, "B": 2.0, "C": 3.0}


@dataclass(frozen=True)
class Scored:
    """What one scoring wrote: rows per score, and what it could not score and why."""

    as_of: date
    written: dict[str, int]
    skipped: dict[str, str] = field(default_factory=dict)


def score_base(
    store: Store,
    *,
    as_of: date,
    days: int,
    policy: ValuePolicy,
    health: HealthPolicy,
    horizon: float = 52.0,
) -> Scored:
    """Write the base's scores for `as_of`, replacing any of that day's."""
    found = segments(store, as_of=as_of, days=days, policy=policy)
    rows: ScoreRows = {
        "tier": ScoreColumn(found.accounts, np.array([TIER_VALUES[t] for t in found.tiers]),
                            found.tiers),
        "rfm": ScoreColumn(found.accounts, np.array(found.rfm, dtype=np.float64), found.rfm),
    }  # fmt: skip
    skipped = {}
    try:
        values = predict_store(store, as_of=as_of, unit="week", horizon=horizon, period=4.0,
                               discount=0.01)  # fmt: skip
    except InputError as exc:
        skipped["clv"] = skipped["p_alive"] = str(exc)
    else:
        deciles = _deciles(values.value)
        names = ["top_decile" if d == 1 else f"decile_{d}" for d in deciles]
        rows["clv"] = ScoreColumn(values.customers, np.asarray(values.value, float), names)
        rows["p_alive"] = ScoreColumn(values.customers, np.asarray(values.alive, float),
                                      [None] * len(values.customers))  # fmt: skip
    _, healthy = health_of(store, as_of=as_of, policy=health)
    rows |= health_rows(healthy, health)
    ladders = read_ladders(store, as_of=as_of, days=days, health=health, scored=healthy)
    rows |= ladder_rows(ladders)
    rows |= relationship_rows(read_relationships(store, as_of=as_of, days=days))
    _write(store, as_of, rows)
    return Scored(as_of, {name: len(found) for name, found in rows.items()}, skipped)


def _deciles(values: np.ndarray) -> list[int]:
    """Return each value's decile, 1 for the highest tenth; equal values share the decile
    of the first of them."""
    if not len(values):
        return []
    ahead = np.searchsorted(np.sort(-values), -values, side="left")
    return [int(d) for d in 1 + (10 * ahead) // len(values)]


def _write(store: Store, as_of: date, rows: ScoreRows) -> None:
    table = schema.account_scores
    columns = list(rows.values())
    data = pa.table({
        "account_id": pa.array([a for c in columns for a in c.accounts], pa.string()),
        "score": pa.array([n for n, c in rows.items() for _ in range(len(c))], pa.string()),
        "value": pa.array(np.concatenate([c.values for c in columns] or [np.zeros(0)]),
                          pa.float64()),
        "band": pa.array([b for c in columns for b in c.bands], pa.string()),
    })  # fmt: skip
    with store.begin() as conn:
        conn.execute(
            # Every score of the day goes, written again or not: a score skipped this time
            # must not leave the day's earlier value for the planner to read.
            table.delete().where(table.c.scored_on == as_of, table.c.score.in_(SCORES))
        )
        if not data.num_rows:
            return
        staged = store.stage(conn, "stage_scores", data)
        conn.execute(
            table.insert().from_select(
                ["account_id", "score", "scored_on", "value", "band"],
                sa.select(
                    staged.c.account_id, staged.c.score, sa.literal(as_of, sa.Date),
                    staged.c.value, staged.c.band,
                ),
            )
        )  # fmt: skip
        store.unstage(conn, staged)
