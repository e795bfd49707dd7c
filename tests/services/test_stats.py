"""Comparing two groups from CSV files: the analyst's door to the report's statistics."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from carecycle.errors import InputError
from carecycle.measure.experiments import compare_means
from carecycle.services.stats import compare_files


def write(path: Path, header: str, rows: list[str]) -> Path:
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def test_files_compare_exactly_as_the_arrays_do(tmp_path: Path) -> None:
    test = write(tmp_path / "t.csv", "value", ["10", "12", "14", "16"])
    control = write(tmp_path / "c.csv", "value", ["8", "10", "12"])
    found = compare_files(test, control)
    direct = compare_means(np.array([10.0, 12, 14, 16]), np.array([8.0, 10, 12]))
    assert found.comparison == direct
    assert found.sample_ratio.test == 4


def test_cuped_uses_the_pre_period_column(tmp_path: Path) -> None:
    rows_t = [f"{2 * x + 1},{x}" for x in range(10, 30)]
    rows_c = [f"{2 * x - 1},{x}" for x in range(10, 30)]
    test = write(tmp_path / "t.csv", "revenue,before", rows_t)
    control = write(tmp_path / "c.csv", "revenue,before", rows_c)
    found = compare_files(test, control, column="revenue", pre_column="before")
    assert found.theta == pytest.approx(2.0)
    assert found.cuped is not None
    assert found.cuped.difference.estimate == pytest.approx(2.0)
    assert (found.cuped.difference.high or 0) - (found.cuped.difference.low or 0) < 1e-9


@pytest.mark.parametrize(
    ("rows", "options", "message"),
    [
        (["1", "x"], {}, "t.csv:3: value: not a number: 'x'"),
        (["1", "2"], {"column": "revenue"}, "t.csv: no column 'revenue' (columns: value)"),
        (["1", "2.5"], {"kind": "proportion"}, "use kind 'mean' for amounts"),
        (["1", "inf"], {}, "t.csv:3: value: not a finite number"),
        (["1", "2"], {"test_share": 1.5}, "--test-share must be between 0 and 1"),
    ],
)
def test_bad_input_names_file_line_and_column(
    tmp_path: Path, rows: list[str], options: dict[str, object], message: str
) -> None:
    test = write(tmp_path / "t.csv", "value", rows)
    control = write(tmp_path / "c.csv", "value", ["1", "0"])
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        compare_files(test, control, **options)  # type: ignore[arg-type]


def test_the_command_prints_json_for_a_conversion_comparison(tmp_path: Path) -> None:
    test = write(tmp_path / "t.csv", "converted", ["1"] * 30 + ["0"] * 70)
    control = write(tmp_path / "c.csv", "converted", ["1"] * 20 + ["0"] * 80)
    command = [sys.executable, "-m", "carecycle", "stats", "compare", "--test", str(test)]
    command += ["--control", str(control), "--column", "converted", "--kind", "proportion"]
    result = subprocess.run([*command, "--json"], capture_output=True, text=True, check=True)
    found = json.loads(result.stdout)
    comparison = found["comparison"]
    assert comparison["difference"]["estimate"] == pytest.approx(0.1)
    assert comparison["relative"]["estimate"] == pytest.approx(0.5)
    assert found["sample_ratio"]["mismatch"] is False
    bad = subprocess.run([*command[:-2], "--column", "nope"], capture_output=True, text=True)
    assert bad.returncode == 1
    assert bad.stderr.strip().splitlines() == [
        f"error: {test}: no column 'nope' (columns: converted)"
    ]
