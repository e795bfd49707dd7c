"""Outcome files: one format for every channel, every problem reported with file and line."""

from __future__ import annotations

import csv
import json
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet

from carecycle.channels.outcomes import OutcomeFileError, OutcomeRow, read_outcomes
from carecycle.channels.partner import HANDOFF_COLUMNS, handoff_row, write_handoff
from carecycle.errors import InputError
from tests.channels.dispatches import agreement, dispatch

HEADER = ["touch_uid", "message_id", "type", "occurred_at", "detail", "amount", "currency"]


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def problems_of(path: Path) -> list[str]:
    with pytest.raises(OutcomeFileError) as caught:
        read_outcomes(path)
    return caught.value.problems


def only(path: Path) -> OutcomeRow:
    [row] = read_outcomes(path)
    return row


def handed_off(*touch_uids: str) -> list[dict[str, object]]:
    """Return the hand-off rows of partner touches for a Chinese account, about a CNY agreement."""
    deal = agreement(currency="CNY")
    return [
        handoff_row(
            dispatch(
                touch_uid=touch_uid,
                channel="partner",
                language="zh",
                account_name="上海云帆科技有限公司",
                agreement=deal,
            )
        )
        for touch_uid in touch_uids
    ]


def test_csv_outcomes_parse(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "results.csv",
        [*HEADER, "severity", "call_back_at", "answer.Q1", "answer.q2"],
        [
            ["T1", "", "reached", "2026-11-23T10:15:00", "", "", "", "", "", "", ""],
            ["", "", "", "", "", "", "", "", "", "", ""],
            ["T2", "", "opportunity", "2026-11-24", "", "1,234.50", "cny", "", "", "", ""],
            ["T3", "", "complaint", "2026-11-24", "发票错误", "", "", "", "", "", ""],
            ["T4", "", "call_back", "2026-11-24", "", "", "", "", "2026-11-30 09:00", "", ""],
            ["T5", "", "profiling", "2026-11-24", "", "", "", "", "", "Azure", "50-99"],
        ],
    )
    rows = read_outcomes(path)
    assert [(r.line, r.touch_uid, r.type) for r in rows] == [
        (2, "T1", "reached"),
        (4, "T2", "opportunity"),
        (5, "T3", "complaint"),
        (6, "T4", "call_back"),
        (7, "T5", "profiling"),
    ]
    assert rows[0].source == "results.csv"
    assert rows[0].occurred_at == datetime(2026, 11, 23, 10, 15)
    assert rows[1].occurred_at == datetime(2026, 11, 24)
    assert (rows[1].amount, rows[1].currency) == (Decimal("1234.50"), "CNY")
    assert (rows[2].detail, rows[2].severity) == ("发票错误", "medium")
    assert rows[3].call_back_at == datetime(2026, 11, 30, 9)
    assert rows[4].answers == {"q1": "Azure", "q2": "50-99"}


def test_json_outcomes_parse_from_a_list_or_an_outcomes_object(tmp_path: Path) -> None:
    items = [
        {"message_id": "abc@mail.example", "type": "bounced", "occurred_at": "2026-11-23"},
        {
            "touch_uid": "T5",
            "type": "profiling",
            "occurred_at": "2026-11-24T09:00:00",
            "answers": {"Q1": "Azure", "q2": 42},
        },
        {"touch_uid": "T6", "type": "opportunity", "occurred_at": "2026-11-24", "amount": 0.1},
    ]
    bare = tmp_path / "bare.json"
    bare.write_text(json.dumps(items), encoding="utf-8")
    wrapped = tmp_path / "wrapped.json"
    wrapped.write_text(json.dumps({"outcomes": items}), encoding="utf-8")
    rows = read_outcomes(bare)
    assert rows == [replace_source(r, "bare.json") for r in read_outcomes(wrapped)]
    assert [r.line for r in rows] == [1, 2, 3]
    assert rows[0].message_id == "<abc@mail.example>"
    assert rows[1].answers == {"q1": "Azure", "q2": "42"}
    assert rows[2].amount == Decimal("0.1")


def replace_source(row: OutcomeRow, source: str) -> OutcomeRow:
    return OutcomeRow(**{**row.__dict__, "source": source})


def test_message_id_is_kept_in_angle_brackets_however_given(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "bounces.csv",
        ["message_id", "type", "occurred_at"],
        [
            ["<t1.renewal@carecycle.example>", "bounced", "2026-11-23"],
            ["t2.renewal@carecycle.example", "bounced", "2026-11-23"],
            [" <t3.renewal@carecycle.example> ", "bounced", "2026-11-23"],
        ],
    )
    assert [r.message_id for r in read_outcomes(path)] == [
        "<t1.renewal@carecycle.example>",
        "<t2.renewal@carecycle.example>",
        "<t3.renewal@carecycle.example>",
    ]


def test_zoned_times_become_naive_utc(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "opens.csv",
        ["touch_uid", "type", "occurred_at"],
        [
            ["T1", "opened", "2026-11-23T08:30:00+08:00"],
            ["T2", "opened", "2026-11-23T00:30:00Z"],
            ["T3", "opened", "2026-11-23T00:30:00"],
        ],
    )
    moments = {r.occurred_at for r in read_outcomes(path)}
    assert moments == {datetime(2026, 11, 23, 0, 30)}
    assert all(m.tzinfo is None for m in moments)


def test_a_partner_fills_in_the_xlsx_we_sent_and_it_reads_back(tmp_path: Path) -> None:
    rows = handed_off("T1", "T2", "T3")
    _, xlsx_path = write_handoff(rows, tmp_path, stem="partner-P00012-2026-11-23")
    book = openpyxl.load_workbook(xlsx_path)
    sheet = book.active
    assert isinstance(sheet, Worksheet)
    column = {name: index + 1 for index, name in enumerate(HANDOFF_COLUMNS)}
    sheet.cell(row=2, column=column["outcome"], value="opportunity")
    sheet.cell(row=2, column=column["occurred_at"], value=datetime(2026, 11, 25, 14, 0))
    sheet.cell(row=2, column=column["amount"], value=5000.5)
    sheet.cell(row=2, column=column["product_id"], value="SQL-STD")
    sheet.cell(row=4, column=column["outcome"], value="Not reached")
    sheet.cell(row=4, column=column["occurred_at"], value="2026-11-26")
    book.save(xlsx_path)
    first, second = read_outcomes(xlsx_path)
    assert (first.line, first.touch_uid, first.type) == (2, "T1", "opportunity")
    assert (first.amount, first.currency, first.product_id) == (Decimal("5000.5"), "CNY", "SQL-STD")
    assert first.occurred_at == datetime(2026, 11, 25, 14, 0)
    assert (second.line, second.touch_uid, second.type) == (4, "T3", "not_reached")
    assert second.currency is None


def test_a_partner_fills_in_the_csv_we_sent_and_it_reads_back(tmp_path: Path) -> None:
    csv_path, _ = write_handoff(handed_off("T1"), tmp_path, stem="list")
    with csv_path.open(encoding="utf-8-sig", newline="") as handle:
        [row] = list(csv.DictReader(handle))
    row.update(outcome="complaint", occurred_at="2026-11-25", detail="续约报价太高")
    with csv_path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=HANDOFF_COLUMNS)
        writer.writeheader()
        writer.writerow(row)
    outcome = only(csv_path)
    assert (outcome.touch_uid, outcome.type, outcome.detail) == ("T1", "complaint", "续约报价太高")


def test_a_hand_off_row_with_notes_but_no_outcome_is_reported(tmp_path: Path) -> None:
    rows = [row | {"detail": "客户在出差"} for row in handed_off("T1")]
    csv_path, _ = write_handoff(rows, tmp_path, stem="list")
    assert problems_of(csv_path) == [
        "list.csv:2: outcome: required",
        "list.csv:2: occurred_at: required",
    ]


def test_unknown_columns_are_named(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "x.csv", ["touch_uid", "type", "occurred_at", "colour", "Size"], [["T1"] * 5]
    )
    found = problems_of(path)
    assert [p.split(" (")[0] for p in found] == [
        "x.csv:1: colour: unknown column",
        "x.csv:1: size: unknown column",
    ]
    assert "touch_uid, message_id, type" in found[0]


def test_missing_required_columns_are_named(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "x.csv", ["detail"], [["hello"]])
    assert problems_of(path) == [
        "x.csv:1: type: no type or outcome column",
        "x.csv:1: touch_uid: no touch_uid or message_id column",
        "x.csv:1: occurred_at: no occurred_at column",
    ]


def test_every_row_rule_is_reported_with_file_line_and_field_at_once(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "bad.csv",
        [*HEADER, "severity"],
        [
            ["T1", "", "waved", "2026-11-23", "", "", "", ""],
            ["T2", "", "reached", "23/11/2026", "", "", "", ""],
            ["T3", "", "opportunity", "2026-11-23", "", "12.3.4", "", ""],
            ["T4", "", "opportunity", "2026-11-23", "", "", "", ""],
            ["T5", "", "complaint", "2026-11-23", "", "", "", "urgent"],
            ["T6", "", "call_back", "2026-11-23", "", "", "", ""],
            ["", "", "reached", "2026-11-23", "", "", "", ""],
            ["T8", "", "opportunity", "", "", "-5", "yuan", ""],
            ["T9", "a b@x", "reached", "2026-11-23", "", "", "", ""],
        ],
    )
    found = problems_of(path)
    expected = [
        "bad.csv:2: type: unknown outcome (expected one of delivered, bounced,",
        "bad.csv:3: occurred_at: expected an ISO 8601 date",
        "bad.csv:4: amount: expected a number",
        "bad.csv:5: amount: an opportunity needs its amount",
        "bad.csv:6: detail: a complaint needs the customer's words",
        "bad.csv:6: severity: expected one of low, medium, high, critical",
        "bad.csv:7: call_back_at: a call_back needs the time to call back",
        "bad.csv:8: touch_uid: give a touch_uid or a message_id",
        "bad.csv:9: occurred_at: required",
        "bad.csv:9: amount: expected a number",
        "bad.csv:9: currency: expected a three-letter ISO 4217 code",
        "bad.csv:10: message_id: not a Message-ID",
    ]
    for start in expected:
        assert any(p.startswith(start) for p in found), start
    assert len(found) == len(expected)
    assert "(got 'waved')" in found[0]
    assert ", returned)" in found[0]


def test_json_items_are_numbered_from_one(tmp_path: Path) -> None:
    path = tmp_path / "calls.json"
    items: list[object] = [
        {"touch_uid": "T1", "type": "reached", "occurred_at": "2026-11-23"},
        "reached",
        {"touch_uid": "T3", "type": "profiling", "occurred_at": "2026-11-23", "answers": "yes"},
        {"touch_uid": "T4", "type": "reached", "occurred_at": 20261123, "mood": "happy"},
    ]
    path.write_text(json.dumps({"outcomes": items}), encoding="utf-8")
    found = problems_of(path)
    assert found[0] == "calls.json:2: expected an object with the outcome's fields"
    assert found[1].startswith("calls.json:3: answers: profiling needs answers")
    assert found[2].startswith("calls.json:3: answers: expected an object")
    assert found[3].startswith("calls.json:4: mood: unknown field")
    assert found[4].startswith("calls.json:4: occurred_at: expected an ISO 8601 date")
    assert len(found) == 5


def test_xlsx_problems_name_the_row(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert isinstance(sheet, Worksheet)
    sheet.append(["touch_uid", "type", "occurred_at", "amount"])
    sheet.append(["T1", "opportunity", datetime(2026, 11, 23, 9), 1200])
    sheet.append([None, None, None, None])
    sheet.append(["T3", "opportunity", "tomorrow", "lots"])
    book.save(tmp_path / "calls.xlsx")
    found = problems_of(tmp_path / "calls.xlsx")
    assert [p.split(" (")[0].split(", e.g.")[0] for p in found] == [
        "calls.xlsx:4: occurred_at: expected an ISO 8601 date or date-time",
        "calls.xlsx:4: amount: expected a number of at least 0",
    ]


def test_the_message_lists_twenty_problems_and_counts_the_rest(tmp_path: Path) -> None:
    rows = [[f"T{i}", "", "waved", "2026-11-23", "", "", ""] for i in range(25)]
    path = write_csv(tmp_path / "many.csv", HEADER, rows)
    with pytest.raises(OutcomeFileError) as caught:
        read_outcomes(path)
    error = caught.value
    assert len(error.problems) == 25
    lines = str(error).splitlines()
    assert lines[0] == "25 problem(s) in outcome file(s):"
    assert lines[1:21] == error.problems[:20]
    assert lines[21] == "… and 5 more"
    assert isinstance(error, ValueError)
    assert isinstance(error, InputError)


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        ("x.txt", "", "x.txt: expected a .csv, .json or .xlsx file"),
        ("x.json", "[{]", "x.json:1: not valid JSON"),
        ("x.json", '{"rows": []}', 'x.json: expected a list, or an object with an "outcomes"'),
        ("x.xlsx", "not a zip", "x.xlsx: not a readable Excel workbook"),
        ("x.csv", "", "the file is empty"),
    ],
)
def test_unreadable_files_are_refused_with_one_problem(
    tmp_path: Path, name: str, content: str, problem: str
) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    [found] = problems_of(path)
    assert problem in found


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    assert problems_of(tmp_path / "gone.csv") == ["gone.csv: no such file"]
