"""Use case: the base's value segments as of a day — A/B/C tiers, RFM, the 20/80 readout."""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import ibis
import numpy as np
import pyarrow as pa

from carecycle.config import Settings
from carecycle.engine.facts import owned_by_survivor
from carecycle.errors import InputError
from carecycle.intelligence.value import DEFAULT_CUTS, TIERS, abc_tiers, check_cuts, rfm_scores
from carecycle.store.db import Store
from carecycle.times import window_to


@dataclass(frozen=True)
class ValuePolicy:
    """How the base is tiered and what serving it costs: the tier cuts (cumulative revenue
    shares closing A and B), each channel's cost per sent touch, each tier's service."""

    cuts: tuple[float, float] = DEFAULT_CUTS
    costs: Mapping[str, float] = field(default_factory=dict)
    service_levels: Mapping[str, str] = field(default_factory=dict)
    margins: Mapping[str, float] = field(default_factory=dict)

    @classmethod
    def of(cls, settings: Settings) -> ValuePolicy:
        """Return the policy the settings give."""
        return cls(settings.tier_cuts, settings.channel_costs, settings.service_levels,
                   settings.margin_rates)  # fmt: skip


@dataclass(frozen=True)
class TierReadout:
    """One tier's share of the customers, the revenue and the cost to serve them."""

    tier: str
    customers: int
    customer_share: float
    revenue: float
    revenue_share: float
    margin: float | None
    margin_share: float | None
    cost_to_serve: float
    cost_share: float
    service_level: str


@dataclass(frozen=True)
class Segments:
    """The customers' tiers and RFM codes over a window, and the readout per tier."""

    as_of: date
    days: int
    cuts: tuple[float, float]
    by: str
    accounts: list[str]
    revenue: list[float]
    margin: list[float] | None
    purchase_days: list[int]
    days_since: list[int | None]
    cost: list[float]
    tiers: list[str]
    rfm: list[str]
    readout: list[TierReadout]


def segments(
    store: Store,
    *,
    as_of: date,
    days: int,
    policy: ValuePolicy,
    by: str = "revenue",
) -> Segments:
    """Return the base's segments over the `days` days up to `as_of`, tiered by revenue or
    by margin (`by`).

    The customers are the live accounts (merged accounts counted with their survivor) with
    a booked order by `as_of`. Revenue is their booked order lines in the window, a
    purchase a day with a booked order, and the cost to serve the channel cost of the
    touches first sent to them in the window (`touches.sent_at`).
    """
    window = window_to(as_of, days)
    start = window.start
    tables = store.tables()
    orders, lines = tables["orders"], tables["order_lines"]
    booked = orders.filter(orders.status == "booked", orders.ordered_on <= as_of)
    owned = owned_by_survivor(booked.select("order_id", "account_id", "ordered_on"), tables)
    priced = owned.join(lines, "order_id")
    within = priced.ordered_on >= start
    if by not in ("revenue", "margin"):
        raise InputError(f"--by must be revenue or margin, not {by!r}")
    margins = {}
    if by == "margin":
        priced = _with_margin(priced, start, tables, policy.margins)
        within = priced.ordered_on >= start
        margins["margin"] = priced.margin.sum(where=within)
    per_account = priced.group_by("account_id").aggregate(
        **margins,
        revenue=priced.amount.cast("float64").sum(where=within),
        purchase_days=priced.ordered_on.nunique(where=within),
        last_on=priced.ordered_on.max(where=within),
    )
    touches = tables["touches"]
    # A touch costs its channel's price when it goes out: its first `sent` in the window.
    sent = touches.filter(
        touches.sent_at >= window.begin,
        touches.sent_at < window.after,
        touches.channel.notnull(),
    )
    served = owned_by_survivor(sent.select("account_id", "channel"), tables)
    # The costs as a table of their own, so both stores add them up as floating point.
    prices = ibis.memtable(
        pa.table({
            "priced": pa.array(list(policy.costs), pa.string()),
            "price": pa.array([float(v) for v in policy.costs.values()], pa.float64()),
        })
    )  # fmt: skip
    charged = served.left_join(prices, served.channel == prices.priced)
    spent = charged.group_by("account_id").aggregate(cost=charged.price.fill_null(0.0).sum())
    joined = per_account.left_join(spent, per_account.account_id == spent.account_id)
    found = joined.select(
        per_account.account_id, "revenue", *margins, "purchase_days", "last_on",
        cost=joined.cost,
    ).order_by("account_id").to_pyarrow()  # fmt: skip
    accounts = found["account_id"].to_pylist()
    revenue = np.nan_to_num(np.array(found["revenue"].to_pylist(), dtype=np.float64))
    purchases = np.array(found["purchase_days"].to_pylist(), dtype=np.float64)
    last = found["last_on"].to_pylist()
    since = [None if d is None else (as_of - d).days for d in last]
    cost = np.nan_to_num(np.array(found["cost"].to_pylist(), dtype=np.float64))
    margin = None
    if by == "margin":
        margin = np.nan_to_num(np.array(found["margin"].to_pylist(), dtype=np.float64))
    tiers = abc_tiers(revenue if margin is None else margin, policy.cuts)
    waited = np.array([days if s is None else s for s in since], dtype=np.float64)
    rfm = rfm_scores(waited, purchases, revenue).codes()
    return Segments(
        as_of=as_of, days=days, cuts=check_cuts(policy.cuts), by=by, accounts=accounts,
        revenue=revenue.tolist(), margin=None if margin is None else margin.tolist(),
        purchase_days=[int(p) for p in purchases], days_since=since, cost=cost.tolist(),
        tiers=tiers, rfm=rfm,
        readout=_readout(tiers, revenue, margin, cost, policy.service_levels),
    )  # fmt: skip


def _with_margin(
    priced: Any, start: date, tables: dict[str, Any], rates: Mapping[str, float]
) -> Any:
    """Return the priced lines with their margin: the amount times the gross-margin rate of
    the product's family (setting `margin_rates`); a family of the window without a rate is
    an error."""
    products = tables["products"].select("product_id", "family")
    joined = priced.left_join(products, priced.product_id == products.product_id)
    recent = joined.filter(joined.ordered_on >= start).select("family").distinct()
    families = recent.to_pyarrow()["family"].to_pylist()
    missing = sorted((f or "(product not in the catalogue)") for f in families if f not in rates)
    if missing:
        raise InputError(
            f"setting margin_rates has no gross-margin rate for {', '.join(missing)}: give "
            "one (0–1) per product family to tier by margin"
        )
    table = ibis.memtable(
        pa.table({
            "rated": pa.array(list(rates), pa.string()),
            "rate": pa.array([float(v) for v in rates.values()], pa.float64()),
        })
    )  # fmt: skip
    rated = joined.left_join(table, joined.family == table.rated)
    return rated.mutate(margin=rated.amount.cast("float64") * rated.rate)


def _readout(
    tiers: list[str],
    revenue: np.ndarray,
    margin: np.ndarray | None,
    cost: np.ndarray,
    levels: Mapping[str, str],
) -> list[TierReadout]:
    marks = np.array(tiers, dtype=object)
    total_customers, total_revenue, total_cost = len(tiers), revenue.sum(), cost.sum()

    def share(part: float, whole: float) -> float:
        return float(part / whole) if whole else 0.0

    found = []
    for tier in TIERS:
        mine = marks == tier
        found.append(
            TierReadout(
                tier=tier,
                customers=int(mine.sum()),
                customer_share=share(float(mine.sum()), total_customers),
                revenue=float(revenue[mine].sum()),
                revenue_share=share(float(revenue[mine].sum()), total_revenue),
                margin=None if margin is None else float(margin[mine].sum()),
                margin_share=None
                if margin is None
                else share(float(margin[mine].sum()), float(margin.sum())),
                cost_to_serve=float(cost[mine].sum()),
                cost_share=share(float(cost[mine].sum()), total_cost),
                service_level=levels.get(tier, ""),
            )
        )
    return found


def write_segments(found: Segments, path: Path) -> None:
    """Write one CSV row per account: its tier, RFM code, revenue (and margin, tiered by
    margin), purchase days, days since its last purchase (empty without one in the window)
    and cost to serve."""
    margin = ["margin"] if found.margin is not None else []
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["account_id", "tier", "rfm", "revenue", *margin, "purchase_days",
                         "days_since", "cost"])  # fmt: skip
        for k, account in enumerate(found.accounts):
            since = found.days_since[k]
            margins = [] if found.margin is None else [f"{found.margin[k]:.2f}"]
            writer.writerow([
                account, found.tiers[k], found.rfm[k], f"{found.revenue[k]:.2f}", *margins,
                found.purchase_days[k], "" if since is None else since, f"{found.cost[k]:.2f}",
            ])  # fmt: skip
