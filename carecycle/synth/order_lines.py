"""Order lines: what each order bought, how many and at what price.

An agreement order carries its anchor product for every seat, Software Assurance when the
agreement has it on a perpetual licence, and a few add-ons. Any other order spends a
gamma-distributed amount (Gamma-Gamma: each account has its own mean spend) spread over
1-5 products, favouring the account's preferred product family.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from carecycle.synth.accounts import Accounts
from carecycle.synth.agreements import Agreements
from carecycle.synth.catalogue import (
    CNY_PER_USD,
    FAMILY,
    KIND,
    PER_SEAT,
    POPULARITY,
    PRICE_CENTS,
    SA_PRODUCT,
    number_products,
)
from carecycle.synth.columns import ids, integers, money, table
from carecycle.synth.purchases import Orders, number_orders
from carecycle.synth.sampling import Ints, owners_of, weighted

DISCOUNT = np.array([0.0, 0.04, 0.08, 0.12, 0.05, 0.0])  # in LICENCE_PROGRAMS order
SPEND_BY_SIZE = np.array([3_000.0, 8_000.0, 25_000.0, 80_000.0])  # CNY per order
SPEND_SHAPE = 2.5
ORDER_SPEND_SHAPE = 3.0
FAVOURITE_SHARE = 0.5
EXTRA_LINES = 4
EXTRA_LINE_CHANCE = 0.45
ADD_ONS = 3
ADD_ON_CHANCE = 0.35
PERPETUAL = 1


@dataclass(frozen=True)
class Lines:
    """Every order line, grouped by order (in order-id order)."""

    order: Ints
    product: Ints
    quantity: Ints
    unit_cents: Ints

    @property
    def amount_cents(self) -> Ints:
        """Return quantity × unit price of each line, in cents."""
        return self.quantity * self.unit_cents


def draw_lines(
    rng: np.random.Generator, orders: Orders, accounts: Accounts, agreements: Agreements
) -> Lines:
    """Return the lines of every order."""
    created = np.flatnonzero(orders.agreement >= 0)
    plain = np.flatnonzero(orders.agreement < 0)
    parts = [
        _agreement_lines(rng, created, orders.agreement[created], agreements),
        _spend_lines(rng, plain, orders.account[plain], accounts),
    ]
    order, product, quantity, discount = (np.concatenate([p[i] for p in parts]) for i in range(4))
    arrange = np.argsort(order, kind="stable")
    order, product, quantity, discount = (a[arrange] for a in (order, product, quantity, discount))
    usd = accounts.usd[orders.account[order]]
    unit = np.round(PRICE_CENTS[product] * (1 - discount) / np.where(usd, CNY_PER_USD, 1.0))
    return Lines(order, product, quantity.astype(np.int64), unit.astype(np.int64))


def _agreement_lines(
    rng: np.random.Generator, orders: Ints, agreement: Ints, agreements: Agreements
) -> tuple[Ints, Ints, Ints, np.ndarray]:
    seats = agreements.seats[agreement]
    main = agreements.product[agreement]
    assured = agreements.sa[agreement] & (KIND[main] == PERPETUAL) & (SA_PRODUCT[main] >= 0)
    add_ons = rng.binomial(ADD_ONS, ADD_ON_CHANCE, len(orders))
    owner = owners_of(add_ons)
    extra = weighted(rng, POPULARITY, len(owner))
    share = rng.uniform(0.1, 1.0, len(owner))
    extra_quantity = np.where(
        PER_SEAT[extra],
        np.maximum(1, np.round(seats[owner] * share)),
        rng.integers(1, 4, len(owner)),
    )
    discount = DISCOUNT[agreements.program[agreement]]
    return (
        np.concatenate([orders, orders[assured], orders[owner]]),
        np.concatenate([main, SA_PRODUCT[main[assured]], extra]),
        np.concatenate([seats, seats[assured], extra_quantity]),
        np.concatenate([discount, discount[assured], discount[owner]]),
    )


def _spend_lines(
    rng: np.random.Generator, orders: Ints, account: Ints, accounts: Accounts
) -> tuple[Ints, Ints, Ints, np.ndarray]:
    mean_spend = rng.gamma(SPEND_SHAPE, SPEND_BY_SIZE[accounts.size] / SPEND_SHAPE)
    spend = rng.gamma(ORDER_SPEND_SHAPE, mean_spend[account] / ORDER_SPEND_SHAPE)
    counts = 1 + rng.binomial(EXTRA_LINES, EXTRA_LINE_CHANCE, len(orders))
    owner = owners_of(counts)
    product = _favoured_products(rng, account[owner], accounts)
    weight = rng.exponential(1.0, len(owner))
    total = np.bincount(owner, weights=weight, minlength=len(orders))
    budget = spend[owner] * weight / total[owner] * 100
    quantity = np.maximum(1, np.round(budget / PRICE_CENTS[product]))
    discount = rng.choice([0.0, 0.0, 0.03, 0.05], len(owner))
    return orders[owner], product, quantity.astype(np.int64), discount


def _favoured_products(rng: np.random.Generator, account: Ints, accounts: Accounts) -> Ints:
    """Return products drawn by popularity, half of them from the account's favourite family."""
    # The favourite family follows industry and size, so cross-sell models find a pattern.
    favourite = (accounts.industry * 7 + accounts.size * 3) % (FAMILY.max() + 1)
    product = weighted(rng, POPULARITY, len(account))
    loyal = rng.random(len(account)) < FAVOURITE_SHARE
    for family in range(FAMILY.max() + 1):
        rows = np.flatnonzero(loyal & (favourite[account] == family))
        members = np.flatnonzero(np.equal(FAMILY, family))
        product[rows] = members[weighted(rng, POPULARITY[members], len(rows))]
    return product


def total_orders(lines: Lines, orders: Orders) -> Ints:
    """Return each order's total, in cents."""
    totals = np.bincount(lines.order, weights=lines.amount_cents, minlength=orders.count)
    return np.round(totals).astype(np.int64)


def build_order_lines_table(lines: Lines, orders: Orders) -> pa.Table:
    """Return the order_lines table."""
    count = len(lines.order)
    columns = {
        "order_line_id": ids("L", count, width=8),
        "order_id": number_orders(orders.count).take(lines.order),
        "product_id": number_products().take(lines.product),
        "quantity": integers(lines.quantity),
        "unit_price": money(lines.unit_cents),
        "amount": money(lines.amount_cents),
    }
    return table("order_lines", columns)
