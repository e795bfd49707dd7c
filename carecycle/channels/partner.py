"""PAM and partner hand-off lists: one row per touch, as CSV and as an Excel workbook.

A partner account manager or a partner works the list and fills in the last five columns
(outcome, occurred_at, detail, amount, product_id) in the very file we sent; the outcome
reader accepts that file back as it is. Building a row is pure; writing the files is the
only I/O here, and each file appears under its final name only once it is complete.
"""

from __future__ import annotations

import csv
import io
import os
import re
import tempfile
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import BinaryIO

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from carecycle.channels.base import Dispatch

HANDOFF_CHANNELS = ("pam", "partner")
AGREEMENT_COLUMNS = (
    "agreement_id", "agreement_program", "sa", "start_on", "end_on", "days_to_end", "value",
    "currency",
)  # fmt: skip
FILL_IN_COLUMNS = ("outcome", "occurred_at", "detail", "amount", "product_id")
HANDOFF_COLUMNS = (
    "touch_uid", "program_id", "touch_id", "touch_name", "stage_id", "content", "channel",
    "priority", "due_on", "account_id", "account_name", "segment", "region", "contact_id",
    "contact_name", "role", "email", "phone", "language", "agreement_id",
    "agreement_program", "sa", "start_on", "end_on", "days_to_end", "value", "currency",
    *FILL_IN_COLUMNS,
)  # fmt: skip
MONEY_COLUMNS = frozenset({"value", "amount"})
DATE_FORMAT = "yyyy-mm-dd"
MONEY_FORMAT = "#,##0.00"
MIN_WIDTH, MAX_WIDTH = 8, 50
UNASSIGNED = "unassigned"
# A text cell starting with one of these is run as a formula when Excel opens a CSV;
# numbers and phone numbers such as "+86 21 5555 0100" are left alone.
FORMULA_START = re.compile(r"^[=+\-@\t\r]")
NUMBER_LIKE = re.compile(r"^[+-]?[\d\s().-]+$")
UNSAFE_NAME = re.compile(r"[^A-Za-z0-9_-]+")

CellValue = str | int | Decimal | date | None


def handoff_row(dispatch: Dispatch) -> dict[str, object]:
    """Return the hand-off row of a PAM or partner dispatch, keyed by HANDOFF_COLUMNS."""
    if dispatch.channel not in HANDOFF_CHANNELS:
        raise ValueError(f"{dispatch.touch_uid}: {dispatch.channel} is not a hand-off channel")
    return {
        **_touch_cells(dispatch),
        **_addressee_cells(dispatch),
        **_agreement_cells(dispatch),
        **dict.fromkeys(FILL_IN_COLUMNS),
    }


def _touch_cells(dispatch: Dispatch) -> dict[str, object]:
    return {
        "touch_uid": dispatch.touch_uid,
        "program_id": dispatch.program_id,
        "touch_id": dispatch.touch_id,
        "touch_name": dispatch.touch_name,
        "stage_id": dispatch.stage_id,
        "content": dispatch.content,
        "channel": dispatch.channel,
        "priority": dispatch.priority,
        "due_on": dispatch.due_on,
    }


def _addressee_cells(dispatch: Dispatch) -> dict[str, object]:
    who = dispatch.addressee
    return {
        "account_id": who.account_id,
        "account_name": who.account_name,
        "segment": who.segment,
        "region": who.region,
        "contact_id": who.contact_id,
        "contact_name": who.contact_name,
        "role": who.role,
        "email": who.email,
        "phone": who.phone,
        "language": who.language,
    }


def _agreement_cells(dispatch: Dispatch) -> dict[str, object]:
    deal = dispatch.agreement
    if deal is None:
        return dict.fromkeys(AGREEMENT_COLUMNS)
    return {
        "agreement_id": deal.agreement_id,
        "agreement_program": deal.program,
        "sa": deal.sa,
        "start_on": deal.start_on,
        "end_on": deal.end_on,
        "days_to_end": (deal.end_on - dispatch.as_of).days,
        "value": deal.value,
        "currency": deal.currency,
    }


def group_by_partner(dispatches: Iterable[Dispatch]) -> dict[str | None, list[Dispatch]]:
    """Return the dispatches grouped by partner (None for no partner), in first-seen order."""
    groups: dict[str | None, list[Dispatch]] = {}
    for dispatch in dispatches:
        groups.setdefault(dispatch.addressee.partner_id, []).append(dispatch)
    return groups


def handoff_stem(channel: str, partner_id: str | None, day: date) -> str:
    """Return a file name stem safe on any file system, e.g. partner-P00012-2026-11-23."""
    return f"{_safe_name(channel)}-{_safe_name(partner_id)}-{day.isoformat()}"


def _safe_name(text: str | None) -> str:
    return UNSAFE_NAME.sub("_", text or "").strip("_-") or UNASSIGNED


def write_handoff(
    rows: Sequence[dict[str, object]], directory: Path, *, stem: str
) -> tuple[Path, Path]:
    """Write `<stem>.csv` and `<stem>.xlsx` with the same rows; return (csv path, xlsx path)."""
    directory.mkdir(parents=True, exist_ok=True)
    cells = [[_cell(row.get(column)) for column in HANDOFF_COLUMNS] for row in rows]
    csv_path, xlsx_path = directory / f"{stem}.csv", directory / f"{stem}.xlsx"
    _write_atomically(csv_path, lambda out: out.write(_csv_bytes(cells)))
    _write_atomically(xlsx_path, lambda out: _workbook(cells).save(out))
    return csv_path, xlsx_path


def _cell(value: object) -> CellValue:
    """Return `value` as a cell: a Yes/No flag becomes text, anything unknown is refused."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        raise TypeError(f"hand-off lists hold dates, not date-times (got {value!r})")
    if value is None or isinstance(value, str | int | Decimal | date):
        return value
    raise TypeError(f"a hand-off cell cannot hold {type(value).__name__} ({value!r})")


def _write_atomically(target: Path, write: Callable[[BinaryIO], object]) -> None:
    """Write through a temporary file beside `target`, so `target` is never half written."""
    # mkstemp's owner-only mode is kept on purpose: the lists hold contact details.
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    try:
        with os.fdopen(handle, "wb") as out:
            write(out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _csv_bytes(cells: Sequence[Sequence[CellValue]]) -> bytes:
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(HANDOFF_COLUMNS)
    writer.writerows([_csv_text(value) for value in row] for row in cells)
    # The byte-order mark is what makes Excel read the file as UTF-8, so Chinese survives.
    return text.getvalue().encode("utf-8-sig")


def _csv_text(value: CellValue) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    if isinstance(value, str) and FORMULA_START.match(text) and not NUMBER_LIKE.match(text):
        return "'" + text
    return text


def _workbook(cells: Sequence[Sequence[CellValue]]) -> Workbook:
    book = Workbook()
    sheet = book.active
    assert isinstance(sheet, Worksheet)
    sheet.title = "Hand-off"
    sheet.append(HANDOFF_COLUMNS)
    for row in cells:
        sheet.append([_xlsx_value(value) for value in row])
    _format_sheet(sheet, cells)
    return book


def _xlsx_value(value: CellValue) -> CellValue:
    # Characters XML cannot carry would make openpyxl refuse the whole workbook.
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def _format_sheet(sheet: Worksheet, cells: Sequence[Sequence[CellValue]]) -> None:
    for header in sheet[1]:
        header.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    for index, column in enumerate(HANDOFF_COLUMNS, start=1):
        letter = get_column_letter(index)
        values = [row[index - 1] for row in cells]
        sheet.column_dimensions[letter].width = _width(column, values)
        for cell in sheet[letter][1:]:
            if isinstance(cell.value, str):
                # A name such as "=HYPERLINK(...)" stays text instead of becoming a formula.
                cell.data_type = "s"
            elif isinstance(cell.value, date):
                cell.number_format = DATE_FORMAT
            elif column in MONEY_COLUMNS and cell.value is not None:
                cell.number_format = MONEY_FORMAT


def _width(column: str, values: Sequence[CellValue]) -> float:
    widest = max([_display_width(column), *(_display_width(_csv_text(v)) for v in values)])
    return float(min(MAX_WIDTH, max(MIN_WIDTH, widest + 2)))


def _display_width(text: str) -> int:
    """Return how many Latin characters wide `text` shows; Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
