"""Use case: measure the data quality of the customer base."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ibis import _

from carecycle.ingest import quality
from carecycle.services.dedupe import count_duplicates
from carecycle.store.db import Store


@dataclass(frozen=True)
class Duplicates:
    """Duplicates of one entity: still to merge, and merged (not undone)."""

    found: int
    merged: int


@dataclass(frozen=True)
class QualityReport:
    """The data-quality KPIs the seed asks to improve."""

    measured_at: datetime
    store: str
    accounts: int
    completeness: quality.Completeness
    reachability: list[quality.Reachability]
    validity: quality.Validity
    duplicates: dict[str, Duplicates]
    orphans: dict[str, int]

    @property
    def orphan_rows(self) -> int:
        """Return the total number of rows that name a missing row."""
        return sum(self.orphans.values())


def measure_quality(store: Store, *, similarity: float, now: datetime) -> QualityReport:
    """Return the data-quality KPIs of the store as it is now."""
    tables = store.tables()
    accounts = tables["accounts"]
    return QualityReport(
        measured_at=now,
        store=store.dialect,
        accounts=int(accounts.filter(accounts.merged_into.isnull()).count().execute()),
        completeness=quality.measure_completeness(tables),
        reachability=quality.measure_reachability(tables),
        validity=quality.measure_validity(tables),
        duplicates=_duplicates(store, tables, similarity),
        orphans=quality.count_orphans(tables),
    )


def _duplicates(store: Store, tables: dict[str, Any], similarity: float) -> dict[str, Duplicates]:
    log = tables["merge_log"]
    merged = log.filter(log.undone_at.isnull()).group_by("entity").aggregate(n=_.count()).execute()
    merged_by = dict(zip(merged["entity"], merged["n"], strict=True))
    found = count_duplicates(store, similarity=similarity)
    return {
        entity: Duplicates(int(found.get(entity, 0)), int(merged_by.get(entity, 0)))
        for entity in ("accounts", "contacts")
    }
