"""Outcome files: what happened to touches, in one format for every channel.

Bounces from the mail system, call results keyed in elsewhere, mail-house returns and
partner returns all arrive as CSV, JSON or Excel rows naming a touch (or an email's
Message-ID), an outcome type and when it happened. A partner may send back the very
hand-off list we wrote, with its outcome cells filled in. Every problem in a file is
collected before anything is refused, so one round trip fixes them all.
"""

from __future__ import annotations

import json
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from carecycle.channels.partner import FILL_IN_COLUMNS, HANDOFF_COLUMNS
from carecycle.errors import InputError
from carecycle.ingest.readers import Problem, read_file
from carecycle.store.schema import OUTCOME_TYPES, SEVERITIES
from carecycle.times import as_stored

DEFAULT_SEVERITY = "medium"
FIELDS = (
    "touch_uid", "message_id", "type", "occurred_at", "detail", "amount", "currency",
    "product_id", "severity", "call_back_at",
)  # fmt: skip
TYPE_ALIAS = "outcome"
ANSWERS = "answers"
ANSWER_PREFIX = "answer."
# The rest of a hand-off list is accepted and ignored, so a partner can return the file we
# sent; its currency column is the agreement's, which an opportunity amount is quoted in.
IGNORED_COLUMNS = frozenset(HANDOFF_COLUMNS) - {*FIELDS, TYPE_ALIAS}
REQUIRED_COLUMNS = (("type", TYPE_ALIAS), ("touch_uid", "message_id"), ("occurred_at",))
# What the store's columns hold, so a long value is reported here rather than at insert.
MAX_LENGTHS = {"touch_uid": 32, "message_id": 200, "product_id": 64, "question_id": 64}
REQUIRED_FOR = {
    "opportunity": ("amount", "an opportunity needs its amount"),
    "complaint": ("detail", "a complaint needs the customer's words"),
    "call_back": ("call_back_at", "a call_back needs the time to call back"),
}
SHOWN_PROBLEMS = 20
DATE_HINT = "expected an ISO 8601 date or date-time, e.g. 2026-11-23 or 2026-11-23T14:30+08:00"
THOUSANDS = re.compile(r"^-?\d{1,3}(,\d{3})+(\.\d+)?$")
CURRENCY = re.compile(r"^[A-Z]{3}$")
EXPECTED_NAMES = f"{', '.join(FIELDS)}, {TYPE_ALIAS}, {ANSWERS} or {ANSWER_PREFIX}<question_id>"


class OutcomeFileError(InputError, ValueError):
    """An outcome file that cannot be used; `problems` lists every problem found."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__(_summary(self.problems))


def _summary(problems: Sequence[str]) -> str:
    more = len(problems) - SHOWN_PROBLEMS
    tail = [f"… and {more} more"] if more > 0 else []
    head = f"{len(problems)} problem(s) in outcome file(s):"
    return "\n".join([head, *problems[:SHOWN_PROBLEMS], *tail])


@dataclass(frozen=True)
class OutcomeRow:
    """One outcome read from a file, with the file and line it came from."""

    source: str
    line: int
    touch_uid: str | None
    message_id: str | None
    type: str
    occurred_at: datetime
    detail: str | None = None
    amount: Decimal | None = None
    currency: str | None = None
    product_id: str | None = None
    severity: str | None = None
    call_back_at: datetime | None = None
    answers: dict[str, str] = field(default_factory=dict)


@dataclass
class _Check:
    """Where the values being checked come from, and the list their problems go to."""

    source: str
    line: int
    problems: list[Problem]

    def fail(self, column: str, reason: str, value: object = None) -> None:
        shown = None if value is None else str(value)
        self.problems.append(Problem(self.source, self.line, column, reason, shown))


_Record = tuple[int, dict[str, object]]


def read_outcomes(path: Path) -> list[OutcomeRow]:
    """Return the outcomes in a .csv, .json or .xlsx file; raise OutcomeFileError if any is bad."""
    readers = {".csv": _csv_records, ".json": _json_records, ".xlsx": _xlsx_records}
    reader = readers.get(path.suffix.lower())
    if reader is None:
        raise OutcomeFileError([f"{path.name}: expected a .csv, .json or .xlsx file"])
    if not path.is_file():
        raise OutcomeFileError([f"{path.name}: no such file"])
    problems: list[Problem] = []
    rows = []
    for line, values in reader(path, problems):
        row = _parse(_Check(path.name, line, problems), values)
        if row is not None:
            rows.append(row)
    if problems:
        raise OutcomeFileError([str(p) for p in sorted(problems, key=lambda p: p.line)])
    return rows


def _csv_records(path: Path, problems: list[Problem]) -> list[_Record]:
    try:
        raw = read_file(path)
    except InputError as exc:
        raise OutcomeFileError([str(exc)]) from None
    problems.extend(replace(p, file=path.name) for p in raw.problems)
    table = raw.table
    lines = raw.lines_of(range(table.num_rows))
    cells = (list(row.values()) for row in table.to_pylist())
    return _table_records(path.name, table.column_names, zip(lines, cells, strict=True), problems)


def _xlsx_records(path: Path, problems: list[Problem]) -> list[_Record]:
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (OSError, KeyError, ValueError, zipfile.BadZipFile, InvalidFileException) as exc:
        raise OutcomeFileError([f"{path.name}: not a readable Excel workbook ({exc})"]) from None
    try:
        rows = list(book.worksheets[0].iter_rows(values_only=True))
    finally:
        book.close()
    if not rows:
        raise OutcomeFileError([f"{path.name}: the first sheet is empty"])
    header = ["" if h is None else str(h).strip().strip("\ufeff").strip().lower() for h in rows[0]]
    return _table_records(path.name, header, enumerate(rows[1:], start=2), problems)


def _json_records(path: Path, problems: list[Problem]) -> list[_Record]:
    items = _json_items(path)
    records = []
    for index, item in enumerate(items, start=1):
        check = _Check(path.name, index, problems)
        if not isinstance(item, dict):
            check.fail("", "expected an object with the outcome's fields")
            continue
        values = {str(key).strip().lower(): value for key, value in item.items()}
        for key in values:
            if not _known(key):
                check.fail(key, f"unknown field (expected {EXPECTED_NAMES})")
        records.append((index, {k: v for k, v in values.items() if k not in IGNORED_COLUMNS}))
    return records


def _json_items(path: Path) -> list[object]:
    try:
        data = json.loads(path.read_bytes().decode("utf-8-sig"), parse_float=Decimal)
    except UnicodeDecodeError:
        raise OutcomeFileError([f"{path.name}: not UTF-8 text"]) from None
    except json.JSONDecodeError as exc:
        where = Problem(
            path.name, exc.lineno, "", f"not valid JSON: {exc.msg} at column {exc.colno}"
        )
        raise OutcomeFileError([str(where)]) from None
    items = data.get("outcomes") if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise OutcomeFileError(
            [f'{path.name}: expected a list, or an object with an "outcomes" list']
        )
    return items


def _table_records(
    source: str,
    header: Sequence[str],
    rows: Iterable[tuple[int, Sequence[object]]],
    problems: list[Problem],
) -> list[_Record]:
    """Return the non-empty rows by column name, or none if the header itself is wrong."""
    found = _header_problems(source, header)
    if found:
        problems.extend(found)
        return []
    records = []
    for line, cells in rows:
        values = _row_values(_Check(source, line, problems), header, cells)
        if not all(_blank(value) for value in values.values()):
            records.append((line, values))
    return records


def _header_problems(source: str, header: Sequence[str]) -> list[Problem]:
    named = [name for name in header if name]
    found = [
        Problem(source, 1, name, "appears more than once")
        for name in sorted({n for n in named if named.count(n) > 1})
    ]
    found += [
        Problem(source, 1, n, f"unknown column (expected {EXPECTED_NAMES})")
        for n in dict.fromkeys(named)
        if not _known(n)
    ]
    for choices in REQUIRED_COLUMNS:
        if not any(choice in header for choice in choices):
            found.append(Problem(source, 1, choices[0], f"no {' or '.join(choices)} column"))
    return found


def _row_values(check: _Check, header: Sequence[str], cells: Sequence[object]) -> dict[str, object]:
    values: dict[str, object] = {}
    for index, cell in enumerate(cells):
        name = header[index] if index < len(header) else ""
        if not name and not _blank(cell):
            check.fail(f"column {get_column_letter(index + 1)}", "a value under no header", cell)
        elif name and name not in IGNORED_COLUMNS:
            values[name] = cell
    return values


def _known(name: str) -> bool:
    return (
        name in FIELDS
        or name in (TYPE_ALIAS, ANSWERS)
        or name in IGNORED_COLUMNS
        or name.startswith(ANSWER_PREFIX)
    )


def _blank(value: object) -> bool:
    if isinstance(value, str):
        return not value.strip()
    return value is None or (isinstance(value, dict | list) and not value)


def _parse(check: _Check, values: dict[str, object]) -> OutcomeRow | None:
    """Return the row's outcome, or None when it is skipped or has problems."""
    if _skipped(values):
        return None
    known = len(check.problems)
    kind = _kind(check, values)
    occurred_at = _moment(check, "occurred_at", values.get("occurred_at"))
    amount = _amount(check, values.get("amount"))
    currency = _currency(check, values.get("currency"))
    _check_required(check, kind, values)
    row = OutcomeRow(
        source=check.source,
        line=check.line,
        touch_uid=_text(check, "touch_uid", values.get("touch_uid")),
        message_id=_message_id(check, values.get("message_id")),
        type=kind or "",
        # Only a placeholder when occurred_at is missing or bad; such a row is dropped.
        occurred_at=occurred_at or datetime.min,
        detail=_text(check, "detail", values.get("detail")),
        amount=amount,
        currency=currency if amount is not None else None,
        product_id=_text(check, "product_id", values.get("product_id")),
        severity=_severity(check, kind, values.get("severity")),
        call_back_at=_moment(check, "call_back_at", values.get("call_back_at")),
        answers=_answers(check, values),
    )
    return row if len(check.problems) == known else None


def _skipped(values: dict[str, object]) -> bool:
    """Return True for an empty row, or a hand-off row the partner has not filled in."""
    if all(_blank(value) for value in values.values()):
        return True
    return (
        TYPE_ALIAS in values
        and _blank(values.get("type"))
        and all(_blank(values.get(name)) for name in FILL_IN_COLUMNS)
    )


def _kind(check: _Check, values: dict[str, object]) -> str | None:
    use_alias = _blank(values.get("type")) and TYPE_ALIAS in values
    column = TYPE_ALIAS if use_alias else "type"
    raw = values.get(column)
    if _blank(raw):
        check.fail(column, "required")
        return None
    kind, alias = _type_name(raw), values.get(TYPE_ALIAS)
    if not use_alias and not _blank(alias) and _type_name(alias) != kind:
        check.fail(TYPE_ALIAS, f"differs from type {kind!r}", alias)
    if kind not in OUTCOME_TYPES:
        check.fail(column, f"unknown outcome (expected one of {', '.join(OUTCOME_TYPES)})", raw)
        return None
    return kind


def _type_name(raw: object) -> str:
    # People typing into a sheet write "Not reached" or "call-back" as often as not_reached.
    return str(raw).strip().lower().replace(" ", "_").replace("-", "_")


def _check_required(check: _Check, kind: str | None, values: dict[str, object]) -> None:
    if _blank(values.get("touch_uid")) and _blank(values.get("message_id")):
        check.fail("touch_uid", "give a touch_uid or a message_id")
    if _blank(values.get("occurred_at")):
        check.fail("occurred_at", "required")
    if kind in REQUIRED_FOR:
        column, reason = REQUIRED_FOR[kind]
        if _blank(values.get(column)):
            check.fail(column, reason)
    if kind == "profiling" and not _answer_items(values):
        check.fail(ANSWERS, f"profiling needs answers ({ANSWER_PREFIX}<question_id> columns)")


def _text(check: _Check, column: str, raw: object) -> str | None:
    if _blank(raw):
        return None
    if isinstance(raw, bool | dict | list):
        check.fail(column, "expected text", raw)
        return None
    if isinstance(raw, float) and raw.is_integer():
        # Excel keeps an id typed as 12345 as the number 12345.0.
        raw = int(raw)
    text = str(raw).strip()
    limit = MAX_LENGTHS.get(column)
    if limit is not None and len(text) > limit:
        check.fail(column, f"longer than {limit} characters", text)
        return None
    return text


def _message_id(check: _Check, raw: object) -> str | None:
    """Return the Message-ID in angle brackets, however it was given."""
    text = _text(check, "message_id", raw)
    if text is None:
        return None
    inner = text.removeprefix("<").removesuffix(">").strip()
    if not inner or any(ch in inner for ch in "<> \t\r\n"):
        check.fail("message_id", "not a Message-ID", raw)
        return None
    if len(inner) + 2 > MAX_LENGTHS["message_id"]:
        check.fail("message_id", f"longer than {MAX_LENGTHS['message_id']} characters", raw)
        return None
    return f"<{inner}>"


def _moment(check: _Check, column: str, raw: object) -> datetime | None:
    """Return the moment as naive UTC; a date alone is its midnight."""
    if _blank(raw):
        return None
    moment: datetime | None
    if isinstance(raw, datetime):
        moment = raw
    elif isinstance(raw, date):
        moment = datetime.combine(raw, time())
    else:
        try:
            moment = datetime.fromisoformat(raw.strip()) if isinstance(raw, str) else None
        except ValueError:
            moment = None
    if moment is None:
        check.fail(column, DATE_HINT, raw)
        return None
    return as_stored(moment)


def _amount(check: _Check, raw: object) -> Decimal | None:
    if _blank(raw):
        return None
    amount = _decimal(raw)
    if amount is None or not amount.is_finite() or amount < 0:
        check.fail("amount", "expected a number of at least 0, e.g. 1234.50", raw)
        return None
    return amount


def _decimal(raw: object) -> Decimal | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, Decimal | int | float):
        # Going through str keeps 0.1 typed in a sheet as 0.1, not its binary neighbour.
        return Decimal(str(raw))
    text = str(raw).strip() if isinstance(raw, str) else ""
    if THOUSANDS.match(text):
        text = text.replace(",", "")
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def _currency(check: _Check, raw: object) -> str | None:
    text = _text(check, "currency", raw)
    if text is None:
        return None
    if not CURRENCY.match(text.upper()):
        check.fail("currency", "expected a three-letter ISO 4217 code, e.g. CNY", raw)
        return None
    return text.upper()


def _severity(check: _Check, kind: str | None, raw: object) -> str | None:
    text = _text(check, "severity", raw)
    if text is None:
        return DEFAULT_SEVERITY if kind == "complaint" else None
    if text.lower() not in SEVERITIES:
        check.fail("severity", f"expected one of {', '.join(SEVERITIES)}", raw)
        return None
    return text.lower()


def _answers(check: _Check, values: dict[str, object]) -> dict[str, str]:
    """Return the profiling answers by question id (ids compared in lower case)."""
    if not _blank(values.get(ANSWERS)) and not isinstance(values.get(ANSWERS), dict):
        check.fail(ANSWERS, "expected an object of question_id: answer", values.get(ANSWERS))
    answers: dict[str, str] = {}
    for question, raw in _answer_items(values):
        column = f"{ANSWER_PREFIX}{question}"
        text = _text(check, column, raw)
        if not question or len(question) > MAX_LENGTHS["question_id"]:
            check.fail(column, f"a question id needs 1 to {MAX_LENGTHS['question_id']} characters")
        elif text is not None:
            answers[question] = text
    return answers


def _answer_items(values: dict[str, object]) -> list[tuple[str, object]]:
    """Return (question id, answer) for every answer given, from columns or an object."""
    nested = values.get(ANSWERS)
    pairs = list(nested.items()) if isinstance(nested, dict) else []
    pairs += [
        (k.removeprefix(ANSWER_PREFIX), v) for k, v in values.items() if k.startswith(ANSWER_PREFIX)
    ]
    return [(str(key).strip().lower(), value) for key, value in pairs if not _blank(value)]
