"""Writing a world: CSV and Parquet files the importer reads back unchanged."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq
import pytest

from carecycle.ingest.contracts import CONTRACTS
from carecycle.ingest.readers import read_file
from carecycle.ingest.validate import check_file
from carecycle.synth import World, generate_world, write_world
from carecycle.synth.columns import arrow_schema

AS_OF = dt.date(2025, 6, 30)


@pytest.fixture(scope="module")
def world() -> World:
    return generate_world(accounts=500, seed=21, as_of=AS_OF)


@pytest.fixture(scope="module")
def csv_files(world: World, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return write_world(world, tmp_path_factory.mktemp("csv"))


def _read_csv(path: Path, entity: str) -> pa.Table:
    schema = arrow_schema(entity)
    convert = pa_csv.ConvertOptions(
        column_types={f.name: f.type for f in schema},
        strings_can_be_null=True,
        quoted_strings_can_be_null=False,
    )
    return pa_csv.read_csv(path, convert_options=convert).cast(schema)


def test_one_csv_per_entity_named_after_it(csv_files: dict[str, Path]) -> None:
    assert list(csv_files) == list(CONTRACTS)
    assert all(path.name == f"{entity}.csv" for entity, path in csv_files.items())


def test_csv_round_trip_gives_back_the_same_tables(
    world: World, csv_files: dict[str, Path]
) -> None:
    for entity, path in csv_files.items():
        assert _read_csv(path, entity).equals(world.tables[entity]), entity


def test_parquet_round_trip_gives_back_the_same_tables(world: World, tmp_path: Path) -> None:
    paths = write_world(world, tmp_path, fmt="parquet")
    for entity, path in paths.items():
        assert path.suffix == ".parquet"
        # Parquet has no seconds unit: times come back in milliseconds, same instants.
        back = pq.read_table(path).cast(arrow_schema(entity))
        assert back.equals(world.tables[entity]), entity


def test_csv_uses_the_contract_text_forms(csv_files: dict[str, Path]) -> None:
    cases = csv_files["support_cases"].read_text(encoding="utf-8").splitlines()
    assert cases[0] == ",".join(f'"{c}"' for c in CONTRACTS["support_cases"].names)
    assert re.search(r",\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2},", cases[1])
    assert re.search(r",(true|false),$", cases[1])  # sla_met, then an empty description
    agreement = csv_files["agreements"].read_text(encoding="utf-8").splitlines()[1]
    assert re.search(r",\d{4}-\d{2}-\d{2},\d{4}-\d{2}-\d{2},\d+\.\d{2},", agreement)
    assert ',,"P' in agreement or agreement.endswith(",")  # first agreements renew nothing


def test_money_is_written_with_exactly_two_decimals(world: World, tmp_path: Path) -> None:
    path = write_world(world, tmp_path)["order_lines"]
    for line in path.read_text(encoding="utf-8").splitlines()[1:200]:
        *_, unit_price, amount = line.split(",")
        assert re.fullmatch(r"\d+\.\d{2}", unit_price)
        assert re.fullmatch(r"\d+\.\d{2}", amount)


def test_same_seed_writes_byte_identical_files(tmp_path: Path) -> None:
    first = write_world(generate_world(accounts=300, seed=4, as_of=AS_OF), tmp_path / "a")
    second = write_world(generate_world(accounts=300, seed=4, as_of=AS_OF), tmp_path / "b")
    for entity, path in first.items():
        assert path.read_bytes() == second[entity].read_bytes(), entity


def test_progress_counts_the_files(world: World, tmp_path: Path) -> None:
    seen: list[tuple[str, int, int]] = []
    write_world(world, tmp_path, progress=lambda *a: seen.append(a))
    assert [s[0] for s in seen] == list(CONTRACTS)
    assert seen[-1][1:] == (len(CONTRACTS), len(CONTRACTS))


def test_unknown_format_is_refused(world: World, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown format"):
        write_world(world, tmp_path, fmt="xlsx")  # type: ignore[arg-type]


def test_the_importer_accepts_every_row(csv_files: dict[str, Path]) -> None:
    for entity, path in csv_files.items():
        checked = check_file(read_file(path), CONTRACTS[entity], default_region="CN")
        assert not checked.problems, [str(p) for p in checked.problems[:5]]
        assert checked.table.num_rows == checked.rows_read
