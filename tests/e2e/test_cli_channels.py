"""Channels from the command line: send, the call queue, outcomes, as real processes."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.test_cli import ok
from tests.smtp_server import Mailbox, smtp_server

DAY = date(2026, 3, 2)


@dataclass
class Business:
    folder: Path
    url: str
    smtp_port: int
    mailbox: Mailbox

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("CARECYCLE_")}
        env |= {"COLUMNS": "200", "CARECYCLE_SMTP_PORT": str(self.smtp_port)}
        return subprocess.run(
            [sys.executable, "-m", "carecycle", "--database-url", self.url, *args],
            capture_output=True,
            text=True,
            cwd=self.folder,
            env=env,
            timeout=600,
        )

    def json(self, *args: str) -> Any:
        return json.loads(ok(self.run(*args, "--json")).stdout)


@pytest.fixture(scope="module")
def business(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Business]:
    """A synthetic business imported and planned for DAY, with a real SMTP server."""
    folder = tmp_path_factory.mktemp("channels")
    with smtp_server() as (mailbox, port):
        found = Business(folder, f"duckdb:///{folder / 'carecycle.duckdb'}", port, mailbox)
        synth = ("synth", "--accounts", "300", "--seed", "7", "--out", "W")
        ok(found.run(*synth, "--as-of", DAY.isoformat()))
        ok(found.run("import", "--dir", "W"))
        ok(found.run("plan", "--as-of", DAY.isoformat()))
        yield found


def test_send_email_reaches_the_smtp_server_and_a_second_run_sends_nothing(
    business: Business,
) -> None:
    first = business.json("send", "--channel", "edm", "--as-of", DAY.isoformat())
    assert first["sent"] > 0
    assert first["sent"] == len(business.mailbox.messages)
    again = business.json("send", "--channel", "edm", "--as-of", DAY.isoformat())
    assert again["sent"] == 0
    message_id = business.mailbox.messages[0].message["Message-ID"]
    history = business.json("outcomes", "show", message_id)
    assert [e["status"] for e in history["events"]] == ["planned", "sent"]


def test_send_letters_writes_a_batch_the_mail_house_can_use(business: Business) -> None:
    result = business.json("send", "--channel", "dm", "--as-of", DAY.isoformat())
    files = {Path(f).name: Path(business.folder, f) for f in result["files"]}
    assert set(files) == {"letters.pdf", "mailhouse.csv", "manifest.json"}
    with files["mailhouse.csv"].open(encoding="utf-8-sig", newline="") as handle:
        assert len(list(csv.DictReader(handle))) == result["sent"]
    assert files["letters.pdf"].read_bytes().startswith(b"%PDF")


def test_a_queued_call_is_recorded_from_the_command_line(business: Business) -> None:
    queued = business.json("send", "--channel", "tsr_call", "--as-of", DAY.isoformat())
    assert queued["queued"] > 0
    calls = business.json("calls", "queue", "--at", f"{DAY}T18:00", "--agent", "Li")
    assert len(calls) == queued["queued"]
    call = calls[0]
    assert "{agent}" not in call["opening"]
    recorded = ok(
        business.run(
            "calls", "record", call["touch_uid"], "--result", "reached",
            "--at", f"{DAY}T10:00", "--opportunity-amount", "9800", "--currency", "CNY",
        )
    ).stdout  # fmt: skip
    assert "opportunity opp-" in recorded
    left = business.json("calls", "queue", "--at", f"{DAY}T18:00")
    assert call["touch_uid"] not in {c["touch_uid"] for c in left}


def test_a_call_result_the_script_does_not_know_is_one_line_error(business: Business) -> None:
    result = business.run("calls", "record", "nope", "--result", "maybe")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "error: unknown call result 'maybe': use one of reached, not_reached, wrong_number, "
        "call_back, do_not_call"
    ]


def test_a_partner_fills_in_the_hand_off_list_and_it_imports_back(business: Business) -> None:
    result = business.json("send", "--channel", "partner", "--as-of", DAY.isoformat())
    listed = next(Path(business.folder, f) for f in result["files"] if f.endswith(".csv"))
    with listed.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    rows[0] |= {"outcome": "reached", "occurred_at": "2026-03-05"}
    filled = business.folder / "returned.csv"
    with filled.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    report = business.json("outcomes", "import", str(filled))
    assert (report["recorded"], report["by_type"]) == (1, {"reached": 1})
    assert business.json("outcomes", "import", str(filled))["already"] == 1


def test_a_bad_outcome_file_names_file_line_and_field_and_records_nothing(
    business: Business,
) -> None:
    bad = business.folder / "bad.csv"
    bad.write_text("touch_uid,type,occurred_at\nabc,exploded,yesterday\n", encoding="utf-8")
    result = business.run("outcomes", "import", str(bad))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "bad.csv:2: type:" in result.stderr
    assert "bad.csv:2: occurred_at:" in result.stderr
