"""Small hand-built bases for planning tests: every row is written out, nothing is drawn."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa

from carecycle.programs.loader import ProgramFile, builtin_programs, parse_program
from carecycle.services.events import stamp_touches
from carecycle.services.planning import plan_program
from carecycle.store import schema
from carecycle.store.db import Store
from carecycle.store.schema import MILESTONES

ADDRESS = {"address": "1 Main St", "postcode": "100020", "city": "Beijing", "country": "CN"}


def smb() -> ProgramFile:
    """Return the built-in SMB Customer Care program."""
    return next(p for p in builtin_programs() if p.program.id == "smb-customer-care")


def without_holdout(found: ProgramFile) -> ProgramFile:
    """Return the program with no holdout, so every account is in the test group."""
    return with_holdout(found, 0.0)


def with_holdout(found: ProgramFile, share: float) -> ProgramFile:
    """Return the program (with its built-in 10 % holdout) holding out `share` instead."""
    text = found.text.replace("share: 0.10", f"share: {share}")
    assert text != found.text
    return parse_program(text, found.source)


def account(account_id: str, **values: object) -> dict[str, object]:
    """Return an account row with a full postal address."""
    return {"account_id": account_id, "name": f"Company {account_id}", **ADDRESS} | values


def contact(contact_id: str, account_id: str, **values: object) -> dict[str, object]:
    """Return a contact reachable on every channel unless values say otherwise."""
    base: dict[str, object] = {
        "contact_id": contact_id,
        "account_id": account_id,
        "name": f"Person {contact_id}",
        "email": f"{contact_id.lower()}@example.cn",
        "phone": "+8613800138000",
        "consent_email": True,
        "consent_mail": True,
        "consent_phone": True,
        "do_not_contact": False,
    }
    return base | values


def agreement(
    agreement_id: str, account_id: str, program: str, start: date, end: date, *, sa: bool
) -> dict[str, object]:
    """Return an agreement row."""
    return {
        "agreement_id": agreement_id,
        "account_id": account_id,
        "program": program,
        "sa": sa,
        "start_on": start,
        "end_on": end,
    }


def load(store: Store, **rows: list[dict[str, Any]]) -> None:
    """Insert rows into the named tables in one transaction."""
    with store.begin() as conn:
        for name, values in rows.items():
            if values:
                # One insert takes its columns from the first row: give every row them all.
                keys = list(dict.fromkeys(k for row in values for k in row))
                filled = [{k: row.get(k) for k in keys} for row in values]
                conn.execute(schema.metadata.tables[name].insert(), filled)
        if rows.get("touch_events"):
            # Events move their touches' milestones, as every writer of events does.
            e = schema.touch_events
            stamp_touches(
                conn, sa.select(e.c.touch_uid, e.c.status, e.c.occurred_at.label("at")).subquery()
            )


def plan_days(store: Store, found: ProgramFile, days: list[date]) -> None:
    """Plan the program on each day, in order."""
    for day in sorted(set(days)):
        plan_program(store, found, day)


def touches(store: Store, **where: object) -> list[dict[str, Any]]:
    """Return stored touches matching column values, ordered by planned day and touch."""
    table = schema.touches
    query = sa.select(table).order_by(table.c.planned_on, table.c.touch_id)
    for column, value in where.items():
        query = query.where(table.c[column] == value)
    with store.begin() as conn:
        return [dict(row._mapping) for row in conn.execute(query)]


def milestones_follow_events(store: Store) -> int:
    """Assert that every touch's milestones are the first of its events of each kind, as
    recorded in `touch_events`; return how many milestones are set."""
    t, e = schema.touches, schema.touch_events
    with store.begin() as conn:
        events = conn.execute(sa.select(e.c.touch_uid, e.c.status, e.c.occurred_at)).all()
        kept = conn.execute(sa.select(t.c.touch_uid, *(t.c[name] for name in MILESTONES))).all()
    stamps = {row[0]: tuple(row[1:]) for row in kept}
    firsts: dict[str, list[Any]] = {uid: [None] * len(MILESTONES) for uid in stamps}
    for uid, status, at in events:
        for k, kinds in enumerate(MILESTONES.values()):
            if status in kinds and (firsts[uid][k] is None or at < firsts[uid][k]):
                firsts[uid][k] = at
    assert stamps == {uid: tuple(found) for uid, found in firsts.items()}
    return sum(at is not None for found in stamps.values() for at in found)
