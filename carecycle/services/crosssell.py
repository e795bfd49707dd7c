"""Use case: cross-sell rules from the store's purchases, and each account's next offers.

The purchases are the booked order lines up to the day, of live accounts (merged accounts
counted with their survivor); an account owns a product from the day of its first booked
line of it. Profiling answers to `planned_purchases` (the Core IO profile) in the
`days` days up to the day say which product families an account plans to buy; the
setting `planned_families` maps each option to families.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from carecycle.engine.facts import owned_by_survivor
from carecycle.errors import InputError
from carecycle.intelligence.crosssell import (
    NEVER,
    Offers,
    Purchases,
    Rules,
    check_thresholds,
    mine_rules,
    next_offers,
)
from carecycle.store.db import Store
from carecycle.times import window_to

PLANNED_QUESTION = "planned_purchases"


def read_purchases(store: Store, *, as_of: date) -> Purchases:
    """Return each live account's first purchase day of each product, up to as_of."""
    tables = store.tables()
    orders, lines, products = tables["orders"], tables["order_lines"], tables["products"]
    booked = orders.filter(orders.status == "booked", orders.ordered_on <= as_of)
    owned = owned_by_survivor(booked.select("order_id", "account_id", "ordered_on"), tables)
    joined = owned.join(lines, owned.order_id == lines.order_id)
    firsts = joined.group_by(["account_id", "product_id"]).aggregate(
        first=joined.ordered_on.min().epoch_days().cast("int64")
    )
    found = firsts.to_pyarrow()
    if not found.num_rows:
        raise InputError(f"the store holds no booked purchase up to {as_of}")
    accounts = pc.unique(found["account_id"]).sort()
    items = pc.unique(found["product_id"]).sort()
    row = pc.index_in(found["account_id"], value_set=accounts).to_numpy()
    col = pc.index_in(found["product_id"], value_set=items).to_numpy()
    first = np.full((len(accounts), len(items)), NEVER, dtype=np.int64)
    first[row, col] = found["first"].to_numpy()
    catalogue = products.select("product_id", "name", "family").to_pyarrow()
    known = {p: (n, f) for p, n, f in zip(*(catalogue[c].to_pylist() for c in
             ("product_id", "name", "family")), strict=True)}  # fmt: skip
    ids = items.to_pylist()
    return Purchases(
        accounts=accounts.to_pylist(),
        products=ids,
        names=[known.get(p, (p, ""))[0] or p for p in ids],
        families=[known.get(p, (p, ""))[1] or "" for p in ids],
        first=first,
    )


def read_planned(
    store: Store,
    purchases: Purchases,
    *,
    as_of: date,
    days: int,
    families: Mapping[str, Sequence[str]],
) -> dict[int, set[str]]:
    """Return, per account row of `purchases`, the families its latest profiling answer in
    the `days` days to as_of says it plans to buy."""
    window = window_to(as_of, days)
    tables = store.tables()
    responses = tables["survey_responses"]
    given = responses.filter(
        responses.question_id == PLANNED_QUESTION,
        responses.answered_at >= window.begin,
        responses.answered_at < window.after,
    )
    owned = owned_by_survivor(given.select("account_id", "answer", "answered_at"), tables)
    # An account's latest answer stands: a later profile revises an earlier one.
    last = owned.group_by("account_id").aggregate(last_at=owned.answered_at.max())
    latest = owned.join(
        last, [owned.account_id == last.account_id, owned.answered_at == last.last_at]
    )
    found = latest.select(owned.account_id, "answer").to_pyarrow()
    where = pc.index_in(found["account_id"], value_set=pa.array(purchases.accounts))
    planned: dict[int, set[str]] = {}
    for row, answer in zip(where.to_pylist(), found["answer"].to_pylist(), strict=True):
        if row is None:
            continue
        for option in str(answer).split(","):
            planned.setdefault(row, set()).update(families.get(option.strip(), ()))
    return {row: wanted for row, wanted in planned.items() if wanted}


def offers_for(
    purchases: Purchases,
    rules: Rules,
    planned: dict[int, set[str]],
    *,
    accounts: Sequence[str] | None,
    per_account: int,
) -> Offers:
    """Return the offers of the accounts named (every account when None)."""
    rows = None
    if accounts:
        where = {a: k for k, a in enumerate(purchases.accounts)}
        missing = [a for a in accounts if a not in where]
        if missing:
            raise InputError(
                f"--account {', '.join(missing)}: no booked purchase by the day (or merged "
                "into another account)"
            )
        rows = [where[a] for a in accounts]
    return next_offers(purchases, rules, planned, per_account=per_account, rows=rows)


def write_offers(offers: Offers, path: Path) -> None:
    """Write one CSV row per offer: account, rank, product, name, family, score, reason."""
    p = offers.purchases
    table = pa.table({
        "account_id": pa.array(p.accounts, pa.string()).take(pa.array(offers.rows)),
        "rank": pa.array(offers.ranks, pa.int64()),
        "product_id": pa.array(p.products, pa.string()).take(pa.array(offers.items)),
        "product": pa.array(p.names, pa.string()).take(pa.array(offers.items)),
        "family": pa.array(p.families, pa.string()).take(pa.array(offers.items)),
        "score": pa.array(np.round(offers.scores, 4), pa.float64()),
        "reason": pa.array(offers.reasons, pa.string()),
    })  # fmt: skip
    pa_csv.write_csv(table, path, pa_csv.WriteOptions(quoting_style="needed"))


def cross_sell(
    store: Store,
    *,
    as_of: date,
    days: int | None,
    families: Mapping[str, Sequence[str]],
    min_support: float,
    min_confidence: float,
    min_lift: float,
) -> tuple[Purchases, Rules, dict[int, set[str]]]:
    """Return the purchases, rules and planned families as of a day (no planned families
    when `days` is None)."""
    check_thresholds(min_support, min_confidence, min_lift)
    if days is not None:
        window_to(as_of, days)  # a bad --days fails before the work
    purchases = read_purchases(store, as_of=as_of)
    rules = mine_rules(purchases, min_support=min_support, min_confidence=min_confidence,
                       min_lift=min_lift)  # fmt: skip
    planned = {}
    if days is not None:
        planned = read_planned(store, purchases, as_of=as_of, days=days, families=families)
    return purchases, rules, planned
