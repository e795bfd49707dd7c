"""Use case: each customer's health as of a day, its trend, and a check against renewals.

`read_signals` gathers, for the live customers (accounts merged as duplicates counted with
their survivor; a customer has an agreement or a booked order by the day), what the
health components read: usage snapshots, support cases, survey answers, touches and
their answers, agreements ended and renewed, orders refunded or cancelled. Nothing after
the day is read, so a past day scores as it would have scored then — which is what
`check_health` relies on: it scores a past day and compares with the renewals that came.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from carecycle.config import Settings
from carecycle.engine.facts import owned_by_survivor
from carecycle.errors import InputError
from carecycle.intelligence.health import (
    BANDS,
    COMPONENTS,
    CalibrationRow,
    Health,
    HealthPolicy,
    Signals,
    auc,
    bands,
    calibration,
    calibration_by_band,
    explain,
    explain_all,
    score_health,
)
from carecycle.measure.kpis.core import NPS_QUESTIONS, SATISFACTION_QUESTIONS
from carecycle.measure.kpis.sources import as_number
from carecycle.services.score_rows import ScoreColumn, ScoreRows
from carecycle.store.db import Store
from carecycle.store.schema import CALL_REACHED, RESPONSES
from carecycle.times import shift, window_to

ANSWERS = tuple(dict.fromkeys((*RESPONSES, *CALL_REACHED)))
SERIOUS = ("high", "critical")
HISTORY_DAYS = 3 * 365  # agreements ended this long ago still count in the history
GRACE_DAYS = 30  # an ended agreement not renewed counts as lapsed this long after its end
DAYS_PER_MONTH = 365.25 / 12
HEALTH_EDGES = (0.0, 10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 70.0, 80.0, 90.0, 100.0)
EPOCH = date(1970, 1, 1)


def health_policy(settings: Settings, days: int | None = None) -> HealthPolicy:
    """Return the health policy the settings give, reading `days` days of signals."""
    return HealthPolicy(
        weights=settings.health_weights,
        cuts=settings.health_cuts,
        days=settings.health_days if days is None else days,
    )


def read_signals(store: Store, *, as_of: date, days: int, dated_only: bool = False) -> Signals:
    """Return what the store says about each customer over the `days` days up to as_of.

    An order's status (refunded, cancelled) carries no date: it is what the order is now.
    With `dated_only`, for a day in the past, refunds are left out rather than read from
    what happened after the day.
    """
    tables = store.tables()
    window = window_to(as_of, days)
    start, begin, after = window.start, window.begin, window.after
    base = customers(tables, as_of)
    n = len(base)
    found = {
        "usage": _usage(tables, start, as_of),
        "cases": _cases(tables, begin, after),
        "answers": _answers(tables, begin, after),
        "touches": _touches(tables, begin, after),
        "renewals": _renewals(tables, as_of),
    }
    if not dated_only:
        found["refunds"] = _refunds(tables, start, as_of)
    got = {name: placed(base, table.to_pyarrow()) for name, table in found.items()}
    usage = got["usage"]
    count = usage["n"](0.0)
    slope_num = count * usage["stu"](0.0) - usage["st"](0.0) * usage["su"](0.0)
    slope_den = count * usage["stt"](0.0) - usage["st"](0.0) ** 2
    with np.errstate(invalid="ignore", divide="ignore"):
        trend = np.where((count >= 2) & (slope_den > 0), slope_num / slope_den, np.nan)
    return Signals(
        accounts=base.to_pylist(),
        seats=usage["seats"](0.0),
        used=np.clip(usage["used"](np.nan), 0.0, 1.0),
        trend=trend,
        issues=got["cases"]["issues"](0.0),
        complaints=got["cases"]["complaints"](0.0),
        open_serious=got["cases"]["open_serious"](0.0),
        nps=got["answers"]["nps"](np.nan),
        satisfaction=got["answers"]["satisfaction"](np.nan),
        sent=got["touches"]["sent"](0.0),
        answered=got["touches"]["answered"](0.0),
        ended=got["renewals"]["ended"](0.0),
        renewed=got["renewals"]["renewed"](0.0),
        refunds=got["refunds"]["refunds"](0.0) if "refunds" in got else np.zeros(n),
    ) if n else _no_signals()  # fmt: skip


def _no_signals() -> Signals:
    empty = np.zeros(0)
    return Signals([], *(empty for _ in range(13)))


def customers(tables: dict[str, Any], as_of: date) -> pa.Array:
    """Return the live customers' ids, sorted: an agreement started or an order booked."""
    agreements, orders = tables["agreements"], tables["orders"]
    started = agreements.filter(agreements.start_on <= as_of).select("account_id")
    booked = orders.filter(orders.status == "booked", orders.ordered_on <= as_of)
    owners = owned_by_survivor(started.union(booked.select("account_id")), tables)
    found = owners.distinct().order_by("account_id").to_pyarrow()
    return found["account_id"].combine_chunks()


def placed(base: pa.Array, found: pa.Table) -> dict[str, Any]:
    """Return, per column of `found` but its first (the key), a function giving its values
    in `base` order with a fill for the keys it has no row for."""
    where = pc.index_in(found.column(0), value_set=base).to_numpy(zero_copy_only=False)
    kept = ~np.isnan(where.astype(np.float64))
    rows = where[kept].astype(np.int64)

    def column(name: str) -> Any:
        values = found[name].combine_chunks().cast(pa.float64())

        def filled(fill: float) -> np.ndarray:
            out = np.full(len(base), fill, dtype=np.float64)
            given = pc.fill_null(values, fill).to_numpy(zero_copy_only=False)
            out[rows] = given[kept]
            return out

        return filled

    return {name: column(name) for name in found.column_names[1:]}


def _usage(tables: dict[str, Any], start: date, as_of: date) -> Any:
    usage = owned_by_survivor(tables["usage_snapshots"], tables)
    seen = usage.filter(
        usage.measured_on.between(start, as_of),
        usage.seats.notnull(),
        usage.active_users.notnull(),
    )
    per_day = seen.group_by(["account_id", "measured_on"]).aggregate(
        seats=seen.seats.sum(), active=seen.active_users.sum()
    )
    per_day = per_day.filter(per_day.seats > 0)
    months = (per_day.measured_on.epoch_days() - (as_of - EPOCH).days).cast("float64")
    per_day = per_day.mutate(
        t=months / DAYS_PER_MONTH,
        u=per_day.active.cast("float64") / per_day.seats.cast("float64"),
    )
    stats = per_day.group_by("account_id").aggregate(
        n=per_day.count(), st=per_day.t.sum(), su=per_day.u.sum(),
        stt=(per_day.t * per_day.t).sum(), stu=(per_day.t * per_day.u).sum(),
        last_on=per_day.measured_on.max(),
    )  # fmt: skip
    latest = per_day.join(
        stats, [per_day.account_id == stats.account_id, per_day.measured_on == stats.last_on]
    )
    return latest.select(
        latest.account_id, "n", "st", "su", "stt", "stu",
        seats=latest.seats.cast("float64"), used=latest.u,
    )  # fmt: skip


def _cases(tables: dict[str, Any], begin: datetime, after: datetime) -> Any:
    cases = owned_by_survivor(tables["support_cases"], tables)
    opened = cases.filter(cases.opened_at < after)
    recent = opened.opened_at >= begin
    still_open = opened.resolved_at.isnull() | (opened.resolved_at >= after)
    return opened.group_by("account_id").aggregate(
        issues=opened.case_id.count(where=recent & (opened.kind == "issue")),
        complaints=opened.case_id.count(where=recent & (opened.kind == "complaint")),
        open_serious=opened.case_id.count(where=still_open & opened.severity.isin(SERIOUS)),
    )


def _answers(tables: dict[str, Any], begin: datetime, after: datetime) -> Any:
    responses = owned_by_survivor(tables["survey_responses"], tables)
    given = responses.filter(responses.answered_at >= begin, responses.answered_at < after)
    return survey_means(given, "account_id")


def survey_means(responses: Any, key: str) -> Any:
    """Return per `key` the mean NPS (0–10) and satisfaction (1–5) answer of `responses`,
    null where none was given; answers that are no number, or out of range, are left out."""
    given = responses.filter(responses.question_id.isin((*NPS_QUESTIONS, *SATISFACTION_QUESTIONS)))
    scored = given.mutate(score=as_number(given.answer))
    nps = scored.question_id.isin(NPS_QUESTIONS) & scored.score.between(0, 10)
    satisfied = scored.question_id.isin(SATISFACTION_QUESTIONS) & scored.score.between(1, 5)
    return scored.group_by(key).aggregate(
        nps=scored.score.mean(where=nps), satisfaction=scored.score.mean(where=satisfied)
    )


def _touches(tables: dict[str, Any], begin: datetime, after: datetime) -> Any:
    touches, events = tables["touches"], tables["touch_events"]
    sent = touches.filter(touches.sent_at >= begin, touches.sent_at < after)
    sent = owned_by_survivor(sent.select("touch_uid", "account_id"), tables)
    answers = events.filter(events.status.isin(ANSWERS), events.occurred_at < after)
    return sent.group_by("account_id").aggregate(
        sent=sent.touch_uid.count(),
        answered=sent.touch_uid.count(where=sent.touch_uid.isin(answers.touch_uid)),
    )


def _renewals(tables: dict[str, Any], as_of: date) -> Any:
    agreements = tables["agreements"]
    renewals = agreements.filter(agreements.start_on <= as_of, agreements.renewed_from.notnull())
    owned = owned_by_survivor(agreements.filter(agreements.start_on <= as_of), tables)
    history = shift(as_of, -HISTORY_DAYS, "--as-of")
    cancelled = owned.cancelled_on.notnull() & (owned.cancelled_on <= as_of)
    ended = owned.filter(
        (owned.end_on < as_of) & (owned.end_on >= history)
        | (cancelled & (owned.cancelled_on >= history))
    )
    cancelled = ended.cancelled_on.notnull() & (ended.cancelled_on <= ended.end_on)
    renewed = ended.agreement_id.isin(renewals.renewed_from) & ~cancelled.fill_null(False)
    # A lapse is known once the grace after the end has passed without a renewal.
    known = renewed | cancelled | (ended.end_on < shift(as_of, -GRACE_DAYS, "--as-of"))
    return ended.group_by("account_id").aggregate(
        ended=ended.agreement_id.count(where=known),
        renewed=ended.agreement_id.count(where=renewed),
    )


def _refunds(tables: dict[str, Any], start: date, as_of: date) -> Any:
    orders = tables["orders"]
    undone = orders.filter(
        orders.status.isin(("refunded", "cancelled")), orders.ordered_on.between(start, as_of)
    )
    owned = owned_by_survivor(undone.select("order_id", "account_id"), tables)
    return owned.group_by("account_id").aggregate(refunds=owned.order_id.count())


@dataclass(frozen=True)
class HealthReadout:
    """The base's health on a day and on the day it is compared with."""

    as_of: date
    compared_on: date
    policy: HealthPolicy
    signals: Signals
    now: Health
    before: np.ndarray

    def change(self) -> np.ndarray:
        """Return each account's change of health since the day compared with."""
        return np.asarray(self.now.health - self.before, dtype=np.float64)

    def counts(self) -> dict[str, dict[str, int]]:
        """Return how many accounts each band holds, now and on the day compared with."""
        found = {"now": self.now.bands, "before": bands(self.before, self.policy.cuts)}
        return {
            when: {b: marks.count(b) for b in BANDS} | {"unscored": marks.count(None)}
            for when, marks in found.items()
        }

    def explain(self, k: int) -> str:
        """Return why account `k` scores as it does."""
        return explain(self.signals, self.now, self.policy, k)


def health_of(
    store: Store, *, as_of: date, policy: HealthPolicy, dated_only: bool = False
) -> tuple[Signals, Health]:
    """Return the customers' signals and health as of a day (see `read_signals`)."""
    signals = read_signals(store, as_of=as_of, days=policy.days, dated_only=dated_only)
    return signals, score_health(signals, policy)


def read_health(
    store: Store, *, as_of: date, compare_days: int, policy: HealthPolicy
) -> HealthReadout:
    """Return the base's health as of a day with each account's health `compare_days`
    before (NaN for accounts not scored then)."""
    if compare_days < 1:
        raise InputError("--compare must be 1 or more days")
    signals, now = health_of(store, as_of=as_of, policy=policy)
    then = shift(as_of, -compare_days, "--compare")
    _, earlier = health_of(store, as_of=then, policy=policy)
    before = np.full(len(now.accounts), np.nan)
    if earlier.accounts and now.accounts:
        where = pc.index_in(pa.array(now.accounts), value_set=pa.array(earlier.accounts))
        found = where.to_numpy(zero_copy_only=False).astype(np.float64)
        known = ~np.isnan(found)
        before[known] = earlier.health[found[known].astype(np.int64)]
    return HealthReadout(as_of, then, policy, signals, now, before)


def write_health(found: HealthReadout, path: Path) -> None:
    """Write one CSV row per customer: health, band, the health compared with and the
    change, each component (empty when unknown) and the explanation."""
    now = found.now

    def figures(values: np.ndarray) -> pa.Array:
        return pa.array(np.round(values, 1), pa.float64(), mask=np.isnan(values))

    table = pa.table({
        "account_id": pa.array(now.accounts, pa.string()),
        "health": figures(now.health),
        "band": pa.array(now.bands, pa.string()),
        "previous": figures(found.before),
        "change": figures(found.change()),
        **{name: figures(now.components[name]) for name in COMPONENTS},
        "explanation": pa.array(explain_all(found.signals, now, found.policy), pa.string()),
    })  # fmt: skip
    pa_csv.write_csv(table, path, pa_csv.WriteOptions(quoting_style="needed"))


@dataclass(frozen=True)
class HealthCheck:
    """How health on a day foretold the renewals of the agreements ending after it."""

    as_of: date
    window_days: int
    agreements: int
    unscored: int
    renewed: int
    auc: float
    component_auc: dict[str, float | None]
    by_band: list[CalibrationRow]
    by_score: list[CalibrationRow]


def check_health(
    store: Store, *, as_of: date, window_days: int, policy: HealthPolicy
) -> HealthCheck:
    """Score health as of a past day and compare it with what became of the agreements
    ending in the `window_days` after it: renewed (a later agreement names it as renewed
    from) or not. Refunds are left out of the health (an order's status is undated)."""
    if window_days < 1:
        raise InputError("--window must be 1 or more days")
    tables = store.tables()
    agreements = tables["agreements"]
    last = agreements.start_on.max().to_pyarrow().as_py()
    end = shift(as_of, window_days, "--window")
    if last is None:
        raise InputError("the store holds no agreement to check health against")
    # A renewal may be recorded up to the grace after the end, as health reads renewals.
    if shift(end, GRACE_DAYS, "--window") > last:
        raise InputError(
            f"the store's agreements start up to {last}, so renewals of agreements ending "
            f"up to {end} ({GRACE_DAYS} days of grace) are not all known yet: check on or "
            f"before {shift(last, -(window_days + GRACE_DAYS), '--window')}, or a shorter "
            "--window"
        )
    _, found = health_of(store, as_of=as_of, policy=policy, dated_only=True)
    renewals = agreements.filter(agreements.renewed_from.notnull())
    ending = agreements.filter(
        agreements.end_on > as_of,
        agreements.end_on <= end,
        agreements.start_on <= as_of,
        agreements.cancelled_on.isnull() | (agreements.cancelled_on > as_of),
    )
    owned = owned_by_survivor(ending.select("agreement_id", "account_id"), tables)
    marked = owned.mutate(renewed=owned.agreement_id.isin(renewals.renewed_from))
    rows = marked.select("account_id", "renewed").to_pyarrow()
    if not rows.num_rows:
        raise InputError(f"no agreement ends between {as_of} and {end}: nothing to check")
    where = pc.index_in(rows["account_id"], value_set=pa.array(found.accounts))
    at = where.to_numpy(zero_copy_only=False).astype(np.float64)
    known = ~np.isnan(at)
    index = at[known].astype(np.int64)
    outcome = np.asarray(rows["renewed"].to_pylist(), dtype=bool)[known]
    scored = ~np.isnan(found.health[index])
    if not scored.any():
        raise InputError(
            f"none of the {rows.num_rows:,} agreements ending between {as_of} and {end} "
            "belongs to an account with enough known to score its health"
        )
    health, renewed = found.health[index][scored], outcome[scored]
    component_auc: dict[str, float | None] = {}
    for name in COMPONENTS:
        # Each component alone, wherever it is known, scored health or not.
        values = found.components[name][index]
        present = ~np.isnan(values)
        try:
            component_auc[name] = auc(values[present], outcome[present])
        except InputError:
            component_auc[name] = None
    return HealthCheck(
        as_of=as_of,
        window_days=window_days,
        agreements=int(scored.sum()),
        unscored=int(rows.num_rows - scored.sum()),
        renewed=int(renewed.sum()),
        auc=auc(health, renewed),
        component_auc=component_auc,
        by_band=calibration_by_band(health, renewed, policy.cuts),
        by_score=calibration(health, renewed, HEALTH_EDGES),
    )


def health_rows(found: Health, policy: HealthPolicy) -> ScoreRows:
    """Return the score rows health writes: `health` and one `health_<component>` per
    component, for the accounts where each is known."""
    rows = {"health": ScoreColumn.known(found.accounts, found.health, found.bands)}
    for name in COMPONENTS:
        values = found.components[name]
        rows[f"health_{name}"] = ScoreColumn.known(
            found.accounts, values, bands(values, policy.cuts)
        )
    return rows
