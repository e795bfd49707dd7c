"""Facts about cycles, as Ibis columns: what audiences and eligibility ask about.

Every fact is computed as of a date, for the accounts of the cycles at hand only, and
merged accounts count as their survivor. A fact `agreement.sa` becomes the column
`agreement__sa`; a `received` or `has_contact` test becomes a boolean column of its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

import ibis
from ibis import _

from carecycle.engine.audience import FactNeeds, column_of, compile_compare
from carecycle.engine.triggers import shift_days
from carecycle.programs.conditions import FACTS, HasContact, Received
from carecycle.store.schema import NOT_RECEIVED

Tables = Mapping[str, Any]
TREND_DAYS = 90


def owned_by_survivor(table: Any, tables: Tables, key: str = "account_id") -> Any:
    """Return `table` with its account_id (or contact_id, as `key`) replaced by the
    account's (contact's) survivor."""
    records = tables[{"account_id": "accounts", "contact_id": "contacts"}[key]]
    # Merged records are few: map only them, so rows need no join with the whole base.
    merged = records.filter(records.merged_into.notnull())
    mapping = merged.select(owner=merged[key], survivor=merged.merged_into)
    joined = table.left_join(mapping, table[key] == mapping.owner)
    survivor = ibis.coalesce(joined.survivor, joined[key])
    return joined.mutate(**{key: survivor}).drop("owner", "survivor")


def survivor_map(tables: Tables) -> dict[str, str]:
    """Return each merged account's survivor, following merges to the last (merged
    accounts are few: a dictionary holds them)."""
    accounts = tables["accounts"]
    merged = accounts.filter(accounts.merged_into.notnull()).select("account_id", "merged_into")
    parent = {r["account_id"]: r["merged_into"] for r in merged.to_pyarrow().to_pylist()}
    found: dict[str, str] = {}
    for account in parent:
        seen, at = {account}, parent[account]
        while at in parent and at not in seen:
            seen.add(at)
            at = parent[at]
        found[account] = at
    return found


def live_agreements(tables: Tables, as_of: date) -> Any:
    """Return agreements started by as_of and not cancelled, owned by live survivors."""
    agreements = tables["agreements"]
    started = agreements.filter(
        agreements.start_on <= as_of,
        agreements.cancelled_on.isnull() | (agreements.cancelled_on > as_of),
    )
    owned = owned_by_survivor(started, tables)
    return owned.select(
        "account_id",
        "agreement_id",
        "start_on",
        "end_on",
        "program",
        "sa",
        "value",
        "partner_id",
        "renewed_from",
    )


def first_purchases(tables: Tables, as_of: date) -> Any:
    """Return each account's first booked order date up to as_of."""
    orders = tables["orders"]
    booked = orders.filter(orders.status == "booked", orders.ordered_on <= as_of)
    owned = owned_by_survivor(booked, tables)
    return owned.group_by("account_id").aggregate(first_purchase=_.ordered_on.min())


def attach_facts(
    cycles: Any, tables: Tables, needs: FactNeeds, *, as_of: date, program_id: str
) -> Any:
    """Return `cycles` with a column for every fact and test in `needs`."""
    base = cycles  # every fact is built from the cycles as given, not from earlier joins
    accounts = base.select("account_id").distinct()
    namespaces = needs.namespaces()
    if "agreement" in namespaces:
        cycles = _agreement_facts(cycles, as_of)
    builders = {
        "account": _account_facts,
        "orders": _order_facts,
        "usage": _usage_facts,
        "cases": _case_facts,
        "contacts": _contact_counts,
    }
    for name in sorted(namespaces):
        if name in builders:
            wanted = frozenset(column_of(f) for f in needs.facts)
            cycles = _left_join(cycles, builders[name](accounts, tables, as_of, wanted))
        elif name.startswith("score."):
            cycles = _left_join(cycles, _score_facts(accounts, tables, as_of, name[6:]))
    for leaf in needs.received:
        flags = _received(base, leaf, tables, as_of=as_of, program_id=program_id)
        cycles = _flag_join(cycles, flags, needs.column(leaf))
    for test in needs.has_contact:
        cycles = _flag_join(cycles, _has_contact(accounts, tables, test), needs.column(test))
    return cycles


def without_right(joined: Any) -> Any:
    """Return a join's result without the key columns Ibis repeats as `*_right`."""
    return joined.drop(*(c for c in joined.columns if c.endswith("_right")))


def _left_join(cycles: Any, facts: Any) -> Any:
    return without_right(cycles.left_join(facts, "account_id"))


def _flag_join(cycles: Any, flags: Any, name: str) -> Any:
    keys = [k for k in ("account_id", "agreement_id") if k in flags.columns]
    flags = flags.mutate(**{name: ibis.literal(True)})
    joined = without_right(cycles.left_join(flags, keys))
    return joined.mutate(**{name: joined[name].fill_null(False)})


def _agreement_facts(cycles: Any, as_of: date) -> Any:
    after_end = shift_days(cycles.end_on, 1)
    return cycles.mutate(
        agreement__program=cycles.program,
        agreement__sa=cycles.sa,
        agreement__start_on=cycles.start_on,
        agreement__end_on=cycles.end_on,
        agreement__value=cycles.value.cast("float64"),
        agreement__partner_id=cycles.partner_id,
        agreement__renewal=cycles.renewed_from.notnull(),
        agreement__term_months=_whole_months(cycles.start_on, after_end),
        agreement__months_since_start=_whole_months(cycles.start_on, ibis.literal(as_of)),
        agreement__days_to_end=cycles.end_on.delta(ibis.literal(as_of), unit="day"),
    )


def _whole_months(start: Any, end: Any) -> Any:
    months = (end.year() - start.year()) * 12 + end.month() - start.month()
    return months - ibis.ifelse(end.day() < start.day(), 1, 0)


def _account_facts(accounts: Any, tables: Tables, as_of: date, wanted: frozenset[str]) -> Any:
    source = tables["accounts"]
    names = [f.split(".")[1] for f in FACTS if f.startswith("account.")]
    picked = source.select("account_id", **{f"account__{n}": source[n] for n in names})
    return picked.semi_join(accounts, "account_id")


LINE_FACTS = ("orders__revenue", "orders__revenue_12m", "orders__products")


def _order_facts(accounts: Any, tables: Tables, as_of: date, wanted: frozenset[str]) -> Any:
    orders = tables["orders"]
    booked = orders.filter(orders.status == "booked", orders.ordered_on <= as_of)
    owned = owned_by_survivor(booked, tables).semi_join(accounts, "account_id")
    recent = owned.ordered_on > as_of - timedelta(days=365)
    facts = owned.group_by("account_id").aggregate(
        orders__count=owned.count(),
        orders__count_12m=recent.sum(),
        orders__first_on=owned.ordered_on.min(),
        orders__last_on=owned.ordered_on.max(),
    )
    facts = facts.mutate(
        orders__days_since_last=ibis.literal(as_of).delta(facts.orders__last_on, unit="day")
    )
    if not wanted & set(LINE_FACTS):
        return facts
    lines = tables["order_lines"]
    joined = owned.join(lines, owned.order_id == lines.order_id)
    amount = joined.amount.cast("float64")
    sums = joined.group_by("account_id").aggregate(
        orders__revenue=amount.sum(),
        orders__revenue_12m=amount.sum(where=joined.ordered_on > as_of - timedelta(days=365)),
        orders__products=joined.product_id.nunique(),
    )
    sums = sums.mutate(orders__revenue_12m=sums.orders__revenue_12m.fill_null(0.0))
    return _left_join(facts, sums)


def _usage_totals(usage: Any, accounts: Any, day_limit: date, name: str) -> Any:
    seen = usage.filter(usage.measured_on <= day_limit)
    last = seen.group_by("account_id").aggregate(last_on=seen.measured_on.max())
    latest = seen.join(last, [seen.account_id == last.account_id, seen.measured_on == last.last_on])
    return latest.group_by("account_id").aggregate(
        **{f"{name}_seats": _.seats.sum(), f"{name}_active": _.active_users.sum()}
    )


def _usage_facts(accounts: Any, tables: Tables, as_of: date, wanted: frozenset[str]) -> Any:
    usage = owned_by_survivor(tables["usage_snapshots"], tables).semi_join(accounts, "account_id")
    now = _usage_totals(usage, accounts, as_of, "now")
    then = _usage_totals(usage, accounts, as_of - timedelta(days=TREND_DAYS), "then")
    joined = now.left_join(then, "account_id")
    active = joined.now_active.cast("float64")
    return joined.select(
        account_id=joined.account_id,
        usage__seats=joined.now_seats,
        usage__active_users=joined.now_active,
        usage__utilisation=ibis.ifelse(
            joined.now_seats > 0, active / joined.now_seats.cast("float64"), ibis.null()
        ),
        usage__trend=ibis.ifelse(
            joined.then_active > 0,
            (active - joined.then_active) / joined.then_active.cast("float64"),
            ibis.null(),
        ),
    )


def _case_facts(accounts: Any, tables: Tables, as_of: date, wanted: frozenset[str]) -> Any:
    cases = owned_by_survivor(tables["support_cases"], tables).semi_join(accounts, "account_id")
    opened = cases.filter(cases.opened_at.date() <= as_of)
    recent = opened.opened_at.date() > as_of - timedelta(days=90)
    still_open = opened.resolved_at.isnull() | (opened.resolved_at.date() > as_of)
    return opened.group_by("account_id").aggregate(
        cases__open=still_open.sum(),
        cases__complaints_90d=(recent & (opened.kind == "complaint")).sum(),
        cases__issues_90d=(recent & (opened.kind == "issue")).sum(),
    )


def live_contacts(tables: Tables) -> Any:
    """Return live contacts owned by their account's survivor."""
    contacts = tables["contacts"]
    return owned_by_survivor(contacts.filter(contacts.merged_into.isnull()), tables)


def _contact_counts(accounts: Any, tables: Tables, as_of: date, wanted: frozenset[str]) -> Any:
    contacts = live_contacts(tables).semi_join(accounts, "account_id")
    return contacts.group_by("account_id").aggregate(contacts__count=_.count())


def _score_facts(accounts: Any, tables: Tables, as_of: date, name: str) -> Any:
    scores = tables["account_scores"]
    mine = scores.filter(scores.score == name, scores.scored_on <= as_of)
    mine = mine.semi_join(accounts, "account_id")
    last = mine.group_by("account_id").aggregate(last_on=mine.scored_on.max())
    latest = mine.join(last, [mine.account_id == last.account_id, mine.scored_on == last.last_on])
    return latest.select(
        account_id=latest.account_id,
        **{f"score__{name}": latest.value, f"score__{name}__band": latest.band},
    )


def received_touches(tables: Tables, *, statuses: tuple[str, ...] = ()) -> Any:
    """Return touches the customer got or will get (held-out ones count as received)."""
    touches = tables["touches"]
    if statuses:
        return touches.filter(touches.status.isin(statuses))
    return touches.filter(~touches.status.isin(NOT_RECEIVED))


def _received(cycles: Any, leaf: Received, tables: Tables, *, as_of: date, program_id: str) -> Any:
    got = received_touches(tables, statuses=leaf.statuses)
    got = got.filter(
        got.program_id == (leaf.program or program_id),
        got.touch_id == leaf.touch,
        got.planned_on <= as_of,
    )
    if leaf.within_days is not None:
        got = got.filter(got.planned_on > as_of - timedelta(days=leaf.within_days))
    mine = cycles.select("account_id", "agreement_id").distinct()
    got = got.semi_join(mine.select("account_id"), "account_id")
    if leaf.cycle == "any":
        return got.select("account_id").distinct()
    if leaf.cycle == "this":
        return got.select("account_id", "agreement_id").distinct()
    done = got.select(owner=got.account_id, done=got.agreement_id)
    other = mine.join(done, [mine.account_id == done.owner, mine.agreement_id != done.done])
    return other.select(other.account_id, other.agreement_id).distinct()


def _has_contact(accounts: Any, tables: Tables, test: HasContact) -> Any:
    contacts = live_contacts(tables).semi_join(accounts, "account_id")
    contacts = contact_fact_columns(contacts)
    matches = contacts.filter(*(compile_compare(c, contacts) for c in test.where))
    return matches.select("account_id").distinct()


def contact_fact_columns(contacts: Any) -> Any:
    """Return contacts with the `contact.*` facts as columns."""
    return contacts.mutate(
        contact__role=contacts.role,
        contact__language=contacts.language,
        contact__preferred_channel=contacts.preferred_channel,
    )
