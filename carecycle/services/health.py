"""Use case: each customer's health as of a day, its trend, and a check against renewals.

`read_signals` gathers, for the live customers (accounts merged as duplicates counted with
their survivor; a customer has an agreement or a booked order by the day), what the
health components read: usage snapshots, support cases, survey answers, touches and
their answers, agreements ended and renewed, orders refunded or cancelled. Nothing after
the day is read, so a past day scores as it would have scored then — which is what
`check_health` relies on: it scores a past day and compares with the renewals that came.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

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
    score_health,
)
from carecycle.measure.kpis.core import NPS_QUESTIONS, SATISFACTION_QUESTIONS
from carecycle.measure.kpis.sources import as_number
from carecycle.store.db import Store
from carecycle.store.schema import CALL_REACHED, RESPONSES

ANSWERS = tuple(dict.fromkeys((*RESPONSES, *CALL_REACHED)))
SERIOUS = ("high", "critical")
HISTORY_DAYS = 3 * 365  # agreements ended this long ago still count in the history
GRACE_DAYS = 30  # an ended agreement not renewed counts as lapsed this long after its end
DAYS_PER_MONTH = 365.25 / 12
HEALTH_EDGES = (0.0, 10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 70.0, 80.0, 90.0, 100.0)
EPOCH = date(1970, 1, 1)
# Score rows per score name: (account, value, band).
ScoreRows = dict[str, list[tuple[str, float, str | None]]]


def health_policy(settings: Settings, days: int | None = None) -> HealthPolicy:
    """Return the health policy the settings give, reading `days` days of signals."""
    return HealthPolicy(
        weights=settings.health_weights,
        cuts=settings.health_cuts,
        days=settings.health_days if days is None else days,
    )


def read_signals(store: Store, *, as_of: date, days: int) -> Signals:
    """Return what the store says about each customer over the `days` days up to as_of."""
    tables = store.tables()
    start = as_of - timedelta(days=days - 1)
    begin, after = datetime.combine(start, time()), datetime.combine(as_of + timedelta(1), time())
    base = customers(tables, as_of)
    n = len(base)
    found = {
        "usage": _usage(tables, start, as_of),
        "cases": _cases(tables, begin, after),
        "answers": _answers(tables, begin, after),
        "touches": _touches(tables, begin, after),
        "renewals": _renewals(tables, as_of),
        "refunds": _refunds(tables, start, as_of),
    }
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
        refunds=got["refunds"]["refunds"](0.0),
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
    seen = usage.filter(usage.measured_on.between(start, as_of))
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
    history = as_of - timedelta(days=HISTORY_DAYS)
    cancelled = owned.cancelled_on.notnull() & (owned.cancelled_on <= as_of)
    ended = owned.filter(
        (owned.end_on < as_of) & (owned.end_on >= history)
        | (cancelled & (owned.cancelled_on >= history))
    )
    cancelled = ended.cancelled_on.notnull() & (ended.cancelled_on <= ended.end_on)
    renewed = ended.agreement_id.isin(renewals.renewed_from) & ~cancelled.fill_null(False)
    # A lapse is known once the grace after the end has passed without a renewal.
    known = renewed | cancelled | (ended.end_on < as_of - timedelta(days=GRACE_DAYS))
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


def health_of(store: Store, *, as_of: date, policy: HealthPolicy) -> tuple[Signals, Health]:
    """Return the customers' signals and health as of a day."""
    signals = read_signals(store, as_of=as_of, days=policy.days)
    return signals, score_health(signals, policy)


def read_health(
    store: Store, *, as_of: date, compare_days: int, policy: HealthPolicy
) -> HealthReadout:
    """Return the base's health as of a day with each account's health `compare_days`
    before (NaN for accounts not scored then)."""
    if compare_days < 1:
        raise InputError("--compare must be 1 or more days")
    signals, now = health_of(store, as_of=as_of, policy=policy)
    then = as_of - timedelta(days=compare_days)
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
    now, change = found.now, found.change()
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["account_id", "health", "band", "previous", "change", *COMPONENTS, "explanation"]
        )
        for k, account in enumerate(now.accounts):
            parts = [now.components[c][k] for c in COMPONENTS]
            writer.writerow([
                account, _number(now.health[k]), now.bands[k] or "",
                _number(found.before[k]), _number(change[k]), *map(_number, parts),
                found.explain(k),
            ])  # fmt: skip


def _number(value: float) -> str:
    return "" if np.isnan(value) else f"{value:.1f}"


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
    from) or not."""
    if window_days < 1:
        raise InputError("--window must be 1 or more days")
    tables = store.tables()
    agreements = tables["agreements"]
    last = agreements.start_on.max().to_pyarrow().as_py()
    end = as_of + timedelta(days=window_days)
    if last is None:
        raise InputError("the store holds no agreement to check health against")
    if end + timedelta(days=1) > last:
        raise InputError(
            f"the store's agreements start up to {last}, so renewals of agreements ending "
            f"up to {end} are not all known yet: check on or before "
            f"{last - timedelta(days=window_days + 1)}, or a shorter --window"
        )
    _, found = health_of(store, as_of=as_of, policy=policy)
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
    outcome = np.asarray(rows["renewed"].to_pylist(), dtype=bool)
    known = ~np.isnan(at)
    index = at[known].astype(np.int64)
    health, outcome_known = found.health[index], outcome[known]
    scored = ~np.isnan(health)
    health, renewed = health[scored], outcome_known[scored]
    component_auc: dict[str, float | None] = {}
    for name in COMPONENTS:
        values = found.components[name][index][scored]
        present = ~np.isnan(values)
        try:
            component_auc[name] = auc(values[present], renewed[present])
        except InputError:
            component_auc[name] = None
    return HealthCheck(
        as_of=as_of,
        window_days=window_days,
        agreements=int(scored.sum()),
        unscored=int(len(outcome) - scored.sum()),
        renewed=int(renewed.sum()),
        auc=auc(health, renewed),
        component_auc=component_auc,
        by_band=calibration_by_band(health, renewed, policy.cuts),
        by_score=calibration(health, renewed, HEALTH_EDGES),
    )


def health_rows(
    found: Health, policy: HealthPolicy
) -> dict[str, list[tuple[str, float, str | None]]]:
    """Return the score rows health writes: `health` and one `health_<component>` per
    component, for the accounts where each is known."""
    rows: ScoreRows = {}
    named = {"health": (found.health, found.bands)}
    for name in COMPONENTS:
        values = found.components[name]
        named[f"health_{name}"] = (values, bands(values, policy.cuts))
    for name, (values, marks) in named.items():
        rows[name] = [
            (a, float(v), b)
            for a, v, b in zip(found.accounts, values.tolist(), marks, strict=True)
            if not np.isnan(v)
        ]
    return rows
