"""Sales opportunities: raised over the last two years, won more often by engaged accounts."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from carecycle.store.schema import OPPORTUNITY_STAGES
from carecycle.synth.accounts import Accounts
from carecycle.synth.catalogue import (
    CNY_PER_USD,
    PER_SEAT,
    POPULARITY,
    PRICE_CENTS,
    number_products,
)
from carecycle.synth.columns import dates, ids, money, pick, table
from carecycle.synth.sampling import owners_of, sigmoid, weighted

RATE_PER_YEAR = 0.35
WINDOW_DAYS = 730
SOURCES = (
    ("tsr_call", 25), ("partner", 25), ("renewal", 15), ("cross_sell", 15),
    ("web", 10), ("event", 6), ("referral", 4),
)  # fmt: skip
OPEN, WON, LOST = (OPPORTUNITY_STAGES.index(s) for s in ("open", "won", "lost"))


def build_opportunities_table(rng: np.random.Generator, accounts: Accounts, today: int) -> pa.Table:
    """Return opportunities in creation order; those not yet closed by as_of are open."""
    since = np.maximum(accounts.first_purchase, -WINDOW_DAYS)
    rate = RATE_PER_YEAR * np.exp(0.3 * accounts.engagement) * (1 + 0.4 * accounts.size)
    owner = owners_of(rng.poisson(rate * -since / 365.0))
    size = len(owner)
    created = since[owner] + np.floor(rng.random(size) * (1 - since[owner])).astype(np.int64)
    order = np.lexsort((owner, created))
    owner, created = owner[order], created[order]
    closed = created + 14 + np.round(rng.gamma(2.0, 25.0, size)).astype(np.int64)
    won = rng.random(size) < sigmoid(-0.4 + 0.9 * accounts.engagement[owner])
    stage = np.where(closed > 0, OPEN, np.where(won, WON, LOST))
    product = weighted(rng, POPULARITY, size)
    seats = np.maximum(1, np.round(accounts.employees[owner] * rng.uniform(0.2, 0.8, size)))
    quantity = np.where(PER_SEAT[product], seats, rng.integers(1, 4, size))
    usd = accounts.usd[owner]
    amount = np.round(PRICE_CENTS[product] * quantity / np.where(usd, CNY_PER_USD, 1.0))
    columns = {
        "opportunity_id": ids("OP", size),
        "account_id": accounts.ids.take(owner),
        "product_id": number_products().take(product),
        "amount": money(amount.astype(np.int64)),
        "currency": pick(("CNY", "USD"), usd.astype(np.int64)),
        "stage": pick(OPPORTUNITY_STAGES, stage),
        "source": pick([s for s, _ in SOURCES], weighted(rng, [w for _, w in SOURCES], size)),
        "created_on": dates(today + created),
        "closed_on": dates(today + closed, stage == OPEN),
    }
    return table("opportunities", columns)
