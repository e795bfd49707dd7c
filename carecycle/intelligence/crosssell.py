"""Cross-sell: association rules from purchase records, and each account's next-best offer.

A rule X → Y counts the accounts that own both: its support is their share of all the
accounts with a purchase, its confidence their share of the owners of X, its lift the
confidence over Y's base rate (the share of all accounts that own Y), so a product
unrelated to X has a lift near 1. An account's offers are the products it does not own,
each scored by the best rule from a product it owns; a product of a family it said in
profiling it plans to buy comes first. Every offer carries a reason a TSR can read.
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
    """Of the owners of `antecedent`, those who own `consequent` too, and the shares."""

    antecedent: str
    consequent: str
    both: int
    owners: int
    accounts: int
    support: float
    confidence: float
    base_rate: float
    lift: float


@dataclass(frozen=True)
class Rules:
    """The rules kept, and the same as products × products matrices (0 where none), with
    the accounts owning each pair and each product."""

    rules: list[Rule]
    confidence: np.ndarray
    lift: np.ndarray
    both: np.ndarray
    owners: np.ndarray


def mine_rules(
    purchases: Purchases, *, min_support: float, min_confidence: float, min_lift: float
) -> Rules:
    """Return the rules X → Y whose support, confidence and lift reach the minimums."""
    check_thresholds(min_support, min_confidence, min_lift)
    n = len(purchases.accounts)
    size = len(purchases.products)
    both = np.zeros((size, size), dtype=np.int64)
    # Pairs counted a block of accounts at a time: float32 sums stay exact below 2**24.
    for start in range(0, n, 4 * BLOCK):
        owned = (purchases.first[start : start + 4 * BLOCK] != NEVER).astype(np.float32)
        both += np.rint(owned.T @ owned).astype(np.int64)
    owners = np.diag(both).copy()
    base = owners / max(n, 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        confidence = np.where(owners[:, None] > 0, both / np.maximum(owners[:, None], 1), 0.0)
        lift = np.where(base[None, :] > 0, confidence / base[None, :], 0.0)
    support = both / max(n, 1)
    keep = (support >= min_support) & (confidence >= min_confidence) & (lift >= min_lift)
    np.fill_diagonal(keep, False)
    rules = [
        Rule(
            antecedent=purchases.products[x], consequent=purchases.products[y],
            both=int(both[x, y]), owners=int(owners[x]), accounts=n,
            support=float(support[x, y]), confidence=float(confidence[x, y]),
            base_rate=float(base[y]), lift=float(lift[x, y]),
        )
        for x, y in zip(*np.nonzero(keep), strict=True)
    ]  # fmt: skip
    rules.sort(key=lambda r: (-r.confidence, -r.lift, r.antecedent, r.consequent))
    return Rules(rules, np.where(keep, confidence, 0.0), np.where(keep, lift, 0.0), both,
                 owners)  # fmt: skip


def check_thresholds(min_support: float, min_confidence: float, min_lift: float) -> None:
    """Raise InputError unless the minimums of a rule make sense."""
    if not 0 < min_support <= 1 or not 0 < min_confidence <= 1:
        raise InputError("--min-support and --min-confidence must be above 0, at most 1")
    if not min_lift > 0:
        raise InputError("--min-lift must be above 0")


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


@dataclass(frozen=True)
class Offers:
    """Offers as columns: per offer its account's row, rank, product's column, score and
    reason."""

    purchases: Purchases
    rows: np.ndarray
    ranks: np.ndarray
    items: np.ndarray
    scores: np.ndarray
    reasons: list[str]

    def __len__(self) -> int:
        return len(self.rows)

    def listed(self, limit: int | None = None) -> list[Offer]:
        """Return the first `limit` offers (all when None) as records."""
        p = self.purchases
        count = len(self) if limit is None else min(limit, len(self))
        return [
            Offer(p.accounts[r], int(k), p.products[y], p.names[y], p.families[y], float(v), why)
            for r, k, y, v, why in zip(self.rows[:count].tolist(), self.ranks[:count].tolist(),
                                       self.items[:count].tolist(), self.scores[:count].tolist(),
                                       self.reasons[:count], strict=True)
        ]  # fmt: skip


def next_offers(
    purchases: Purchases,
    rules: Rules,
    planned: Mapping[int, set[str]],
    *,
    per_account: int,
    rows: Sequence[int] | None = None,
) -> Offers:
    """Return up to `per_account` offers for each account (or the `rows` given), best
    first: never a product the account owns; products of a family it plans to buy (by
    its profiling answers, `planned`: row → families) first, then by the confidence of
    the best rule from a product it owns."""
    check_per_account(per_account)
    chosen = np.arange(len(purchases.accounts)) if rows is None else np.asarray(rows, int)
    families = np.array(purchases.families, dtype=object)
    base_rate = rules.owners / max(len(purchases.accounts), 1)
    reasons: dict[tuple[int, int, bool], str] = {}
    parts: list[tuple[np.ndarray, ...]] = []
    found_reasons: list[str] = []
    for start in range(0, len(chosen), BLOCK):
        block = chosen[start : start + BLOCK]
        owned = purchases.first[block] != NEVER
        # The best rule into each product from any product owned, and which one it is.
        score = np.zeros(owned.shape)
        best_from = np.full(owned.shape, -1, dtype=np.int64)
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
        picked = np.take_along_axis(score, order, axis=1)
        hit, rank = np.nonzero(picked > 0)
        items = order[hit, rank]
        for x, y, said in zip(best_from[hit, items].tolist(), items.tolist(),
                              stated[hit, items].tolist(), strict=True):  # fmt: skip
            key = (x, y, said)
            if key not in reasons:
                reasons[key] = _reason(purchases, rules, x, y, said)
            found_reasons.append(reasons[key])
        parts.append((block[hit], rank + 1, items, picked[hit, rank]))
    columns = [np.concatenate([p[k] for p in parts]) if parts else np.zeros(0, np.int64)
               for k in range(4)]  # fmt: skip
    return Offers(purchases, columns[0], columns[1], columns[2], columns[3], found_reasons)


def check_per_account(per_account: int) -> None:
    """Raise InputError unless `per_account` offers can be made."""
    if per_account < 1:
        raise InputError("--per-account must be 1 or more")


def _reason(purchases: Purchases, rules: Rules, x: int, y: int, stated: bool) -> str:
    names = purchases.names
    said = f"said in profiling it plans to buy {purchases.families[y]}" if stated else ""
    if x >= 0 and rules.confidence[x, y] > 0:
        both, owners = int(rules.both[x, y]), int(rules.owners[x])
        because = (
            f"accounts like yours that own {names[x]} also own {names[y]}: {both:,} of "
            f"{owners:,} ({both / owners:.0%}), {rules.lift[x, y]:.1f}× the usual rate"
        )
        return f"{said}; {because}" if said else because
    share = rules.owners[y] / max(len(purchases.accounts), 1)
    return f"{said}; {names[y]} is owned by {share:.0%} of accounts"
