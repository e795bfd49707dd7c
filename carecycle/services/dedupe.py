"""Use cases: merge duplicate accounts and contacts, count them, list merges, undo one.

Merging deletes nothing: a duplicate keeps its row, with `merged_into` set to its
survivor's id, and `merge_log` holds one row per duplicate saying which merge, rule and
score. Accounts merge first; contacts are then compared within each account's survivor.
Undoing a merge clears `merged_into` and stamps `undone_at`; the records of an undone
merge are kept apart afterwards, so the next merge does not fold them together again.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Iterable
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
    """The records an undone merge made live again."""

    merge_id: str
    entity: str
    survivor_id: str
    restored_ids: tuple[str, ...]
    undone_at: datetime


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
    """Make a merge's duplicates live again and keep them apart from then on."""
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
        table = schema.metadata.tables[entity]
        conn.execute(
            sa.update(table)
            .where(table.c[KEYS[entity]].in_(restored), table.c.merged_into == survivor)
            .values(merged_into=None)
        )
        conn.execute(sa.update(log).where(log.c.merge_id == merge_id).values(undone_at=now))
    return UndoReport(merge_id, entity, survivor, restored, now)


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
    merged = accounts.filter(accounts.merged_into.notnull()).select("account_id", "merged_into")
    return dedupe.find_clusters(
        live_accounts.to_pyarrow(),
        live_contacts.order_by("contact_id").to_pyarrow(),
        similarity=similarity,
        merged_accounts=_roots(merged.to_pyarrow()),
        apart=_kept_apart(store),
    )


def _roots(merged: pa.Table) -> dict[str, str]:
    """Return each merged account's live survivor, following merges of survivors."""
    parent = dict(
        zip(merged["account_id"].to_pylist(), merged["merged_into"].to_pylist(), strict=True)
    )
    roots = {}
    for account in parent:
        root, seen = parent[account], {account}
        while root in parent and root not in seen:
            seen.add(root)
            root = parent[root]
        roots[account] = root
    return roots


def _kept_apart(store: Store) -> dict[str, list[tuple[str, str]]]:
    """Return, per entity, every pair of records that an undone merge had joined."""
    log = schema.merge_log
    query = sa.select(log.c.merge_id, log.c.entity, log.c.survivor_id, log.c.duplicate_id)
    with store.begin() as conn:
        rows = conn.execute(
            query.where(log.c.undone_at.is_not(None)).order_by(log.c.merge_id)
        ).all()
    apart: dict[str, list[tuple[str, str]]] = {entity: [] for entity in KEYS}
    for _, group in itertools.groupby(rows, key=lambda r: r.merge_id):
        members = list(group)
        ids = sorted({members[0].survivor_id, *(r.duplicate_id for r in members)})
        apart[members[0].entity].extend(itertools.combinations(ids, 2))
    return apart


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
