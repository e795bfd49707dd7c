"""Use case: import files into the store, all-or-nothing, idempotent on source keys."""

from __future__ import annotations

import csv
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import sqlalchemy as sa

from carecycle.errors import InputError, StoreError
from carecycle.ingest.contracts import CONTRACTS, import_order
from carecycle.ingest.readers import Problem, read_file
from carecycle.ingest.references import check_references
from carecycle.ingest.validate import (
    REJECT_COLUMNS,
    ROW,
    Checked,
    PhoneRegions,
    check_file,
    store_columns,
)
from carecycle.store import schema
from carecycle.store.db import Store

SUFFIXES = (".csv", ".tsv", ".txt", ".parquet", ".pq")
Progress = Callable[[str], None]


@dataclass(frozen=True)
class FileResult:
    """What importing one file did."""

    entity: str
    file: str
    rows_read: int
    inserted: int
    updated: int
    unchanged: int
    rejected: int


@dataclass(frozen=True)
class ImportReport:
    """The outcome of one import batch."""

    batch_id: str
    committed: bool
    files: tuple[FileResult, ...]
    problems: tuple[Problem, ...]
    reject_files: tuple[str, ...]


def files_in(directory: Path) -> list[tuple[str, Path]]:
    """Return (entity, file) for every import file in `directory`, in import order."""
    if not directory.is_dir():
        raise InputError(f"{directory}: no such directory")
    found: list[tuple[str, Path]] = []
    unknown = []
    for path in sorted(directory.iterdir()):
        if path.suffix.lower() not in SUFFIXES or ".rejects" in path.name:
            continue
        entity = entity_of(path)
        if entity is None:
            unknown.append(path.name)
        else:
            found.append((entity, path))
    if unknown:
        raise InputError(
            f"{directory}: cannot tell the entity of {', '.join(unknown)}; name files after "
            f"an entity ({', '.join(CONTRACTS)}), optionally with a _suffix"
        )
    if not found:
        raise InputError(f"{directory}: no .csv or .parquet files to import")
    return ordered(found)


def entity_of(path: Path) -> str | None:
    """Return the entity a file name stands for: `orders.csv`, `orders_2024.csv` → orders."""
    stem = path.name.split(".")[0].lower()
    matches = [e for e in CONTRACTS if stem == e or stem.startswith((e + "_", e + "-"))]
    return max(matches, key=len) if matches else None


def ordered(items: Sequence[tuple[str, Path]]) -> list[tuple[str, Path]]:
    """Return `items` sorted so that every entity comes after those it refers to."""
    rank = {e: i for i, e in enumerate(import_order())}
    for entity, _ in items:
        if entity not in rank:
            raise InputError(f"unknown entity {entity!r}; expected one of {', '.join(rank)}")
    unique: dict[Path, tuple[str, Path]] = {}
    for entity, path in items:
        unique.setdefault(path.resolve(), (entity, path))
    return sorted(unique.values(), key=lambda item: rank[item[0]])


def import_files(
    store: Store,
    items: Sequence[tuple[str, Path]],
    *,
    default_region: str,
    now: datetime,
    skip_bad: bool = False,
    dry_run: bool = False,
    encoding: str = "auto",
    delimiter: str | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Check every file, then write all of them in one transaction (or nothing)."""
    say = progress or (lambda _: None)
    batch = _check_batch(store, ordered(items), default_region, encoding, delimiter, say)
    problems = tuple(p for checked in batch for p in sorted(checked.problems, key=_where))
    batch_id = uuid.uuid4().hex
    if problems and not skip_bad:
        return ImportReport(batch_id, False, _dry(batch), problems, ())
    if dry_run:
        return ImportReport(batch_id, False, _dry(batch), problems, ())
    results = _write_batch(store, batch, batch_id, now, say)
    rejects = tuple(str(_write_rejects(c)) for c in batch if c.problems)
    return ImportReport(batch_id, True, results, problems, rejects)


def _where(problem: Problem) -> tuple[int, str]:
    return problem.line, problem.column


def _check_batch(
    store: Store,
    items: Sequence[tuple[str, Path]],
    region: str,
    encoding: str,
    delimiter: str | None,
    say: Progress,
) -> list[Checked]:
    batch: list[Checked] = []
    for entity, path in items:
        say(f"reading {path.name}")
        raw = read_file(path, encoding=encoding, delimiter=delimiter)
        say(f"checking {path.name}")
        regions = _account_countries(store, batch) if entity == "contacts" else None
        checked = check_file(raw, CONTRACTS[entity], default_region=region, phone_regions=regions)
        if not checked.problems:
            raw.release()  # a later reference problem reads the file again
        batch.append(checked)
    _reject_keys_seen_in_earlier_files(batch)
    say("checking references")
    check_references(batch, _known_ids(store))
    return batch


def _reject_keys_seen_in_earlier_files(batch: Sequence[Checked]) -> None:
    """Refuse a key that an earlier file of the same entity in this import already has."""
    seen: dict[str, list[tuple[Checked, pa.Array]]] = {}
    for checked in batch:
        keys = _key_text(checked)
        for earlier, earlier_keys in seen.get(checked.entity, []):
            again = pc.is_in(keys, value_set=earlier_keys)
            if pc.any(again).as_py():
                lines = checked.raw.lines_of(checked.table.filter(again)[ROW].to_pylist())
                label = ", ".join(CONTRACTS[checked.entity].key)
                checked.reject(
                    again,
                    [
                        Problem(
                            str(checked.raw.path),
                            line,
                            label,
                            f"key also in {earlier.raw.path.name}",
                        )
                        for line in lines
                    ],
                )
                keys = _key_text(checked)
        seen.setdefault(checked.entity, []).append((checked, keys))


def _key_text(checked: Checked) -> pa.Array:
    parts = [checked.table[k].cast(pa.string()) for k in CONTRACTS[checked.entity].key]
    joined = parts[0] if len(parts) == 1 else pc.binary_join_element_wise(*parts, "\x1f")
    return joined.combine_chunks() if isinstance(joined, pa.ChunkedArray) else joined


def _account_countries(store: Store, batch: Sequence[Checked]) -> PhoneRegions:
    """Return a lookup of each row's account country, this batch's accounts first."""

    def regions(table: pa.Table) -> pa.Array | None:
        if "account_id" not in table.column_names:
            return None
        known = [
            c.table for c in batch if c.entity == "accounts" and "country" in c.table.column_names
        ]
        stored = store.ibis().table("accounts").select("account_id", "country").to_pyarrow()
        pairs = pa.concat_tables(
            [t.select(["account_id", "country"]).cast(stored.schema) for t in known] + [stored]
        )
        ids = table["account_id"].combine_chunks()
        where = pc.index_in(ids, value_set=pairs["account_id"].combine_chunks())
        return pc.take(pairs["country"].combine_chunks(), where)

    return regions


def _known_ids(store: Store) -> Callable[[str], pa.Array]:
    cache: dict[str, pa.Array] = {}

    def known(entity: str) -> pa.Array:
        if entity not in cache:
            key = CONTRACTS[entity].key[0]
            table = store.ibis().table(entity).select(key).to_pyarrow()
            cache[entity] = table[key].combine_chunks().cast(pa.string())
        return cache[entity]

    return known


def _dry(batch: Sequence[Checked]) -> tuple[FileResult, ...]:
    return tuple(
        FileResult(c.entity, str(c.raw.path), c.rows_read, 0, 0, 0, len(c.rejected_lines))
        for c in batch
    )


def _write_batch(
    store: Store, batch: Sequence[Checked], batch_id: str, now: datetime, say: Progress
) -> tuple[FileResult, ...]:
    try:
        return _write_all(store, batch, batch_id, now, say)
    except sa.exc.DBAPIError as exc:
        first = str(exc.orig).strip().splitlines()[0] if exc.orig else type(exc).__name__
        raise StoreError(f"the store refused the import ({first}); nothing was written") from None


def _write_all(
    store: Store, batch: Sequence[Checked], batch_id: str, now: datetime, say: Progress
) -> tuple[FileResult, ...]:
    results = []
    with store.begin() as conn:
        for checked in batch:
            say(f"writing {checked.raw.path.name}")
            inserted, updated, unchanged = _upsert(store, conn, checked)
            result = FileResult(
                checked.entity,
                str(checked.raw.path),
                checked.rows_read,
                inserted,
                updated,
                unchanged,
                len(checked.rejected_lines),
            )
            conn.execute(schema.import_log.insert(), [_log_row(result, checked, batch_id, now)])
            results.append(result)
    return tuple(results)


def _upsert(store: Store, conn: sa.Connection, checked: Checked) -> tuple[int, int, int]:
    """Insert new keys, update changed rows; return (inserted, updated, unchanged)."""
    data = store_columns(checked)
    contract = CONTRACTS[checked.entity]
    target = contract.table
    staged = store.stage(conn, f"stage_{checked.entity}", data)
    same_key = sa.and_(*(target.c[k] == staged.c[k] for k in contract.key))
    values = [n for n in data.column_names if n not in contract.key]
    changed = sa.or_(sa.false(), *(target.c[n].is_distinct_from(staged.c[n]) for n in values))
    new_rows = sa.select(*staged.c).where(~sa.exists().where(same_key))
    inserted = _count(conn, new_rows)
    updated = _count(conn, sa.select(staged.c[contract.key[0]]).where(same_key, changed))
    if updated:
        conn.execute(
            sa.update(target).values({n: staged.c[n] for n in values}).where(same_key, changed)
        )
    if inserted:
        conn.execute(sa.insert(target).from_select(data.column_names, new_rows))
    store.unstage(conn, staged)
    return inserted, updated, data.num_rows - inserted - updated


def _count(conn: sa.Connection, query: sa.Select[tuple[object, ...]]) -> int:
    return int(conn.execute(sa.select(sa.func.count()).select_from(query.subquery())).scalar_one())


def _log_row(
    result: FileResult, checked: Checked, batch_id: str, now: datetime
) -> dict[str, object]:
    return {
        "import_id": uuid.uuid4().hex,
        "batch_id": batch_id,
        "entity": result.entity,
        "file": result.file,
        "sha256": checked.raw.sha256,
        "rows_read": result.rows_read,
        "inserted": result.inserted,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "rejected": result.rejected,
        "imported_at": now,
    }


def _write_rejects(checked: Checked) -> Path:
    """Write FILE.rejects.csv beside the input: each rejected row as read, with why.

    The file imports as it is once fixed: `_line` and `_reasons` are ignored on import.
    """
    raw = checked.raw
    path = raw.path.with_name(raw.path.stem + ".rejects.csv")
    reasons: dict[int, list[str]] = {}
    for p in sorted(checked.problems, key=_where):
        why = f"{p.column}: {p.reason}" if p.column else f"{p.reason}: {p.value}"
        reasons.setdefault(p.line, []).append(why)
    names = [n for n in raw.table.column_names if n not in REJECT_COLUMNS]
    rows = dict(zip(raw.lines_of(range(raw.table.num_rows)), raw.table.to_pylist(), strict=True))
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow([*names, *REJECT_COLUMNS])
        for line, listed in sorted(reasons.items()):
            values = rows.get(line, {})
            writer.writerow([*(values.get(n) for n in names), line, "; ".join(listed)])
    return path
