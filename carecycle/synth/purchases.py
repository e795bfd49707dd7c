"""Orders: the ones that create agreements, and repeat purchases following BG/NBD.

Between its first purchase and as_of each account buys again as a Poisson process whose
rate is gamma-distributed across accounts (and lifted by engagement); after every repeat
purchase it may drop out for good with a beta-distributed probability. That is the story
the BG/NBD model fits, so a CLV fit on this world recovers sensible parameters.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from carecycle.store.schema import ORDER_STATUSES
from carecycle.synth.accounts import Accounts
from carecycle.synth.agreements import Agreements, Terms, number_agreements
from carecycle.synth.columns import dates, ids, pick, table, with_nulls
from carecycle.synth.partners import Partners, link_partners
from carecycle.synth.sampling import Ints, owners_of, rank_within, weighted

RATE_SHAPE = 0.8
RATE_MEAN_PER_YEAR = 2.5
RATE_BY_SIZE = np.array([0.7, 1.0, 1.3, 1.8])
RATE_CAP_PER_YEAR = 24.0
DROPOUT = (0.9, 4.0)
RENEWAL_LEAD_DAYS = 30
STATUS_SHARES = (0.95, 0.03, 0.02)


@dataclass(frozen=True)
class Orders:
    """Every order, sorted by day; `agreement` is the agreement it created (-1 if none)."""

    account: Ints
    day: Ints
    agreement: Ints
    status: Ints

    @property
    def count(self) -> int:
        """Return the number of orders."""
        return len(self.account)


def draw_orders(
    rng: np.random.Generator, accounts: Accounts, terms: Terms, agreements: Agreements
) -> Orders:
    """Return agreement orders, first purchases without an agreement and repeat purchases."""
    lead = rng.integers(0, RENEWAL_LEAD_DAYS + 1, agreements.count)
    agreement_day = agreements.start - np.where(agreements.renewed_from >= 0, lead, 0)
    plain = np.flatnonzero(terms.program < 0)
    repeat_account, repeat_day = draw_repeat_purchases(rng, accounts)
    account = np.concatenate([agreements.account, plain, repeat_account])
    day = np.concatenate([agreement_day, accounts.first_purchase[plain], repeat_day])
    agreement = np.concatenate(
        [np.arange(agreements.count), np.full(len(plain) + len(repeat_day), -1)]
    )
    status = np.where(agreement >= 0, 0, weighted(rng, STATUS_SHARES, len(account)))
    order = np.lexsort((account, day))
    return Orders(account[order], day[order], agreement[order], status[order])


def draw_repeat_purchases(rng: np.random.Generator, accounts: Accounts) -> tuple[Ints, Ints]:
    """Return (account, day) of every repeat purchase under the BG/NBD story."""
    years = -accounts.first_purchase / 365.0
    rate = rng.gamma(RATE_SHAPE, RATE_MEAN_PER_YEAR / RATE_SHAPE, accounts.count)
    rate *= RATE_BY_SIZE[accounts.size] * np.exp(0.35 * accounts.engagement - 0.06)
    dropout = rng.beta(*DROPOUT, accounts.count)
    arrivals = rng.poisson(np.minimum(rate, RATE_CAP_PER_YEAR) * years)
    kept = np.minimum(arrivals, rng.geometric(dropout))
    owner = owners_of(arrivals)
    moment = rng.random(len(owner))
    moment = moment[np.argsort(owner + moment, kind="stable")]
    first = rank_within(arrivals) < kept[owner]
    owner, moment = owner[first], moment[first]
    day = accounts.first_purchase[owner] + np.ceil(moment * -accounts.first_purchase[owner])
    return owner, day.astype(np.int64)


def number_orders(count: int) -> pa.Array:
    """Return the ids of `count` orders in date order."""
    return ids("O", count)


def build_orders_table(
    orders: Orders,
    accounts: Accounts,
    partners: Partners,
    *,
    agreement_count: int,
    today: int,
) -> pa.Table:
    """Return the orders table."""
    # One id more than needed keeps `take` valid when a world has no agreement at all.
    agreement_ids = number_agreements(agreement_count + 1).take(np.maximum(orders.agreement, 0))
    columns = {
        "order_id": number_orders(orders.count),
        "account_id": accounts.ids.take(orders.account),
        "ordered_on": dates(today + orders.day),
        "partner_id": link_partners(partners, accounts.partner[orders.account]),
        "agreement_id": with_nulls(agreement_ids, orders.agreement < 0),
        "currency": pick(("CNY", "USD"), accounts.usd[orders.account].astype(np.int64)),
        "status": pick(ORDER_STATUSES, orders.status),
    }
    return table("orders", columns)
