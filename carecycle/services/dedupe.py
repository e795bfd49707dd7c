"""Use cases: merge duplicate accounts and contacts, count them, list merges, undo one.

Merging deletes nothing: a duplicate keeps its row, with `merged_into` set to its
survivor's id, and `merge_log` holds one row per duplicate saying which merge, rule and
score. Accounts merge first; contacts are then compared within each account's survivor.
Undoing a merge clears `merged_into` and stamps `undone_at`; the records of an undone
merge are kept apart afterwards, so the next merge does not fold them together again.
Undoing an account merge also undoes, with the same `undone_at`, every contact merge it
made possible: those joining contacts whose accounts the undo parts again.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pyarrow as pa
import sqlalchemy as sa

from carecycle.errors import InputError, StoreError
from carecycle.ingest import dedupe
from carecycle.ingest.dedupe import Cluster
from carecycle.store import schema
from carecycle.store.db import Store

KEYS = {"accounts": "account_id", "contacts": "contact_id"}
CONTACT_COLUMNS = (
    "contact_id", "account_id", "name", "email", "email_issue", "phone", "phone_issue",
    "created_on",
)  # fmt: skip
STAGED = "dedupe_merges"


@dataclass(frozen=True)
class MergeReport:
    """What a merge did (or, on a dry run, would do).

    `merge_ids` follows `clusters` one for one and is empty on a dry run; `accounts` and
    `contacts` count the duplicates folded into a survivor.
    """

    dry_run: bool
    clusters: tuple[Cluster, ...]
    merge_ids: tuple[str, ...]
    accounts: int
    contacts: int


@dataclass(frozen=True)
class UndoReport:
    """The records an undone merge made live again.

    `cascaded` holds the contact merges undone with an account merge because they joined
    contacts of the accounts it parts.
    """

    merge_id: str
    entity: str
    survivor_id: str
    restored_ids: tuple[str, ...]
    undone_at: datetime
    cascaded: tuple[str, ...]


@dataclass(frozen=True)
class Merge:
    """One merge as logged: a survivor and the duplicates folded into it."""

    merge_id: str
    entity: str
    survivor_id: str
    duplicate_ids: tuple[str, ...]
    rule: str
    score: float | None
    merged_at: datetime
    undone_at: datetime | None


def merge_duplicates(
    store: Store, *, similarity: float, now: datetime, dry_run: bool = False
) -> MergeReport:
    """Merge every duplicate into its survivor in one transaction; a dry run writes nothing."""
    clusters = tuple(_find(store, similarity))
    merge_ids = () if dry_run else tuple(uuid.uuid4().hex for _ in clusters)
    if merge_ids:
        with store.begin() as conn:
            _write(store, conn, clusters, merge_ids, now)
    return MergeReport(
        dry_run=dry_run,
        clusters=clusters,
        merge_ids=merge_ids,
        accounts=_duplicates(clusters, "accounts"),
        contacts=_duplicates(clusters, "contacts"),
    )


def count_duplicates(store: Store, *, similarity: float) -> dict[str, int]:
    """Return, per entity, how many duplicates a merge would fold in now."""
    clusters = _find(store, similarity)
    return {entity: _duplicates(clusters, entity) for entity in KEYS}


def undo_merge(store: Store, merge_id: str, *, now: datetime) -> UndoReport:
    """Make a merge's duplicates live again, with the contact merges an account merge made
    possible, in one transaction; keep them apart from then on."""
    log = schema.merge_log
    with store.begin() as conn:
        rows = conn.execute(
            sa.select(log).where(log.c.merge_id == merge_id).order_by(log.c.duplicate_id)
        ).all()
        if not rows:
            raise InputError(f"no merge {merge_id!r}: `carecycle dedupe list` shows the merges")
        if rows[0].undone_at is not None:
            raise InputError(
                f"merge {merge_id} was already undone at {rows[0].undone_at:%Y-%m-%d %H:%M}"
            )
        entity, survivor = rows[0].entity, rows[0].survivor_id
        restored = tuple(r.duplicate_id for r in rows)
        cascaded = _caused_merges(conn, survivor, restored) if entity == "accounts" else ()
        _restore(conn, entity, (merge_id,), now)
        _restore(conn, "contacts", cascaded, now)
    return UndoReport(merge_id, entity, survivor, restored, now, cascaded)


def list_merges(store: Store, *, limit: int | None = None) -> list[Merge]:
    """Return merges, newest first (at most `limit` of them)."""
    log = schema.merge_log
    newest = (
        sa.select(log.c.merge_id, sa.func.max(log.c.merged_at).label("merged_at"))
        .group_by(log.c.merge_id)
        .order_by(sa.desc("merged_at"), log.c.merge_id)
        .limit(limit)
        .subquery()
    )
    query = (
        sa.select(log)
        .join(newest, newest.c.merge_id == log.c.merge_id)
        .order_by(newest.c.merged_at.desc(), log.c.merge_id, log.c.duplicate_id)
    )
    with store.begin() as conn:
        rows = conn.execute(query).all()
    return [_merge(list(group)) for _, group in itertools.groupby(rows, key=lambda r: r.merge_id)]


def _merge(rows: list[Any]) -> Merge:
    first = rows[0]
    duplicates = tuple(r.duplicate_id for r in rows)
    return Merge(
        first.merge_id, first.entity, first.survivor_id, duplicates, first.rule,
        first.score, first.merged_at, first.undone_at,
    )  # fmt: skip


def _duplicates(clusters: Iterable[Cluster], entity: str) -> int:
    return sum(len(c.duplicate_ids) for c in clusters if c.entity == entity)


def _find(store: Store, similarity: float) -> list[Cluster]:
    con = store.ibis()
    accounts, contacts = con.table("accounts"), con.table("contacts")
    live_accounts = accounts.filter(accounts.merged_into.isnull()).order_by("account_id")
    live_contacts = contacts.filter(contacts.merged_into.isnull()).select(*CONTACT_COLUMNS)
    with store.begin() as conn:
        parents = _account_parents(conn)
        apart = _kept_apart(conn, parents)
    return dedupe.find_clusters(
        live_accounts.to_pyarrow(),
        live_contacts.order_by("contact_id").to_pyarrow(),
        similarity=similarity,
        merged_accounts=_roots(parents),
        apart=apart,
    )


def _account_parents(conn: sa.Connection) -> dict[str, str]:
    """Return each merged account's survivor."""
    accounts = schema.accounts
    query = sa.select(accounts.c.account_id, accounts.c.merged_into).where(
        accounts.c.merged_into.is_not(None)
    )
    return dict(conn.execute(query).all())


def _roots(parent: Mapping[str, str]) -> dict[str, str]:
    """Return each merged account's live survivor, following merges of survivors."""
    roots = {}
    for account in parent:
        root, seen = parent[account], {account}
        while root in parent and root not in seen:
            seen.add(root)
            root = parent[root]
        roots[account] = root
    return roots


def _caused_merges(
    conn: sa.Connection, survivor: str, restored: tuple[str, ...]
) -> tuple[str, ...]:
    """Return the live contact merges joining contacts whose accounts share a survivor now
    and will not once `restored` stop being merged into `survivor`."""
    before = _account_parents(conn)
    after = {a: p for a, p in before.items() if not (p == survivor and a in restored)}
    old, new = _roots(before), _roots(after)
    moved = [a for a in before if old[a] != new.get(a, a)]
    log, kept, folded = schema.merge_log, schema.contacts.alias(), schema.contacts.alias()
    query = (
        sa.select(log.c.merge_id, kept.c.account_id, folded.c.account_id)
        .join(kept, kept.c.contact_id == log.c.survivor_id)
        .join(folded, folded.c.contact_id == log.c.duplicate_id)
        .where(log.c.entity == "contacts", log.c.undone_at.is_(None))
        .where(sa.or_(kept.c.account_id.in_(moved), folded.c.account_id.in_(moved)))
    )
    caused = {
        merge_id
        for merge_id, a, b in conn.execute(query)
        if old.get(a, a) == old.get(b, b) and new.get(a, a) != new.get(b, b)
    }
    return tuple(sorted(caused))


def _restore(conn: sa.Connection, entity: str, merge_ids: tuple[str, ...], now: datetime) -> None:
    """Make the duplicates of `merge_ids` live again and stamp the merges undone."""
    if not merge_ids:
        return
    log, table = schema.merge_log, schema.metadata.tables[entity]
    conn.execute(
        sa.update(table)
        .where(
            table.c[KEYS[entity]] == log.c.duplicate_id,
            table.c.merged_into == log.c.survivor_id,
            log.c.merge_id.in_(merge_ids),
        )
        .values(merged_into=None)
    )
    conn.execute(sa.update(log).where(log.c.merge_id.in_(merge_ids)).values(undone_at=now))


def _kept_apart(
    conn: sa.Connection, parents: Mapping[str, str]
) -> dict[str, list[tuple[str, str]]]:
    """Return, per entity, the pairs of records that undone merges keep apart.

    Every two records of an undone merge stay apart, except in a contact merge undone with
    an account merge (one undo stamps both with one `undone_at`, and the contact merge
    joined contacts of accounts the account merge had joined): there only contacts of the
    parted accounts stay apart. The user said those companies differ, not that colleagues
    of one company whom the contact merge also joined are different people.
    """
    accounts = _undone(conn, "accounts")
    parted = {
        (at, frozenset(pair))
        for members, at in accounts
        for pair in itertools.combinations(members, 2)
    }
    apart: dict[str, list[tuple[str, str]]] = {
        "accounts": [p for members, _ in accounts for p in itertools.combinations(members, 2)],
        "contacts": [],
    }
    for members, at in _undone(conn, "contacts"):
        lines = {c: _lineage(account, parents) for c, account in members.items()}
        pairs = list(itertools.combinations(members, 2))
        across = [
            (a, b)
            for a, b in pairs
            if any((at, frozenset((x, y))) in parted for x in lines[a] for y in lines[b])
        ]
        apart["contacts"].extend(across or pairs)
    return apart


def _lineage(account: str | None, parents: Mapping[str, str]) -> list[str]:
    """Return the account and the survivors it was merged into, nearest first."""
    line: list[str] = []
    while account is not None and account not in line:
        line.append(account)
        account = parents.get(account)
    return line


def _undone(conn: sa.Connection, entity: str) -> list[tuple[dict[str, str | None], datetime]]:
    """Return each undone merge of `entity`: its records in id order, each with its
    account, and when it was undone."""
    log, table = schema.merge_log, schema.metadata.tables[entity]
    kept, folded = table.alias(), table.alias()
    columns = (log.c.merge_id, log.c.survivor_id, kept.c.account_id, log.c.duplicate_id)
    query = (
        sa.select(*columns, folded.c.account_id, log.c.undone_at)
        .outerjoin(kept, kept.c[KEYS[entity]] == log.c.survivor_id)
        .outerjoin(folded, folded.c[KEYS[entity]] == log.c.duplicate_id)
        .where(log.c.entity == entity, log.c.undone_at.is_not(None))
        .order_by(log.c.merge_id)
    )
    merges = []
    for _, group in itertools.groupby(conn.execute(query), key=lambda r: r[0]):
        rows = list(group)
        records = {rows[0][1]: rows[0][2]} | {r[3]: r[4] for r in rows}
        merges.append((dict(sorted(records.items())), rows[0][5]))
    return merges


def _write(
    store: Store,
    conn: sa.Connection,
    clusters: tuple[Cluster, ...],
    merge_ids: tuple[str, ...],
    now: datetime,
) -> None:
    staged = store.stage(conn, STAGED, _log_rows(clusters, merge_ids, now))
    try:
        for entity, key in KEYS.items():
            _mark_merged(conn, staged, entity, key)
        columns = [c.name for c in staged.columns]
        conn.execute(
            sa.insert(schema.merge_log).from_select(
                columns, sa.select(*(staged.c[c] for c in columns))
            )
        )
    finally:
        store.unstage(conn, staged)


def _mark_merged(conn: sa.Connection, staged: sa.Table, entity: str, key: str) -> None:
    table = schema.metadata.tables[entity]
    wanted = conn.execute(
        sa.select(sa.func.count()).select_from(staged).where(staged.c.entity == entity)
    ).scalar_one()
    done = conn.execute(
        sa.update(table)
        .where(
            table.c[key] == staged.c.duplicate_id,
            staged.c.entity == entity,
            table.c.merged_into.is_(None),
        )
        .values(merged_into=staged.c.survivor_id)
    ).rowcount
    if done != wanted:
        raise StoreError(f"{entity} changed while duplicates were merged; run the merge again")


def _log_rows(clusters: tuple[Cluster, ...], merge_ids: tuple[str, ...], now: datetime) -> pa.Table:
    pairs = [(m, c, d) for m, c in zip(merge_ids, clusters, strict=True) for d in c.duplicate_ids]
    return pa.table(
        {
            "merge_id": [m for m, _, _ in pairs],
            "duplicate_id": [d for _, _, d in pairs],
            "entity": [c.entity for _, c, _ in pairs],
            "survivor_id": [c.survivor_id for _, c, _ in pairs],
            "rule": [c.rule for _, c, _ in pairs],
            "score": pa.array([c.score for _, c, _ in pairs], pa.float64()),
            "merged_at": pa.array([now] * len(pairs), pa.timestamp("us")),
        }
    )
