"""`carecycle forward` and `carecycle report` as a person runs them, on both stores.

One small synthetic world per backend is imported, run forward four weeks with planted
effects and reported in each format, once per module; the tests after that read what
was written, or check that a refused command wrote nothing.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from carecycle.store.db import open_store
from carecycle.synth.behaviour import EFFECT_FORMAT, Truth
from tests.conftest import _fresh_postgres_url
from tests.e2e.test_cli import carecycle, ok

START = date(2025, 3, 3)  # a Monday: weekly planning never lands on a quiet day
DAYS = 28
END = START + timedelta(DAYS - 1)
NEXT = (END + timedelta(1)).isoformat()
ACCOUNTS = 200
PROGRAM = "smb-customer-care"
EFFECTS = ("--effect", "use.purchase=0.6", "--effect", "renew.renewal=0.12")
RUN_TABLES = ("touches", "touch_events", "orders", "order_lines", "agreements")
PROGRAM_MEASURES = {
    "revenue", "purchase_frequency", "transaction_size", "cross_purchase", "renewal_rate",
}  # fmt: skip
# a page that loads nothing from elsewhere: no remote src/href, CSS url() or @import
REMOTE = re.compile(
    r"""(src|href)\s*=\s*["']?\s*(https?:)?//|url\(\s*["']?\s*(https?:)?//|@import"""
)


@dataclass(frozen=True)
class Forwarded:
    """A world imported and run forward, with what `forward --json` said about the run."""

    folder: Path
    url: str
    result: dict[str, Any]

    def run(self, *args: str, columns: int = 200) -> subprocess.CompletedProcess[str]:
        return carecycle(*args, url=self.url, cwd=self.folder, columns=columns)

    def counts(self) -> dict[str, int]:
        """Return the rows in every table a forward run writes to."""
        store = open_store(self.url)
        try:
            with store.begin() as conn:
                return {
                    name: int(conn.execute(sa.text(f"SELECT count(*) FROM {name}")).scalar_one())
                    for name in RUN_TABLES
                }
        finally:
            store.close()


@dataclass(frozen=True)
class Reports:
    """The program's report over the run, written once in each format."""

    page: str
    summary: str
    data: dict[str, Any]
    rows: list[dict[str, str]]
    header: list[str]


def refused(result: subprocess.CompletedProcess[str], message: str) -> None:
    """Assert the command failed with exit 1 and one clear line naming the problem."""
    assert result.returncode == 1, (result.returncode, result.stderr[-2000:])
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    assert message in lines[0]
    assert "Traceback" not in result.stderr


def _urls(backend: str, folder: Path) -> Iterator[str]:
    if backend == "duckdb":
        yield f"duckdb:///{folder / 'store.duckdb'}"
    else:
        yield from _fresh_postgres_url()


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The files of a synthetic business as it stood the day before START."""
    folder = tmp_path_factory.mktemp("world")
    synth = ("synth", "--accounts", str(ACCOUNTS), "--seed", "7", "--out", "W")
    as_of = (START - timedelta(1)).isoformat()
    ok(carecycle(*synth, "--as-of", as_of, url=f"duckdb:///{folder / 'unused.duckdb'}", cwd=folder))
    return folder / "W"


@pytest.fixture(scope="module", params=["duckdb", "postgresql"])
def forwarded(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, world: Path
) -> Iterator[Forwarded]:
    """The world imported into a store of each backend and run forward DAYS days."""
    folder = tmp_path_factory.mktemp(f"forward-{request.param}")
    for url in _urls(request.param, folder):
        ok(carecycle("import", "--dir", str(world), url=url, cwd=folder))
        run = ("forward", "--from", START.isoformat(), "--days", str(DAYS), "--plan-every", "7")
        ran = carecycle(
            *run, "-p", PROGRAM, *EFFECTS, "--truth", "truth.json", "--json", url=url, cwd=folder
        )
        yield Forwarded(folder, url, json.loads(ok(ran).stdout))


@pytest.fixture(scope="module")
def reports(forwarded: Forwarded) -> Reports:
    """The report over the run in HTML (from an 80-column terminal), JSON and CSV."""
    period = ("report", "-p", PROGRAM, "--from", START.isoformat(), "--to", END.isoformat())
    summary = ok(forwarded.run(*period, columns=80)).stdout
    page = (forwarded.folder / f"report-{PROGRAM}.html").read_text(encoding="utf-8")
    data = json.loads(ok(forwarded.run(*period, "--format", "json")).stdout)
    text = ok(forwarded.run(*period, "--format", "csv")).stdout
    reader = csv.DictReader(io.StringIO(text))
    return Reports(page, summary, data, list(reader), list(reader.fieldnames or []))


def test_forward_json_says_what_ran_without_the_truth(forwarded: Forwarded) -> None:
    result = forwarded.result
    assert set(result) == {
        "start", "end", "planning_days", "sent", "outcomes", "orders", "renewals", "lapses",
    }  # fmt: skip
    assert (result["start"], result["end"]) == (START.isoformat(), END.isoformat())
    assert result["planning_days"] == DAYS // 7
    assert set(result["sent"]) <= {"edm", "dm", "tsr_call", "pam", "partner"}
    assert sum(result["sent"].values()) > 0
    assert result["outcomes"]["delivered"] > 0
    assert result["orders"] > 0


def test_truth_file_holds_the_planted_effect_per_unit(forwarded: Forwarded) -> None:
    written = json.loads((forwarded.folder / "truth.json").read_text(encoding="utf-8"))
    truth = Truth.from_dict(written)
    result = forwarded.result
    assert len(truth.renewals) == result["renewals"] + result["lapses"]
    assert all(0 < base <= chance < 1 for _, base, chance in truth.renewals.values())
    assert any(extra > 0 for extra in truth.extra_orders.values())
    assert all(extra >= 0 for extra in truth.extra_revenue.values())


def test_running_the_same_days_again_is_refused_and_names_the_day_to_continue_from(
    forwarded: Forwarded,
) -> None:
    before = forwarded.counts()
    again = forwarded.run(
        "forward", "--from", START.isoformat(), "--days", "7", "--plan-every", "7",
        "-p", PROGRAM, "--truth", "again.json",
    )  # fmt: skip
    refused(again, "error: the store has already run forward to ")
    last, first = re.findall(r"\d{4}-\d{2}-\d{2}", again.stderr)
    assert date.fromisoformat(last) == END
    assert date.fromisoformat(first) == date.fromisoformat(last) + timedelta(1)
    assert forwarded.counts() == before
    assert not (forwarded.folder / "again.json").exists()


def test_a_bad_effect_is_refused_and_nothing_is_written(forwarded: Forwarded) -> None:
    before = forwarded.counts()
    result = forwarded.run(
        "forward", "--from", NEXT, "--days", "7", "--plan-every", "7", "-p", PROGRAM,
        "--effect", "renew.renewal=0.1.2", "--truth", "refused.json",
    )  # fmt: skip
    refused(result, f"--effect 'renew.renewal=0.1.2': {EFFECT_FORMAT}")
    assert forwarded.counts() == before
    assert not (forwarded.folder / "refused.json").exists()


@pytest.mark.parametrize(
    ("effect", "message"),
    [
        ("use.purchase", f"--effect 'use.purchase': {EFFECT_FORMAT}"),
        ("use.purchase=-2", "--effect 'use.purchase=-2': a purchase effect must be above -1"),
        ("renew.renewal=1.5", "--effect 'renew.renewal=1.5': a renewal effect is a chance"),
    ],
)
def test_a_bad_effect_says_what_is_wrong_with_it(tmp_path: Path, effect: str, message: str) -> None:
    url = f"duckdb:///{tmp_path / 'store.duckdb'}"
    refused(carecycle("forward", "--effect", effect, url=url, cwd=tmp_path), message)


def test_planning_less_often_than_the_shortest_grace_is_refused(forwarded: Forwarded) -> None:
    before = forwarded.counts()
    result = forwarded.run(
        "forward", "--from", NEXT, "--days", "14", "--plan-every", "8", "-p", PROGRAM,
        "--truth", "refused.json",
    )  # fmt: skip
    refused(result, f"--plan-every 8: program {PROGRAM} has a touch with 7 days of grace")
    assert forwarded.counts() == before
    assert not (forwarded.folder / "refused.json").exists()


def test_a_truth_file_that_cannot_be_written_is_refused_before_the_run(
    forwarded: Forwarded,
) -> None:
    before = forwarded.counts()
    result = forwarded.run(
        "forward", "--from", NEXT, "--days", "1", "-p", PROGRAM, "--truth", "missing/t.json"
    )
    refused(result, "--truth missing/t.json: no folder missing")
    assert forwarded.counts() == before


def test_forward_on_an_empty_store_asks_for_an_import(store_url: str, tmp_path: Path) -> None:
    result = carecycle(
        "forward", "--from", START.isoformat(), "--days", "7", "--truth", "t.json",
        url=store_url, cwd=tmp_path,
    )  # fmt: skip
    refused(result, "the store has no accounts or no priced products: import a world first")
    assert not (tmp_path / "t.json").exists()


def test_html_report_is_one_offline_page_with_lifts_verdicts_and_charts(reports: Reports) -> None:
    page = reports.page
    assert '<table class="lifts">' in page
    assert page.count("<svg") >= 3
    assert not REMOTE.search(page), REMOTE.search(page)
    text = html.unescape(page)
    assert reports.data["verdicts"]
    assert all(sentence in text for sentence in reports.data["verdicts"])
    assert f"report written to report-{PROGRAM}.html" in reports.summary


def test_json_report_has_every_program_lift_with_an_interval(reports: Reports) -> None:
    data = reports.data
    assert (data["program_id"], data["start"], data["end"]) == (
        PROGRAM, START.isoformat(), END.isoformat(),
    )  # fmt: skip
    assert data["arms"]["test"] > 0
    assert data["arms"]["control"] > 0
    program = {lift["measure"]: lift for lift in data["lifts"] if lift["level"] == "program"}
    assert set(program) == PROGRAM_MEASURES
    revenue = program["revenue"]["difference"]
    assert revenue["low"] <= revenue["estimate"] <= revenue["high"]
    assert all(isinstance(lift["significant"], bool) for lift in data["lifts"])
    assert {lift["level"] for lift in data["lifts"]} >= {"program", "stage"}


def test_csv_report_has_a_header_and_a_row_per_lift(reports: Reports) -> None:
    assert reports.header[:4] == ["section", "program_id", "start", "end"]
    sections = [row["section"] for row in reports.rows]
    assert {"arms", "kpi", "funnel", "channel", "lift"} <= set(sections)
    assert sections.count("lift") == len(reports.data["lifts"])
    assert all(row["program_id"] == PROGRAM for row in reports.rows)
    revenue = next(
        row
        for row in reports.rows
        if row["section"] == "lift" and row["level"] == "program" and row["measure"] == "revenue"
    )
    assert float(revenue["difference_low"]) <= float(revenue["difference_high"])


def test_terminal_summary_reads_well_at_80_columns(reports: Reports) -> None:
    lines = reports.summary.splitlines()
    assert all(len(line) <= 80 for line in lines), max(lines, key=len)
    header = next(line for line in lines if "difference" in line)
    assert header.split() == ["measure", "test", "control", "difference", "95%", "CI"]
    number = r"-?[\d,.]+%?"
    revenue = re.compile(rf"^\s+revenue\s+{number}\s+{number}\s+[▲▼]?[+-][\d,.]+\s+{number} to ")
    assert any(revenue.match(line) for line in lines), reports.summary
    bullets = [line for line in lines if line.startswith("• ")]
    assert bullets
    assert bullets[0].startswith("• The SMB Customer Care program")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("-p", "nope"), "no program 'nope': give a program file or a built-in id"),
        (("-p", PROGRAM, "--to", "2025-03-01"), "--to 2025-03-01 is before --from 2025-03-03"),
        (("-p", PROGRAM, "--to", "2025-02-30"), "--to: expected a date as YYYY-MM-DD"),
        (("-p", PROGRAM, "--format", "pdf"), "--format 'pdf': use html, json or csv"),
        (("-p", PROGRAM, "--out", "missing/r.html"), "--out missing/r.html: no folder missing"),
    ],
)
def test_bad_report_input_is_one_line_and_writes_no_report(
    tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    url = f"duckdb:///{tmp_path / 'store.duckdb'}"
    result = carecycle("report", "--from", START.isoformat(), *args, url=url, cwd=tmp_path)
    refused(result, message)
    assert not list(tmp_path.glob("report-*"))
    assert not result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("forward", "--days", "0"), "Invalid value for '--days'"),
        (("report",), "Missing option '--program'"),
        (("forward", "--bogus"), "No such option: --bogus"),
        (("nosuch",), "No such command 'nosuch'"),
    ],
)
def test_a_usage_error_is_one_line_naming_the_help(
    args: tuple[str, ...], message: str, tmp_path: Path
) -> None:
    result = carecycle(*args, url=f"duckdb:///{tmp_path / 'store.duckdb'}", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    assert message in lines[0]
    assert "--help`)" in lines[0]
