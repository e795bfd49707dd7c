"""Partner and PAM hand-off lists: the same rows in CSV and Excel, safe to open anywhere."""

from __future__ import annotations

import csv
from datetime import date, datetime
from decimal import Decimal
from functools import partial
from pathlib import Path

import openpyxl
import pytest
from openpyxl.cell.cell import Cell
from openpyxl.worksheet.worksheet import Worksheet

from carecycle.channels.base import Dispatch
from carecycle.channels.partner import (
    HANDOFF_COLUMNS,
    group_by_partner,
    handoff_row,
    handoff_stem,
    write_handoff,
)
from tests.channels.dispatches import addressee, agreement, dispatch

AS_OF = date(2026, 11, 23)


YUNFAN = addressee(
    language="zh",
    account_name="上海云帆科技有限公司",
    contact_name="张伟",
    phone="+86 21 5555 0100",
    partner_id="P00012",
)
# A partner touch for a Chinese account, renewing an agreement that ends 90 days after AS_OF.
handoff = partial(
    dispatch,
    touch_uid="T0001",
    channel="partner",
    as_of=AS_OF,
    addressee=YUNFAN,
    agreement=agreement(sa=True, end_on=date(2027, 2, 21), value=Decimal("125000.50")),
)


def written(tmp_path: Path, *touches: Dispatch, stem: str = "list") -> tuple[Path, Path]:
    """Write the hand-off files of the touches; return the CSV and the XLSX path."""
    return write_handoff([handoff_row(touch) for touch in touches], tmp_path, stem=stem)


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def read_sheet(path: Path) -> Worksheet:
    sheet = openpyxl.load_workbook(path).active
    assert isinstance(sheet, Worksheet)
    return sheet


def as_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, float):
        # Excel keeps money as a binary number; the CSV shows it to the cent.
        return f"{value:.2f}"
    return str(value)


def test_row_counts_days_to_the_end_of_the_agreement_from_as_of() -> None:
    row = handoff_row(handoff())
    assert list(row) == list(HANDOFF_COLUMNS)
    assert row["days_to_end"] == 90
    assert row["end_on"] == date(2027, 2, 21)
    assert row["outcome"] is None


def test_row_without_an_agreement_leaves_its_columns_empty() -> None:
    row = handoff_row(handoff(agreement=None))
    assert row["agreement_id"] is None
    assert row["days_to_end"] is None
    assert row["account_name"] == "上海云帆科技有限公司"


def test_only_pam_and_partner_dispatches_make_hand_off_rows() -> None:
    assert handoff_row(handoff(channel="pam"))["channel"] == "pam"
    with pytest.raises(ValueError, match="not a hand-off channel"):
        handoff_row(handoff(channel="edm"))


def test_csv_and_xlsx_hold_the_same_rows(tmp_path: Path) -> None:
    csv_path, xlsx_path = written(
        tmp_path,
        handoff(touch_uid="T0001"),
        handoff(touch_uid="T0002", contact_name=None),
        stem="partner-P00012-2026-11-23",
    )
    from_csv = read_csv(csv_path)
    sheet = read_sheet(xlsx_path)
    header = [cell.value for cell in sheet[1]]
    from_xlsx = [
        dict(zip(header, (as_text(v) for v in values), strict=True))
        for values in sheet.iter_rows(min_row=2, values_only=True)
    ]
    assert header == list(HANDOFF_COLUMNS)
    assert from_csv == from_xlsx
    assert [row["touch_uid"] for row in from_csv] == ["T0001", "T0002"]
    assert from_csv[0]["value"] == "125000.50"
    assert from_csv[0]["sa"] == "yes"


def test_chinese_names_survive_both_files(tmp_path: Path) -> None:
    csv_path, xlsx_path = written(tmp_path, handoff())
    assert csv_path.read_bytes().startswith(b"\xef\xbb\xbf")
    assert read_csv(csv_path)[0]["account_name"] == "上海云帆科技有限公司"
    sheet = read_sheet(xlsx_path)
    names = {cell.value for cell in sheet[2]}
    assert {"上海云帆科技有限公司", "张伟"} <= names


def test_xlsx_keeps_dates_as_dates_and_money_as_numbers(tmp_path: Path) -> None:
    _, xlsx_path = written(tmp_path, handoff())
    sheet = read_sheet(xlsx_path)
    column = {name: index + 1 for index, name in enumerate(HANDOFF_COLUMNS)}
    end_on = sheet.cell(row=2, column=column["end_on"])
    assert isinstance(end_on, Cell)
    assert end_on.is_date
    assert isinstance(end_on.value, datetime)
    assert end_on.value.date() == date(2027, 2, 21)
    value = sheet.cell(row=2, column=column["value"])
    assert value.data_type == "n"
    assert value.value == pytest.approx(125000.50)
    assert sheet.cell(row=2, column=column["days_to_end"]).value == 90


def test_xlsx_header_is_bold_frozen_and_filtered(tmp_path: Path) -> None:
    _, xlsx_path = written(tmp_path, handoff())
    sheet = read_sheet(xlsx_path)
    assert all(cell.font.b for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == sheet.dimensions
    widths = [sheet.column_dimensions[c].width for c in ("A", "K")]
    assert all(8 <= width <= 50 for width in widths)


def test_a_name_that_looks_like_a_formula_stays_text(tmp_path: Path) -> None:
    sneaky = '=HYPERLINK("http://evil.example","x")'
    csv_path, xlsx_path = written(tmp_path, handoff(account_name=sneaky))
    assert read_csv(csv_path)[0]["account_name"] == "'" + sneaky
    assert read_csv(csv_path)[0]["phone"] == "+86 21 5555 0100"
    cell = read_sheet(xlsx_path).cell(row=2, column=HANDOFF_COLUMNS.index("account_name") + 1)
    assert (cell.value, cell.data_type) == (sneaky, "s")


def test_a_failed_write_leaves_the_previous_file_whole(tmp_path: Path) -> None:
    csv_path, _ = written(tmp_path, handoff())
    before = csv_path.read_bytes()
    broken = {**handoff_row(handoff()), "detail": object()}
    with pytest.raises(TypeError):
        write_handoff([broken], tmp_path, stem="list")
    assert csv_path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["list.csv", "list.xlsx"]


def test_stem_is_a_safe_file_name() -> None:
    assert handoff_stem("partner", "P00012", AS_OF) == "partner-P00012-2026-11-23"
    assert handoff_stem("partner", None, AS_OF) == "partner-unassigned-2026-11-23"
    assert handoff_stem("pam", "../etc/passwd", AS_OF) == "pam-etc_passwd-2026-11-23"
    assert handoff_stem("partner", "上海", AS_OF) == "partner-unassigned-2026-11-23"


def test_dispatches_are_grouped_by_partner() -> None:
    first, second = handoff(touch_uid="T1"), handoff(touch_uid="T2")
    loose = handoff(touch_uid="T3", partner_id=None)
    other = handoff(touch_uid="T4", partner_id="P00099")
    groups = group_by_partner([first, loose, other, second])
    assert groups == {"P00012": [first, second], None: [loose], "P00099": [other]}
