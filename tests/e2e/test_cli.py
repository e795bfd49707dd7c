"""The command line as a person uses it: real processes, real stores."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

WORLD_ACCOUNTS = 400


def carecycle(
    *args: str, url: str, cwd: Path, columns: int = 200
) -> subprocess.CompletedProcess[str]:
    """Run the real CLI in a process, as a person does in a terminal `columns` wide."""
    env = {**os.environ, "CARECYCLE_DATABASE_URL": url, "COLUMNS": str(columns)}
    return subprocess.run(
        [sys.executable, "-m", "carecycle", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=600,
    )


def ok(result: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
    assert result.returncode == 0, result.stderr[-2000:]
    return result


def test_synth_import_quality_journey(store_url: str, tmp_path: Path) -> None:
    synth = ok(
        carecycle(
            "synth",
            "--accounts",
            str(WORLD_ACCOUNTS),
            "--seed",
            "7",
            "--out",
            "W",
            "--as-of",
            "2026-11-23",
            "--json",
            url=store_url,
            cwd=tmp_path,
        )
    )
    rows = json.loads(synth.stdout)["rows"]
    assert rows["accounts"] >= WORLD_ACCOUNTS

    imported = json.loads(
        ok(carecycle("import", "--dir", "W", "--json", url=store_url, cwd=tmp_path)).stdout
    )
    assert imported["committed"]
    assert {f["entity"]: f["inserted"] for f in imported["files"]} == rows

    again = json.loads(
        ok(carecycle("import", "--dir", "W", "--json", url=store_url, cwd=tmp_path)).stdout
    )
    assert all(f["inserted"] == 0 and f["updated"] == 0 for f in again["files"])

    quality = json.loads(ok(carecycle("quality", "--json", url=store_url, cwd=tmp_path)).stdout)
    assert quality["completeness"]["contacts"] == rows["contacts"]
    assert (
        sum(level["count"] for level in quality["completeness"]["levels"].values())
        == rows["contacts"]
    )
    assert quality["duplicates"]["contacts"]["found"] > 0
    assert all(n == 0 for n in quality["orphans"].values())
    assert json.loads((tmp_path / "quality.json").read_text())["accounts"] == quality["accounts"]

    merged = json.loads(ok(carecycle("dedupe", "--json", url=store_url, cwd=tmp_path)).stdout)
    assert merged["clusters"]
    after = json.loads(ok(carecycle("quality", "--json", url=store_url, cwd=tmp_path)).stdout)
    assert after["duplicates"]["contacts"]["merged"] > 0
    assert after["duplicates"]["contacts"]["found"] == 0


def test_bad_file_is_one_line_per_problem_and_exit_1(tmp_path: Path) -> None:
    url = f"duckdb:///{tmp_path / 's.duckdb'}"
    (tmp_path / "accounts.csv").write_text("account_id,name,created_on\nA1,Acme,2024-13-01\n")
    result = carecycle("import", "accounts", "accounts.csv", url=url, cwd=tmp_path)
    assert result.returncode == 1
    assert (
        "accounts.csv:2: created_on: not a date (expected YYYY-MM-DD) (got '2024-13-01')"
        in result.stderr
    )
    assert "nothing was written" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("import", "accounts", "missing.csv"), "error: missing.csv: no such file"),
        (("import",), "error: give ENTITY FILE…"),
        (("import", "acounts", "x.csv"), "error: unknown entity 'acounts'"),
        (
            ("synth", "--as-of", "tomorrow"),
            "error: --as-of: expected a date as YYYY-MM-DD, got 'tomorrow'",
        ),
        (("dedupe", "undo", "nope"), "error:"),
    ],
)
def test_user_errors_are_one_line_without_traceback(
    tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    result = carecycle(*args, url=f"duckdb:///{tmp_path / 's.duckdb'}", cwd=tmp_path)
    assert result.returncode != 0
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_bad_setting_is_named(tmp_path: Path) -> None:
    env_url = f"duckdb:///{tmp_path / 's.duckdb'}"
    result = subprocess.run(
        [sys.executable, "-m", "carecycle", "db", "current"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "CARECYCLE_DATABASE_URL": env_url, "CARECYCLE_DEFAULT_REGION": "China"},
    )
    assert result.returncode == 1
    assert "default_region" in result.stderr
    assert "Traceback" not in result.stderr


def test_locked_store_names_the_holder(held_duckdb: tuple[Path, int], tmp_path: Path) -> None:
    path, pid = held_duckdb
    result = carecycle("quality", url=f"duckdb:///{path}", cwd=tmp_path)
    assert result.returncode == 3
    assert f"in use by process {pid}" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_demo_builds_imports_cleans_and_reports(tmp_path: Path) -> None:
    url = f"duckdb:///{tmp_path / 'carecycle.duckdb'}"
    result = ok(carecycle("demo", "--accounts", "300", url=url, cwd=tmp_path))
    for heading in (
        "a synthetic business",
        "import into the store",
        "merge duplicates",
        "data quality",
        "hand today's touches to the channels",
    ):
        assert heading in result.stdout
    assert "contact completeness" in result.stdout
    assert re.search(r"score\.health: [\d,]+ accounts scored on", result.stdout)
    assert re.search(r"advocate +\│? *[\d,]+", result.stdout)
    awarded = re.search(r"awarded ([\d,]+) points in ([\d,]+) entries", result.stdout)
    assert awarded is not None
    assert int(awarded[1].replace(",", "")) > 0
    assert re.search(r"[\d,]+ up, [\d,]+ down, [1-9][\d,]* entered", result.stdout)
    assert re.search(r"tsr_call \d{4}-\d{2}-\d{2}: queued \d+ calls", result.stdout)
    assert "emails are not sent by the demo" in result.stdout
    assert json.loads((tmp_path / "quality.json").read_text())["accounts"] > 0
    assert re.search(r"effect .*planted .*measured .*CI .*covered", result.stdout)
    assert (
        (tmp_path / "report-smb-customer-care.html")
        .read_text()
        .lstrip()
        .startswith("<!DOCTYPE html>")
    )
    planted = json.loads((tmp_path / "demo-world" / "planted.json").read_text())
    assert planted["truth"]["renewals"]

    again = ok(carecycle("demo", "--accounts", "300", url=url, cwd=tmp_path))
    assert "already in the store" in again.stdout
    assert "nothing to run" in again.stdout
    assert "no duplicates found" in again.stdout
    assert "awarded 0 points in 0 entries" in again.stdout  # the same day: nothing new
    assert "0 up, 0 down, 0 entered" in again.stdout
    assert re.search(r"effect .*planted .*measured .*CI .*covered", again.stdout)
