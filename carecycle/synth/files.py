"""Writing a world to disk: one CSV or Parquet file per entity."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from carecycle.synth.world import Progress, World


def write_world(
    world: World,
    out: Path,
    *,
    fmt: Literal["csv", "parquet"] = "csv",
    progress: Progress | None = None,
) -> dict[str, Path]:
    """Write `<entity>.csv` or `<entity>.parquet` per entity into `out`; return the paths."""
    if fmt not in ("csv", "parquet"):
        raise ValueError(f"unknown format {fmt!r} (use csv or parquet)")
    out.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    for done, (entity, table) in enumerate(world.tables.items(), start=1):
        path = out / f"{entity}.{fmt}"
        if fmt == "csv":
            # Arrow writes ISO dates, "YYYY-MM-DD HH:MM:SS" times, true/false, empty nulls
            # and decimals at their scale: exactly the import contract's text forms.
            pa_csv.write_csv(table, path)
        else:
            pq.write_table(table, path, compression="zstd")
        written[entity] = path
        if progress is not None:
            progress(entity, done, len(world.tables))
    return written
