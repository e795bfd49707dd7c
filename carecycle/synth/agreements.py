"""Licence agreements and their renewal chains, driven by each account's engagement.

An account's first agreement starts on its first purchase; each agreement that has ended
before as_of is renewed (the renewal names it in renewed_from) with a probability that
grows with engagement and Software Assurance. A few accounts are planted so that an
agreement ends exactly 180, 90, 45 and 0 days after as_of: the renewal countdown.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from carecycle.store.schema import LICENCE_PROGRAMS
from carecycle.synth.accounts import HISTORY_DAYS, Accounts
from carecycle.synth.catalogue import ANCHORS
from carecycle.synth.columns import dates, flags, ids, money, pick, table, with_nulls
from carecycle.synth.partners import Partners, link_partners
from carecycle.synth.sampling import Bools, Floats, Ints, chance, sigmoid

TERM_YEARS = np.array([2, 3, 3, 3, 3, 1], dtype=np.int64)  # in LICENCE_PROGRAMS order
# Program mix per account size (rows micro..large, columns LICENCE_PROGRAMS).
PROGRAM_MIX = np.array(
    [
        [0.40, 0.15, 0.00, 0.00, 0.00, 0.45],
        [0.30, 0.30, 0.00, 0.00, 0.10, 0.30],
        [0.10, 0.25, 0.20, 0.00, 0.25, 0.20],
        [0.00, 0.10, 0.30, 0.40, 0.15, 0.05],
    ]
)
SA_SHARE = np.array([0.5, 1.0, 0.6, 1.0, 0.55, 0.0])
NO_AGREEMENT_SHARE = 0.08
COUNTDOWN_DAYS = (180, 90, 45, 0)
SUBSCRIPTION = LICENCE_PROGRAMS.index("subscription")
SWITCH_TO_SUBSCRIPTION = 0.08


@dataclass(frozen=True)
class Terms:
    """Each account's first licence program (-1: no agreement), SA flag and purchase day."""

    program: Ints
    sa: Bools
    first_purchase: Ints
    planted: Bools


@dataclass(frozen=True)
class Agreements:
    """Every agreement (sorted by start), with its anchor product and seats."""

    account: Ints
    program: Ints
    sa: Bools
    start: Ints
    end: Ints
    renewed_from: Ints
    product: Ints
    seats: Ints

    @property
    def count(self) -> int:
        """Return the number of agreements."""
        return len(self.account)


def draw_terms(rng: np.random.Generator, accounts: Accounts) -> Terms:
    """Return first terms per account, with the renewal countdown planted on a few."""
    mix = np.cumsum(PROGRAM_MIX[accounts.size], axis=1)
    program = (rng.random(accounts.count)[:, None] > mix).sum(axis=1).astype(np.int64)
    program = np.where(chance(rng, NO_AGREEMENT_SHARE, accounts.count), -1, program)
    sa = chance(rng, SA_SHARE[program], accounts.count) & (program >= 0)
    first = accounts.first_purchase.copy()
    planted = np.zeros(accounts.count, dtype=np.bool_)
    eligible = rng.permutation(np.flatnonzero((accounts.duplicate_of < 0) & (program >= 0)))
    per_offset = min(3 + accounts.count // 10_000, len(eligible) // (4 * len(COUNTDOWN_DAYS)))
    for i, offset in enumerate(COUNTDOWN_DAYS):
        rows = eligible[i * per_offset : (i + 1) * per_offset]
        first[rows] = _planted_start(rng, offset, TERM_YEARS[program[rows]] * 365)
        planted[rows] = True
    return Terms(program, sa, first, planted)


def _planted_start(rng: np.random.Generator, offset: int, term: Ints) -> Ints:
    """Return a first purchase day whose agreement chain ends exactly `offset` days ahead."""
    periods = 1 + rng.integers(0, 2, len(term))
    start = offset + 1 - periods * term
    return np.where(start < -HISTORY_DAYS, offset + 1 - term, start)


def score_renewal_odds(accounts: Accounts, terms: Terms) -> Floats:
    """Return each account's chance of renewing an agreement that has ended."""
    score = 0.7 + 1.1 * accounts.engagement + 0.5 * terms.sa + 0.25 * (accounts.size >= 2)
    return sigmoid(score - 0.35 * (terms.program == 0))


def build_chains(rng: np.random.Generator, accounts: Accounts, terms: Terms) -> Agreements:
    """Return every agreement: the first ones and each renewal of one that ended before as_of."""
    holder = np.flatnonzero(terms.program >= 0)
    odds = score_renewal_odds(accounts, terms)[holder]
    program = terms.program[holder]
    start = terms.first_purchase[holder]
    end = start + TERM_YEARS[program] * 365 - 1
    parts: list[tuple[np.ndarray, ...]] = [
        (holder, program, start, end, np.full(len(holder), -1), np.zeros(len(holder)))
    ]
    offset = 0
    while True:
        renew = (end < 0) & (terms.planted[holder] | (rng.random(len(holder)) < odds))
        if not renew.any():
            break
        previous = offset + np.flatnonzero(renew)
        offset += len(holder)
        holder, odds, program = holder[renew], odds[renew], program[renew]
        switch = chance(rng, SWITCH_TO_SUBSCRIPTION, len(holder)) & ~terms.planted[holder]
        program = np.where(switch, SUBSCRIPTION, program)
        start = end[renew] + 1
        end = start + TERM_YEARS[program] * 365 - 1
        parts.append((holder, program, start, end, previous, np.full(len(holder), len(parts))))
    return _assemble(rng, accounts, terms, parts)


def _assemble(
    rng: np.random.Generator,
    accounts: Accounts,
    terms: Terms,
    parts: list[tuple[np.ndarray, ...]],
) -> Agreements:
    account, program, start, end, previous, generation = (
        np.concatenate([p[i] for p in parts]).astype(np.int64) for i in range(6)
    )
    order = np.lexsort((account, start))
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    renewed_from = np.where(previous >= 0, rank[np.maximum(previous, 0)], -1)[order]
    choice = rng.random(accounts.count)
    product = _anchor_products(program, choice[account])
    growth = rng.normal(0.05 + 0.05 * accounts.engagement, 0.08)
    base = np.maximum(1, np.round(accounts.employees * rng.beta(5, 3, accounts.count)))
    seats = np.maximum(1, np.round(base[account] * np.exp(growth[account] * generation)))
    sa = terms.sa[account] & (program != SUBSCRIPTION)
    return Agreements(
        account=account[order],
        program=program[order],
        sa=sa[order],
        start=start[order],
        end=end[order],
        renewed_from=renewed_from,
        product=product[order],
        seats=seats.astype(np.int64)[order],
    )


def _anchor_products(program: Ints, choice: Floats) -> Ints:
    product = np.zeros(len(program), dtype=np.int64)
    for p, candidates in enumerate(ANCHORS):
        rows = program == p
        product[rows] = candidates[np.floor(choice[rows] * len(candidates)).astype(np.int64)]
    return product


def build_agreements_table(
    agreements: Agreements,
    accounts: Accounts,
    partners: Partners,
    *,
    value_cents: Ints,
    today: int,
) -> pa.Table:
    """Return the agreements table; `value_cents` is each agreement's order total."""
    account = agreements.account
    agreement_ids = number_agreements(agreements.count)
    renewed = agreements.renewed_from
    columns = {
        "agreement_id": agreement_ids,
        "account_id": accounts.ids.take(account),
        "program": pick(LICENCE_PROGRAMS, agreements.program),
        "sa": flags(agreements.sa),
        "start_on": dates(today + agreements.start),
        "end_on": dates(today + agreements.end),
        "value": money(value_cents),
        "currency": pick(("CNY", "USD"), accounts.usd[account].astype(np.int64)),
        "renewed_from": with_nulls(agreement_ids.take(np.maximum(renewed, 0)), renewed < 0),
        "partner_id": link_partners(partners, accounts.partner[account]),
        "cancelled_on": pa.nulls(agreements.count, pa.date32()),
    }
    return table("agreements", columns)


def number_agreements(count: int) -> pa.Array:
    """Return the ids of `count` agreements in start order."""
    return ids("AG", count)


def count_countdown_ends(agreements: Agreements) -> dict[int, int]:
    """Return how many agreements end exactly at each countdown offset."""
    return {d: int((agreements.end == d).sum()) for d in COUNTDOWN_DAYS}
