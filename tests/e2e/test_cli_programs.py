"""Lifecycle programs from the command line: real processes on a DuckDB file store.

One small synthetic world is imported and planned once per module; the tests after that
only read it (a second plan of the same day, dry runs, explain and simulate write nothing).
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pytest

from carecycle.programs.loader import builtin_dir
from tests.e2e.test_cli import ok

BUILTINS = ["smb-customer-care", "subscription-lifecycle"]
DAY = date(2026, 3, 2)  # a Monday: the next days are weekdays, without quiet days
ACCOUNTS = 300
ANNUITY = {"open_license", "open_value", "select", "ea", "olv"}
DECIDED = {"planned", "deferred", "held_out", "suppressed", "dropped"}
STORE_TABLES = ("touches", "touch_events", "holdout_assignments", "program_revisions")


def carecycle(*args: str, url: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run the CLI as a person does, the store given by the global --database-url option."""
    env = {k: v for k, v in os.environ.items() if k != "CARECYCLE_DATABASE_URL"}
    env["COLUMNS"] = "200"
    return subprocess.run(
        [sys.executable, "-m", "carecycle", "--database-url", url, *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=600,
    )


def one_line_error(result: subprocess.CompletedProcess[str], message: str) -> None:
    assert result.returncode == 1, (result.returncode, result.stderr[-2000:])
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr


@dataclass(frozen=True)
class World:
    folder: Path
    path: Path
    url: str
    first_plan: list[dict[str, Any]]
    account_id: str
    agreement_id: str

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return carecycle(*args, url=self.url, cwd=self.folder)

    def counts(self) -> dict[str, int]:
        """Return the rows of each table the planner writes to."""
        with duckdb.connect(str(self.path), read_only=True) as con:
            found = {}
            for name in STORE_TABLES:
                row = con.execute(f"SELECT count(*) FROM {name}").fetchone()
                assert row is not None
                found[name] = int(row[0])
            return found


def _renewing_today(agreements: Path) -> tuple[str, str]:
    """Return an account and its agreement whose renewal countdown reaches day 0 on DAY."""
    with agreements.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            in_renew = row["sa"] == "true" or row["program"] in {"ea", "olv", "open_value"}
            if (
                row["program"] in ANNUITY
                and in_renew
                and not row["cancelled_on"]
                and row["end_on"] == DAY.isoformat()
            ):
                return row["account_id"], row["agreement_id"]
    raise AssertionError(f"the synthetic world has no annuity agreement ending on {DAY}")


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    """Return a store holding a small synthetic business, planned once for DAY."""
    folder = tmp_path_factory.mktemp("programs-world")
    path = folder / "carecycle.duckdb"
    url = f"duckdb:///{path}"
    ok(
        carecycle(
            "synth",
            "--accounts",
            str(ACCOUNTS),
            "--seed",
            "7",
            "--out",
            "W",
            "--as-of",
            DAY.isoformat(),
            "--json",
            url=url,
            cwd=folder,
        )
    )
    imported = json.loads(
        ok(carecycle("import", "--dir", "W", "--json", url=url, cwd=folder)).stdout
    )
    assert imported["committed"]
    planned = ok(carecycle("plan", "--as-of", DAY.isoformat(), "--json", url=url, cwd=folder))
    account_id, agreement_id = _renewing_today(folder / "W" / "agreements.csv")
    return World(folder, path, url, json.loads(planned.stdout), account_id, agreement_id)


# --- programs list / show / validate -------------------------------------------------------


def test_programs_list_json_lists_the_builtins(tmp_path: Path) -> None:
    url = f"duckdb:///{tmp_path / 's.duckdb'}"
    listed = json.loads(ok(carecycle("programs", "list", "--json", url=url, cwd=tmp_path)).stdout)
    assert [p["id"] for p in listed] == BUILTINS
    smb = listed[0]
    assert smb["stages"] == ["welcome", "deploy", "use", "renew"]
    assert smb["touches"] > 0
    assert smb["holdout_share"] == pytest.approx(0.10)
    assert all(Path(p["source"]).name == f"{p['id']}.yaml" for p in listed)


def test_programs_show_prints_stages_and_touches(tmp_path: Path) -> None:
    url = f"duckdb:///{tmp_path / 's.duckdb'}"
    shown = ok(carecycle("programs", "show", "smb-customer-care", url=url, cwd=tmp_path)).stdout
    assert "SMB Customer Care (smb-customer-care, version 1)" in shown
    for text in ("Welcome", "Deploy", "Use", "Renew", "welcome_call", "renew_minus_0"):
        assert text in shown


def _builtin_text() -> str:
    return (builtin_dir() / "smb-customer-care.yaml").read_text(encoding="utf-8")


def test_programs_validate_accepts_a_good_file(tmp_path: Path) -> None:
    url = f"duckdb:///{tmp_path / 's.duckdb'}"
    (tmp_path / "mine.yaml").write_text(_builtin_text(), encoding="utf-8")
    result = ok(carecycle("programs", "validate", "mine.yaml", url=url, cwd=tmp_path))
    assert result.stdout.startswith("mine.yaml: ok (smb-customer-care, ")
    # The same file is a program anywhere a PROGRAM is asked for.
    shown = json.loads(
        ok(carecycle("programs", "show", "mine.yaml", "--json", url=url, cwd=tmp_path)).stdout
    )
    assert shown["id"] == "smb-customer-care"


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ("priority: 60", "priority: 500", "stages.0.touches.0.priority"),
        (
            "agreement.program: {in: [open_license, open_value, select, ea, olv]}",
            "agreement.colour: red",
            "agreement.colour",
        ),
    ],
    ids=["priority-out-of-range", "unknown-fact"],
)
def test_programs_validate_names_file_line_and_field(
    tmp_path: Path, old: str, new: str, field: str
) -> None:
    text = _builtin_text()
    assert old in text
    line = text[: text.index(old)].count("\n") + 1
    (tmp_path / "bad.yaml").write_text(text.replace(old, new, 1), encoding="utf-8")
    result = carecycle(
        "programs", "validate", "bad.yaml", url=f"duckdb:///{tmp_path / 's.duckdb'}", cwd=tmp_path
    )
    one_line_error(result, f"error: bad.yaml:{line}: ")
    assert field in result.stderr


def test_programs_validate_reports_every_file(tmp_path: Path) -> None:
    text = _builtin_text()
    (tmp_path / "good.yaml").write_text(text, encoding="utf-8")
    (tmp_path / "bad.yaml").write_text(text.replace("priority: 60", "priority: 500", 1))
    result = carecycle(
        "programs",
        "validate",
        "good.yaml",
        "bad.yaml",
        "--json",
        url=f"duckdb:///{tmp_path / 's.duckdb'}",
        cwd=tmp_path,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    report = json.loads(result.stdout)
    assert [v["id"] for v in report["valid"]] == ["smb-customer-care"]
    assert len(report["errors"]) == 1
    assert report["errors"][0].startswith("bad.yaml:")
    assert report["errors"][0] in result.stderr


# --- user errors -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("programs", "show", "nope"), "error: no program 'nope'"),
        (("plan", "--as-of", "2025-13-01"), "error: --as-of: expected a date as YYYY-MM-DD"),
        (("plan", "--program", "missing.yaml"), "error: missing.yaml: cannot read program file"),
        (("explain", "A0000001", "--as-of", "2025-13-01"), "error: --as-of:"),
        (
            ("simulate", "-p", "smb-customer-care", "--from", "2026-02-30", "--to", "2026-03-01"),
            "error: --from:",
        ),
        (
            ("simulate", "-p", "smb-customer-care", "--from", "2026-03-05", "--to", "2026-03-01"),
            "error: --to 2026-03-01 is before --from 2026-03-05",
        ),
    ],
    ids=[
        "unknown-program",
        "plan-bad-date",
        "missing-file",
        "explain-bad-date",
        "bad-from",
        "to-before-from",
    ],
)
def test_user_errors_are_one_line_and_exit_1(
    tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    one_line_error(
        carecycle(*args, url=f"duckdb:///{tmp_path / 's.duckdb'}", cwd=tmp_path), message
    )


# --- plan, explain and simulate on a store --------------------------------------------------


def test_plan_decides_each_touch_once(world: World) -> None:
    first = world.first_plan
    assert [r["program_id"] for r in first] == BUILTINS
    for r in first:
        assert r["as_of"] == DAY.isoformat()
        assert not r["dry_run"]
        assert r["revision"] == 1
        assert r["statuses"]["planned"] > 0
        assert set(r["statuses"]) <= DECIDED
        assert sum(r["by_channel"].values()) == r["statuses"]["planned"]
        assert sum(r["by_stage"].values()) == r["statuses"]["planned"]
        assert sum(r["assigned"].values()) > 0
    before = world.counts()
    assert before["touches"] == sum(sum(r["statuses"].values()) for r in first)
    assert before["holdout_assignments"] == sum(sum(r["assigned"].values()) for r in first)
    assert before["program_revisions"] == len(BUILTINS)

    again = json.loads(ok(world.run("plan", "--as-of", DAY.isoformat(), "--json")).stdout)
    assert [r["program_id"] for r in again] == BUILTINS
    assert all(r["statuses"] == {} and r["assigned"] == {} for r in again)
    assert all(r["revision"] == 1 for r in again)
    assert world.counts() == before


def test_dry_run_and_simulate_write_nothing_and_agree(world: World) -> None:
    before = world.counts()
    nxt = DAY + timedelta(days=1)
    args = ("plan", "--program", "smb-customer-care", "--as-of", nxt.isoformat(), "--dry-run")
    [dry] = json.loads(ok(world.run(*args, "--json")).stdout)
    assert dry["dry_run"]
    assert dry["as_of"] == nxt.isoformat()
    assert dry["statuses"].get("planned", 0) > 0, "the next day should have touches to plan"
    assert world.counts() == before

    # A second dry run sees the same store, so it decides the same, here read from the table.
    shown = ok(world.run(*args)).stdout
    planned = dry["statuses"]["planned"]
    assert f"smb-customer-care revision 1, {nxt}: would plan {planned:,} touches" in shown
    for status in dry["statuses"]:
        assert status in shown
    assert world.counts() == before

    last = DAY + timedelta(days=3)
    result = ok(
        world.run(
            "simulate",
            "--program",
            "smb-customer-care",
            "--from",
            nxt.isoformat(),
            "--to",
            last.isoformat(),
            "--csv",
            "-",
        )
    )
    assert result.stdout.splitlines()[0] == "day,stage_id,channel,status,touches"
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows
    assert {r["day"] for r in rows} <= {(nxt + timedelta(days=i)).isoformat() for i in range(3)}
    assert all(int(r["touches"]) > 0 for r in rows)
    first_day: Counter[str] = Counter()
    for r in rows:
        if r["day"] == nxt.isoformat():
            first_day[r["status"]] += int(r["touches"])
    # The simulation's first day is exactly what planning that day would decide.
    assert dict(first_day) == dry["statuses"]
    assert world.counts() == before


def test_explain_shows_the_day_zero_renewal_touch(world: World) -> None:
    found = json.loads(
        ok(
            world.run(
                "explain",
                world.account_id,
                "--as-of",
                DAY.isoformat(),
                "--program",
                "smb-customer-care",
                "--json",
            )
        ).stdout
    )
    assert isinstance(found, list)
    first = found[0]
    assert first["program_id"] == "smb-customer-care"
    assert first["account_id"] == world.account_id
    assert first["arm"] in {"test", "holdout"}
    assert first["cycles"]
    assert all(t["verdict"] for c in first["cycles"] for t in c["touches"])
    [cycle] = [c for c in first["cycles"] if c["agreement_id"] == world.agreement_id]
    assert cycle["stage"] == "renew"
    [day_zero] = [t for t in cycle["touches"] if t["touch_id"] == "renew_minus_0"]
    assert day_zero["due_on"] == DAY.isoformat()
    # The plan run of DAY decided it, and explain reports that decision.
    assert day_zero["verdict"] in DECIDED


def test_explain_unknown_account_is_one_line(world: World) -> None:
    result = world.run("explain", "A9999999", "--as-of", DAY.isoformat(), "-p", "smb-customer-care")
    one_line_error(result, "error: no account 'A9999999' in the store")
