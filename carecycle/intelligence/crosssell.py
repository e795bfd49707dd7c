"""Cross-sell: association rules from purchase records, and each account's next-best offer.

A rule X → Y counts the accounts that owned X and later added Y (a first purchase of Y on
a later day than their first of X): its support is their share of all the accounts with
a purchase, its confidence their share of the owners of X, its lift the confidence over
the share of all accounts that own Y. An account's offers are the products it does not
own, each scored by the best rule from a product it owns; a product of a family it said
in profiling it plans to buy comes first. Every offer carries a reason a TSR can read.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from carecycle.errors import InputError

NEVER = np.iinfo(np.int64).max  # the first-purchase day of a product not owned
BLOCK = 65_536  # accounts scored at a time


@dataclass(frozen=True)
class Purchases:
    """The first purchase day of each product by each account (`NEVER` where not owned):
    a dense accounts × products matrix, with the ids, names and families of both."""

    accounts: list[str]
    products: list[str]
    names: list[str]
    families: list[str]
    first: np.ndarray

    def owned(self) -> np.ndarray:
        """Return which account owns which product."""
        return np.asarray(self.first != NEVER)


@dataclass(frozen=True)
class Rule:
    """Accounts owning `antecedent` that later added `consequent`, and the shares."""

    antecedent: str
    consequent: str
    added: int
    owners: int
    consequent_owners: int
    accounts: int
    support: float
    confidence: float
    lift: float


@dataclass(frozen=True)
class Rules:
    """The rules kept, and the same as products × products matrices (0 where none)."""

    rules: list[Rule]
    confidence: np.ndarray
    lift: np.ndarray
    added: np.ndarray
    owners: np.ndarray


def mine_rules(
    purchases: Purchases, *, min_support: float, min_confidence: float, min_lift: float
) -> Rules:
    """Return the rules X → Y whose support, confidence and lift reach the minimums."""
    if not 0 < min_support <= 1 or not 0 < min_confidence <= 1:
        raise InputError("--min-support and --min-confidence must be above 0, at most 1")
    if not min_lift > 0:
        raise InputError("--min-lift must be above 0")
    first, n = purchases.first, len(purchases.accounts)
    owned = first != NEVER
    owners = owned.sum(axis=0)
    size = len(purchases.products)
    added = np.zeros((size, size), dtype=np.int64)
    for x in range(size):
        mine = owned[:, x]
        if mine.any():
            added[x] = ((first[mine] != NEVER) & (first[mine] > first[mine, x : x + 1])).sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        confidence = np.where(owners[:, None] > 0, added / owners[:, None], 0.0)
        lift = np.where(owners[None, :] > 0, confidence / (owners[None, :] / max(n, 1)), 0.0)
    support = added / max(n, 1)
    keep = (support >= min_support) & (confidence >= min_confidence) & (lift >= min_lift)
    np.fill_diagonal(keep, False)
    rules = [
        Rule(
            antecedent=purchases.products[x], consequent=purchases.products[y],
            added=int(added[x, y]), owners=int(owners[x]), consequent_owners=int(owners[y]),
            accounts=n, support=float(support[x, y]), confidence=float(confidence[x, y]),
            lift=float(lift[x, y]),
        )
        for x, y in zip(*np.nonzero(keep), strict=True)
    ]  # fmt: skip
    rules.sort(key=lambda r: (-r.confidence, -r.lift, r.antecedent, r.consequent))
    return Rules(rules, np.where(keep, confidence, 0.0), np.where(keep, lift, 0.0), added,
                 owners)  # fmt: skip


@dataclass(frozen=True)
class Offer:
    """One product offered to an account, its score (rule confidence; plus 1 when the
    account said it plans to buy the family) and why."""

    account_id: str
    rank: int
    product_id: str
    product: str
    family: str
    score: float
    reason: str


def next_offers(
    purchases: Purchases,
    rules: Rules,
    planned: Mapping[int, set[str]],
    *,
    per_account: int,
    rows: Sequence[int] | None = None,
) -> list[Offer]:
    """Return up to `per_account` offers for each account (or the `rows` given), best
    first: never a product the account owns; products of a family it plans to buy (by
    its profiling answers, `planned`: row → families) first, then by the confidence of
    the best rule from a product it owns."""
    if per_account < 1:
        raise InputError("--per-account must be 1 or more")
    chosen = np.arange(len(purchases.accounts)) if rows is None else np.asarray(rows, int)
    families = np.array(purchases.families, dtype=object)
    base_rate = rules.owners / max(len(purchases.accounts), 1)
    found: list[Offer] = []
    for start in range(0, len(chosen), BLOCK):
        block = chosen[start : start + BLOCK]
        owned = purchases.first[block] != NEVER
        # The best rule into each product from any product owned, and which one it is.
        score = np.zeros(owned.shape)
        best_from = np.zeros(owned.shape, dtype=np.int64)
        for x in np.flatnonzero(rules.confidence.any(axis=1)).tolist():
            through = np.where(owned[:, x : x + 1], rules.confidence[x][None, :], 0.0)
            better = through > score
            score = np.where(better, through, score)
            best_from = np.where(better, x, best_from)
        stated = np.zeros_like(owned)
        for i, row in enumerate(block.tolist()):
            wanted = planned.get(row)
            if wanted:
                stated[i] = np.isin(families, list(wanted))
        score = np.where(stated, 1.0 + np.maximum(score, base_rate[None, :] * 1e-3), score)
        score = np.where(owned, 0.0, score)
        order = np.argsort(-score, axis=1, kind="stable")[:, :per_account]
        for i, row in enumerate(block.tolist()):
            for rank, y in enumerate(order[i].tolist(), start=1):
                if score[i, y] <= 0:
                    break
                reason = _reason(purchases, rules, int(best_from[i, y]), y,
                                 bool(stated[i, y]), owned[i])  # fmt: skip
                found.append(
                    Offer(
                        purchases.accounts[row],
                        rank,
                        purchases.products[y],
                        purchases.names[y],
                        purchases.families[y],
                        float(score[i, y]),
                        reason,
                    )
                )
    return found


def _reason(
    purchases: Purchases, rules: Rules, x: int, y: int, stated: bool, owned: np.ndarray
) -> str:
    names = purchases.names
    said = ""
    if stated:
        said = f"said in profiling it plans to buy {purchases.families[y]}"
    if owned[x] and rules.confidence[x, y] > 0:
        added, owners = int(rules.added[x, y]), int(rules.owners[x])
        because = (
            f"accounts like yours that own {names[x]} added {names[y]}: {added:,} of "
            f"{owners:,} ({added / owners:.0%}), {rules.lift[x, y]:.1f}× the base rate"
        )
        return f"{said}; {because}" if said else because
    share = rules.owners[y] / max(len(purchases.accounts), 1)
    return f"{said}; {names[y]} is owned by {share:.0%} of accounts"
