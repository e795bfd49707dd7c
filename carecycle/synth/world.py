"""The synthetic world: every entity of the import contract, generated from one seed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
import pyarrow as pa

from carecycle.ingest.contracts import CONTRACTS
from carecycle.synth.accounts import Accounts, build_accounts_table, draw_accounts
from carecycle.synth.agreements import (
    Agreements,
    Terms,
    build_agreements_table,
    build_chains,
    draw_terms,
)
from carecycle.synth.cases import build_support_cases_table
from carecycle.synth.catalogue import build_products_table
from carecycle.synth.columns import epoch_day
from carecycle.synth.contacts import Contacts, draw_contacts
from carecycle.synth.opportunities import build_opportunities_table
from carecycle.synth.order_lines import build_order_lines_table, draw_lines, total_orders
from carecycle.synth.partners import Partners, count_partners, draw_partners
from carecycle.synth.purchases import Orders, build_orders_table, draw_orders
from carecycle.synth.referrals import build_referrals_table
from carecycle.synth.sampling import stream
from carecycle.synth.usage import build_usage_table, build_web_visits_table

Progress = Callable[[str, int, int], None]
STEPS = (
    "partners",
    "accounts",
    "contacts",
    "products",
    "agreements",
    "orders",
    "usage",
    "web visits",
    "support cases",
    "opportunities",
    "referrals",
)


@dataclass(frozen=True)
class World:
    """A generated customer base: one Arrow table per importable entity."""

    as_of: dt.date
    seed: int
    tables: dict[str, pa.Table]

    def rows(self) -> dict[str, int]:
        """Return the number of rows of each entity."""
        return {name: t.num_rows for name, t in self.tables.items()}


@dataclass(frozen=True)
class _Base:
    """The customer base every later step draws from."""

    partners: Partners
    accounts: Accounts
    terms: Terms
    contacts: Contacts
    agreements: Agreements
    orders: Orders


def generate_world(
    *,
    accounts: int,
    seed: int,
    as_of: dt.date,
    progress: Progress | None = None,
) -> World:
    """Return a deterministic world of `accounts` accounts as it stands on `as_of`."""
    if accounts < 1:
        raise ValueError("a world needs at least one account")
    report = progress or (lambda _step, _done, _total: None)
    today = epoch_day(as_of)
    tables: dict[str, pa.Table] = {}
    base = _draw_base(seed, accounts, today, tables, report)
    _draw_activity(seed, base, as_of, tables, report)
    return World(as_of, seed, {name: tables[name] for name in CONTRACTS})


def _draw_activity(
    seed: int, base: _Base, as_of: dt.date, tables: dict[str, pa.Table], report: Progress
) -> None:
    """Draw usage, web visits, cases, opportunities and referrals into their tables."""
    today = epoch_day(as_of)
    customers, deals = base.accounts, base.agreements
    builders: dict[str, Callable[[np.random.Generator], pa.Table]] = {
        "usage_snapshots": lambda rng: build_usage_table(rng, customers, deals, as_of),
        "web_visits": lambda rng: build_web_visits_table(rng, customers, deals, today),
        "support_cases": lambda rng: build_support_cases_table(
            rng, customers, base.contacts, today
        ),
        "opportunities": lambda rng: build_opportunities_table(rng, customers, today),
        "referrals": lambda rng: build_referrals_table(rng, customers, base.contacts, today),
    }
    done = len(STEPS) - len(builders)
    for i, (name, build) in enumerate(builders.items()):
        tables[name] = build(stream(seed, name))
        report(STEPS[done + i], done + i + 1, len(STEPS))


def _draw_base(
    seed: int, count: int, today: int, tables: dict[str, pa.Table], report: Progress
) -> _Base:
    """Draw partners, accounts, contacts, agreements and orders, filling their tables."""
    partners = draw_partners(stream(seed, "partners"), count_partners(count))
    tables["partners"] = partners.table
    report("partners", 1, len(STEPS))
    accounts = draw_accounts(stream(seed, "accounts"), count, partners)
    terms = draw_terms(stream(seed, "terms"), accounts)
    accounts = replace(accounts, first_purchase=terms.first_purchase)
    tables["accounts"] = build_accounts_table(accounts, today)
    report("accounts", 2, len(STEPS))
    contacts = draw_contacts(stream(seed, "contacts"), accounts, today)
    tables["contacts"] = contacts.table
    report("contacts", 3, len(STEPS))
    tables["products"] = build_products_table()
    report("products", 4, len(STEPS))
    agreements = build_chains(stream(seed, "agreements"), accounts, terms)
    orders = draw_orders(stream(seed, "orders"), accounts, terms, agreements)
    lines = draw_lines(stream(seed, "order lines"), orders, accounts, agreements)
    value = _agreement_values(total_orders(lines, orders), orders, agreements.count)
    tables["agreements"] = build_agreements_table(
        agreements, accounts, partners, value_cents=value, today=today
    )
    report("agreements", 5, len(STEPS))
    tables["orders"] = build_orders_table(
        orders, accounts, partners, agreement_count=agreements.count, today=today
    )
    tables["order_lines"] = build_order_lines_table(lines, orders)
    report("orders", 6, len(STEPS))
    return _Base(partners, accounts, terms, contacts, agreements, orders)


def _agreement_values(totals: np.ndarray, orders: Orders, count: int) -> np.ndarray:
    """Return each agreement's value: the total of the order that created it."""
    value = np.zeros(count, dtype=np.int64)
    created = orders.agreement >= 0
    value[orders.agreement[created]] = totals[created]
    return value
