"""Product usage and web traffic: the engagement signals health models read.

Usage is measured monthly for the last six months on each active account's anchor
product. Engaged accounts use more of their seats and visit the site more; some less
engaged accounts decline month by month.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa

from carecycle.synth.accounts import Accounts
from carecycle.synth.agreements import Agreements
from carecycle.synth.catalogue import number_products
from carecycle.synth.columns import dates, epoch_day, integers, table
from carecycle.synth.sampling import Ints, chance, owners_of, sigmoid

SNAPSHOT_MONTHS = 6
FEATURES = 20
DECLINE_SHARE = 0.35
VISIT_WINDOW_DAYS = 180
VISIT_RATE_PER_DAY = 0.012
INACTIVE_VISIT_FACTOR = 0.3


def list_measure_days(as_of: dt.date) -> Ints:
    """Return the first day of each of the last six months (days from as_of, oldest first)."""
    month = np.datetime64(as_of, "M") - np.arange(SNAPSHOT_MONTHS - 1, -1, -1)
    return (month.astype("datetime64[D]").astype(np.int64) - epoch_day(as_of)).astype(np.int64)


def find_latest_agreements(accounts: Accounts, agreements: Agreements) -> Ints:
    """Return each account's latest agreement (-1 for an account with none)."""
    latest = np.full(accounts.count, -1, dtype=np.int64)
    np.maximum.at(latest, agreements.account, np.arange(agreements.count))  # in start order
    return latest


def build_usage_table(
    rng: np.random.Generator, accounts: Accounts, agreements: Agreements, as_of: dt.date
) -> pa.Table:
    """Return monthly usage snapshots of every account with an agreement active that month."""
    latest = find_latest_agreements(accounts, agreements)
    days = list_measure_days(as_of)
    holder = np.flatnonzero(latest >= 0)
    end = agreements.end[latest[holder]]
    grid = np.repeat(holder, SNAPSHOT_MONTHS)
    month = np.tile(np.arange(SNAPSHOT_MONTHS), len(holder))
    day = days[month]
    live = (accounts.first_purchase[grid] <= day) & (day <= np.repeat(end, SNAPSHOT_MONTHS))
    grid, month, day = grid[live], month[live], day[live]
    use = _utilisation(rng, accounts)
    share = np.clip(use[0][grid] + use[1][grid] * month, 0.02, 1.0)
    seats = agreements.seats[latest[grid]]
    columns = {
        "account_id": accounts.ids.take(grid),
        "product_id": number_products().take(agreements.product[latest[grid]]),
        "measured_on": dates(epoch_day(as_of) + day),
        "seats": integers(seats),
        "active_users": integers(rng.binomial(seats, share)),
        "features_used": integers(rng.binomial(FEATURES, np.clip(0.2 + 0.6 * share, 0, 1))),
    }
    return table("usage_snapshots", columns)


def _utilisation(rng: np.random.Generator, accounts: Accounts) -> tuple[np.ndarray, np.ndarray]:
    """Return each account's share of seats in use six months ago and its monthly trend."""
    base = sigmoid(0.9 + 1.0 * accounts.engagement + rng.normal(0, 0.3, accounts.count))
    declining = (accounts.engagement < -0.3) & chance(rng, DECLINE_SHARE, accounts.count)
    trend = np.where(
        declining, -rng.uniform(0.04, 0.12, accounts.count), rng.normal(0.005, 0.01, accounts.count)
    )
    return base, trend


def build_web_visits_table(
    rng: np.random.Generator, accounts: Accounts, agreements: Agreements, today: int
) -> pa.Table:
    """Return site traffic per account and day: sparse, busier for engaged accounts."""
    latest = find_latest_agreements(accounts, agreements)
    active = (latest >= 0) & (agreements.end[np.maximum(latest, 0)] >= 0)
    rate = VISIT_RATE_PER_DAY * np.exp(0.8 * accounts.engagement) * (1 + 0.3 * accounts.size)
    rate *= np.where(active, 1.0, INACTIVE_VISIT_FACTOR)
    owner = owners_of(rng.poisson(rate * VISIT_WINDOW_DAYS))
    ago = rng.integers(0, VISIT_WINDOW_DAYS, len(owner))
    key = np.sort(owner * VISIT_WINDOW_DAYS + (VISIT_WINDOW_DAYS - 1 - ago))
    key = key[np.diff(key, prepend=-1) != 0]
    owner, day = key // VISIT_WINDOW_DAYS, key % VISIT_WINDOW_DAYS - (VISIT_WINDOW_DAYS - 1)
    kept = day >= accounts.created[owner]
    owner, day = owner[kept], day[kept]
    visitors = 1 + rng.poisson(0.3 * (1 + accounts.size[owner]))
    columns = {
        "account_id": accounts.ids.take(owner),
        "visited_on": dates(today + day),
        "page_views": integers(visitors + rng.poisson(2.5 * visitors)),
        "unique_visitors": integers(visitors),
    }
    return table("web_visits", columns)
