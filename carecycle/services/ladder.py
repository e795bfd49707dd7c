"""Use case: where each customer and each of its people stand on the loyalty ladder.

The company ladder covers the live customers (as health has them); the person ladder
their live contacts. Records of accounts and contacts merged as duplicates count with
their survivors. Every signal is read over the `days` days up to the day, but touches
ever sent (a person's awareness) and renewals ever made (a company's loyalty).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from carecycle.engine.facts import owned_by_survivor
from carecycle.intelligence.health import Health, HealthPolicy
from carecycle.intelligence.ladder import (
    RUNGS,
    CompanySignals,
    Ladder,
    PersonSignals,
    company_rungs,
    person_rungs,
)
from carecycle.services.health import ANSWERS, customers, health_of, placed, survey_means
from carecycle.services.score_rows import ScoreColumn, ScoreRows
from carecycle.store.db import Store
from carecycle.times import Window, window_to


@dataclass(frozen=True)
class Ladders:
    """The company and person ladders on a day, and each person's account."""

    as_of: date
    days: int
    companies: Ladder
    people: Ladder
    people_accounts: list[str]

    def counts(self) -> dict[str, dict[str, int]]:
        """Return how many companies and people stand on each rung."""
        return {"company": self.companies.counts(), "person": self.people.counts()}


def read_ladders(
    store: Store, *, as_of: date, days: int, health: HealthPolicy, scored: Health | None = None
) -> Ladders:
    """Return the company and person ladders as of a day over `days` days of records; the
    customers' health on the day (`scored`, else scored here) stands in for unasked
    satisfaction."""
    tables = store.tables()
    window = window_to(as_of, days)
    base = customers(tables, as_of)
    healthy = scored if scored is not None else health_of(store, as_of=as_of, policy=health)[1]
    green = dict(zip(healthy.accounts, healthy.bands, strict=True))
    companies = company_rungs(_company_signals(tables, base, window, green))
    contacts = _contacts(tables, base, as_of)
    people = person_rungs(_person_signals(tables, contacts, base, window), companies)
    return Ladders(as_of, days, companies, people, contacts["account_id"].to_pylist())


def _company_signals(
    tables: dict[str, Any],
    base: pa.Array,
    window: Window,
    bands: dict[str, str | None],
) -> CompanySignals:
    cases = tables["support_cases"]
    touches = owned_by_survivor(answered_touches(tables, window), tables)
    responses = owned_by_survivor(responses_in(tables, window), tables)
    visits = tables["web_visits"]
    seen = owned_by_survivor(
        visits.filter(visits.visited_on.between(window.start, window.end)), tables
    )
    agreements, orders = tables["agreements"], tables["orders"]
    renewed = agreements.filter(
        agreements.renewed_from.notnull(), agreements.start_on <= window.end
    )
    renewed = owned_by_survivor(renewed.select("agreement_id", "account_id"), tables)
    booked = orders.filter(
        orders.status == "booked", orders.ordered_on.between(window.start, window.end)
    )
    booked = owned_by_survivor(booked.select("order_id", "account_id", "ordered_on"), tables)
    referrals = owned_by_survivor(_referrals(tables, window, "referrer_account_id"),
                                  tables)  # fmt: skip
    queries = {
        "answered": touches.group_by("account_id").aggregate(n=touches.touch_uid.nunique()),
        "surveyed": responses.group_by("account_id").aggregate(n=responses.count()),
        "visits": seen.group_by("account_id").aggregate(n=seen.visited_on.nunique()),
        "complaints": _complaints(owned_by_survivor(cases, tables), window, "account_id"),
        "survey": survey_means(responses, "account_id"),
        "renewals": renewed.group_by("account_id").aggregate(n=renewed.count()),
        "purchase_days": booked.group_by("account_id").aggregate(n=booked.ordered_on.nunique()),
        "referrals": referrals.group_by("account_id").aggregate(n=referrals.count()),
    }
    got = {name: placed(base, query.to_pyarrow()) for name, query in queries.items()}
    counts = {name: got[name]["n"](0.0) for name in queries if name != "survey"}
    ids = base.to_pylist()
    return CompanySignals(
        accounts=ids,
        nps=got["survey"]["nps"](np.nan),
        satisfaction=got["survey"]["satisfaction"](np.nan),
        healthy=np.array([bands.get(a) == "green" for a in ids], dtype=bool),
        **counts,
    )


def answered_touches(tables: dict[str, Any], window: Window) -> Any:
    """Return the touches answered in the window (an answer event in it), with their
    account and contact."""
    touches, events = tables["touches"], tables["touch_events"]
    begin, after = window.begin, window.after
    answers = events.filter(
        events.status.isin(ANSWERS), events.occurred_at >= begin, events.occurred_at < after
    )
    joined = answers.join(touches, answers.touch_uid == touches.touch_uid)
    return joined.select(
        "account_id", "contact_id", touch_uid=answers.touch_uid, at=answers.occurred_at
    )


def responses_in(tables: dict[str, Any], window: Window) -> Any:
    responses = tables["survey_responses"]
    begin, after = window.begin, window.after
    return responses.filter(responses.answered_at >= begin, responses.answered_at < after)


def _complaints(cases: Any, window: Window, key: str) -> Any:
    begin, after = window.begin, window.after
    made = cases.filter(
        cases.kind == "complaint", cases.opened_at >= begin, cases.opened_at < after
    )
    return made.group_by(key).aggregate(n=made.count())


def _referrals(tables: dict[str, Any], window: Window, by: str) -> Any:
    referrals = tables["referrals"]
    made = referrals.filter(
        referrals.referred_on.between(window.start, window.end), referrals.status != "rejected"
    )
    return made.select(made.referral_id, **{by.removeprefix("referrer_"): made[by]})


def _contacts(tables: dict[str, Any], base: pa.Array, as_of: date) -> pa.Table:
    """Return the live contacts of the customers known by as_of, by id, with their
    account."""
    contacts = tables["contacts"]
    live = contacts.filter(
        contacts.merged_into.isnull(),
        contacts.created_on.isnull() | (contacts.created_on <= as_of),
    )
    live = owned_by_survivor(live, tables)
    found = live.select("contact_id", "account_id").order_by("contact_id").to_pyarrow()
    mine = pc.is_in(found["account_id"], value_set=base)
    return found.filter(mine)


def _person_signals(
    tables: dict[str, Any],
    contacts: pa.Table,
    base: pa.Array,
    window: Window,
) -> PersonSignals:
    ids = contacts["contact_id"].combine_chunks()
    touches, cases = tables["touches"], tables["support_cases"]

    def by_contact(table: Any) -> Any:
        owned = owned_by_survivor(table, tables, "contact_id")
        return owned.filter(owned.contact_id.notnull())

    sent = by_contact(
        touches.filter(touches.sent_at < window.after).select("touch_uid", "contact_id")
    )
    answered = by_contact(answered_touches(tables, window).drop("account_id"))
    responses = by_contact(responses_in(tables, window))
    months = answered.select("contact_id", month=answered.at.truncate("M")).union(
        responses.select("contact_id", month=responses.answered_at.truncate("M"))
    )
    referrals = by_contact(_referrals(tables, window, "referrer_contact_id"))
    queries = {
        "touched": sent.group_by("contact_id").aggregate(n=sent.touch_uid.nunique()),
        "answered": answered.group_by("contact_id").aggregate(n=answered.touch_uid.nunique()),
        "surveyed": responses.group_by("contact_id").aggregate(n=responses.count()),
        "months": months.group_by("contact_id").aggregate(n=months.month.nunique()),
        "complaints": _complaints(by_contact(cases), window, "contact_id"),
        "survey": survey_means(responses, "contact_id"),
        "referrals": referrals.group_by("contact_id").aggregate(n=referrals.count()),
    }
    got = {name: placed(ids, query.to_pyarrow()) for name, query in queries.items()}
    counts = {name: got[name]["n"](0.0) for name in queries if name != "survey"}
    company = pc.index_in(contacts["account_id"], value_set=base).to_numpy(zero_copy_only=False)
    return PersonSignals(
        contacts=ids.to_pylist(),
        company=np.nan_to_num(company.astype(np.float64), nan=-1).astype(np.int64),
        nps=got["survey"]["nps"](np.nan),
        satisfaction=got["survey"]["satisfaction"](np.nan),
        **counts,
    )


def write_ladders(found: Ladders, path: Path) -> None:
    """Write one CSV row per company and per person: level, id, account, rung, why, and
    what the next rung needs."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["level", "id", "account_id", "rung", "why", "next_needs"])
        rows = [("company", found.companies, found.companies.ids),
                ("person", found.people, found.people_accounts)]  # fmt: skip
        for level, ladder, accounts in rows:
            for k, one in enumerate(ladder.ids):
                rung = int(ladder.rungs[k])
                writer.writerow([level, one, accounts[k], RUNGS[rung] if rung >= 0 else "",
                                 ladder.reasons[k], ladder.next_needs[k]])  # fmt: skip


def ladder_rows(found: Ladders) -> ScoreRows:
    """Return the score rows of the company ladder: `ladder`, 1 (aware) to 5 (advocate),
    with the rung as band."""
    ladder = found.companies
    names = np.array(RUNGS, dtype=object)[ladder.rungs].tolist()
    return {"ladder": ScoreColumn(ladder.ids, ladder.rungs.astype(np.float64) + 1, names)}
