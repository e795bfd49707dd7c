"""Typing and checking an import file against its entity's contract, set-based.

One query over the whole file (in an in-memory DuckDB, whatever the store) turns each text
column into its type and gives, beside it, the reason a value was refused. Rows with any
reason are rejected with their file, line and column; the rest come out typed and cleansed.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass, field

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from carecycle.errors import InputError
from carecycle.ingest import cleansing
from carecycle.ingest.contracts import Column, Contract
from carecycle.ingest.readers import Problem, RawFile

ROW = "__row"
WHY = "__why"
BAD = "__bad"
TRUE_WORDS = ("true", "t", "yes", "y", "1", "是")
FALSE_WORDS = ("false", "f", "no", "n", "0", "否")
NAME_COLUMNS = frozenset({"name", "referred_company"})
SHOWN_VALUE = 60
# Written by --skip-bad beside each rejected row; ignored when the rejects are imported.
REJECT_COLUMNS = ("_line", "_reasons")


@dataclass
class Checked:
    """A file's accepted rows, typed and cleansed, and every problem found in it."""

    entity: str
    raw: RawFile
    table: pa.Table
    problems: list[Problem] = field(default_factory=list)

    rows_read: int = 0

    @property
    def rejected_lines(self) -> set[int]:
        """Return the lines (or Parquet rows) with at least one problem."""
        return {p.line for p in self.problems}

    def reject(self, mask: pa.Array, problems: list[Problem]) -> None:
        """Drop the accepted rows where `mask` is true, recording why."""
        self.problems.extend(problems)
        self.table = self.table.filter(pc.invert(mask))


PhoneRegions = Callable[[pa.Table], pa.Array | None]


def check_file(
    raw: RawFile,
    contract: Contract,
    *,
    default_region: str,
    phone_regions: PhoneRegions | None = None,
) -> Checked:
    """Type every column of `raw` by `contract`; return accepted rows and problems.

    `phone_regions` gives each accepted row the region its phone number is read in
    (null for the default), e.g. the country of a contact's account.
    """
    present = _check_header(raw, contract)
    typed = _type_columns(raw, contract, present)
    rows_read = raw.table.num_rows + raw.ragged_rows
    checked = Checked(contract.entity, raw, typed, list(raw.problems), rows_read)
    _reject_reader_problems(checked)
    _reject_bad_values(checked, contract, present)
    _reject_duplicate_keys(checked, contract)
    regions = phone_regions(checked.table) if phone_regions else None
    _cleanse(checked, contract, present, default_region, regions)
    return checked


def _check_header(raw: RawFile, contract: Contract) -> list[Column]:
    names = [n for n in raw.table.column_names if n not in REJECT_COLUMNS]
    errors = []
    for name in names:
        if name not in contract.names:
            close = difflib.get_close_matches(name, contract.names, n=1)
            hint = f" (did you mean {close[0]}?)" if close else ""
            errors.append(f"unknown column {name!r}{hint}")
    missing = [c for c in contract.required if c not in names]
    if missing:
        errors.append("missing required column(s): " + ", ".join(missing))
    if errors:
        where = f"{raw.path}:1" if not raw.is_parquet else str(raw.path)
        raise InputError(f"{where}: {'; '.join(errors)} — see docs/import.md#{contract.entity}")
    return [c for c in contract.columns if c.name in names]


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


DATE = r"[0-9]{4}[-/][0-9]{1,2}[-/][0-9]{1,2}"
TIME = r"[ T][0-9]{1,2}:[0-9]{2}(:[0-9]{2}([.][0-9]+)?)?"
MIDNIGHT = r"[ T]00:00(:00([.]0+)?)?"
CONTROL = r"[\x00-\x08\x0B\x0C\x0E-\x1F\x7F]"
YEARS = (1900, 2999)


def _kind_sql(column: Column, v: str) -> tuple[str, str, str]:
    """Return SQL for (typed value, 'value is bad', reason) of one column's kind."""
    match column.kind:
        case "int":
            bound = column.maximum or 2**63 - 1
            return (
                f"TRY_CAST({v} AS BIGINT)",
                f"NOT regexp_full_match({v}, '[+-]?[0-9]{{1,18}}') "
                f"OR abs(TRY_CAST({v} AS HUGEINT)) > {bound}",
                f"not a whole number between -{bound} and {bound}",
            )
        case "decimal":
            return (
                f"TRY_CAST({v} AS DECIMAL(18,2))",
                f"NOT regexp_full_match({v}, '[+-]?[0-9]{{1,16}}([.][0-9]{{1,2}}0*)?')",
                "not a decimal number with '.' and at most 2 decimals",
            )
        case "date":
            value = f"TRY_STRPTIME(regexp_extract({v}, '^{DATE}'), ['%Y-%m-%d', '%Y/%m/%d'])::DATE"
            return (
                value,
                f"NOT regexp_full_match({v}, '{DATE}({MIDNIGHT})?') OR {_outside_years(value)}",
                "not a date (expected YYYY-MM-DD)",
            )
        case "datetime":
            value = f"TRY_CAST(replace({v}, '/', '-') AS TIMESTAMP)"
            return (
                value,
                f"NOT regexp_full_match({v}, '{DATE}({TIME})?') OR {_outside_years(value)}",
                "not a date and time (expected YYYY-MM-DD HH:MM:SS, no time zone)",
            )
        case "bool":
            value = (
                f"CASE WHEN lower({v}) IN {TRUE_WORDS} THEN TRUE "
                f"WHEN lower({v}) IN {FALSE_WORDS} THEN FALSE END"
            )
            return value, f"{value} IS NULL", "not true or false (use true/false, yes/no, 1/0)"
        case "enum":
            allowed = ", ".join(repr(x) for x in column.values)
            return (
                f"lower({v})",
                f"lower({v}) NOT IN ({allowed})",
                "must be one of " + ", ".join(column.values),
            )
        case _:
            too_long = f"length({v}) > {column.max_length}" if column.max_length else "FALSE"
            return v, too_long, f"longer than {column.max_length} characters"


def _outside_years(value: str) -> str:
    return f"{value} IS NULL OR NOT year({value}) BETWEEN {YEARS[0]} AND {YEARS[1]}"


def _value_sql(column: Column) -> tuple[str, str]:
    """Return SQL for the typed value and for the reason it is refused (NULL if fine)."""
    v = f"NULLIF(TRIM({_quote(column.name)}), '')"
    value, bad, reason = _kind_sql(column, v)
    checks = [
        f"WHEN {v} IS NOT NULL AND regexp_matches({v}, '{CONTROL}') "
        "THEN 'contains control characters'",
        f"WHEN {v} IS NOT NULL AND ({bad}) THEN '{_sql_text(reason)}'",
    ]
    if column.required:
        checks.insert(0, f"WHEN {v} IS NULL THEN 'required value is missing'")
    if column.minimum is not None:
        checks.append(f"WHEN {value} < {column.minimum} THEN 'must be at least {column.minimum}'")
    if column.default is not None:
        value = f"COALESCE({value}, {_default_sql(column)})"
    return value, "CASE " + " ".join(checks) + " END"


def _default_sql(column: Column) -> str:
    if column.kind == "bool":
        return "TRUE" if column.default in TRUE_WORDS else "FALSE"
    return f"'{_sql_text(column.default or '')}'"


def _sql_text(text: str) -> str:
    return text.replace("'", "''")


def _type_columns(raw: RawFile, contract: Contract, present: list[Column]) -> pa.Table:
    source = raw.table.append_column(ROW, pa.array(range(raw.table.num_rows), pa.int64()))
    selects = [ROW]
    reasons = []
    for column in present:
        value, reason = _value_sql(column)
        selects.append(f"{value} AS {_quote(column.name)}")
        selects.append(f"{reason} AS {_quote(column.name + WHY)}")
        reasons.append(_quote(column.name + WHY))
    bad = f"coalesce({', '.join(reasons)}) IS NOT NULL" if reasons else "FALSE"
    with duckdb.connect() as con:
        con.register("source", source)
        typed = con.sql(f"SELECT {', '.join(selects)} FROM source").to_arrow_table()
        return typed.append_column(BAD, con.sql(f"SELECT {bad} FROM typed").to_arrow_table()[0])


def _reject_reader_problems(checked: Checked) -> None:
    if not checked.raw.problems:
        return
    bad = pa.array(sorted({p.line for p in checked.raw.problems}), pa.int64())
    lines = pa.array(checked.raw.lines_of(checked.table[ROW].to_pylist()), pa.int64())
    checked.reject(pc.is_in(lines, value_set=bad), [])


def _reject_bad_values(checked: Checked, contract: Contract, present: list[Column]) -> None:
    table = checked.table
    if not pc.any(table[BAD]).as_py():
        return
    bad = table.filter(table[BAD])
    found: list[tuple[int, str, str, str | None]] = []
    for column in present:
        refused = bad.filter(pc.is_valid(bad[column.name + WHY]))
        rows = refused[ROW].to_pylist()
        raw_values = checked.raw.table[column.name].take(pa.array(rows, pa.int64())).to_pylist()
        reasons = refused[column.name + WHY].to_pylist()
        found.extend(
            (r, column.name, why, value)
            for r, why, value in zip(rows, reasons, raw_values, strict=True)
        )
    found.sort()
    checked.reject(table[BAD], _problems(checked.raw, found))


def _problems(raw: RawFile, found: list[tuple[int, str, str, str | None]]) -> list[Problem]:
    lines = raw.lines_of([row for row, *_ in found])
    return [
        Problem(str(raw.path), line, column, reason, _shown(value))
        for line, (_, column, reason, value) in zip(lines, found, strict=True)
    ]


def _shown(value: str | None) -> str | None:
    if value is None or len(value) <= SHOWN_VALUE:
        return value
    return value[:SHOWN_VALUE] + "…"


def _reject_duplicate_keys(checked: Checked, contract: Contract) -> None:
    table = checked.table
    if table.num_rows == 0:
        return
    keys = ", ".join(_quote(k) for k in contract.key)
    with duckdb.connect() as con:
        con.register("t", table.select([ROW, *contract.key]))
        if not con.execute(
            f"SELECT 1 FROM t GROUP BY {keys} HAVING count(*) > 1 LIMIT 1"
        ).fetchall():
            return
        repeats = con.sql(
            f"SELECT {ROW}, first_row FROM (SELECT {ROW}, min({ROW}) OVER (PARTITION BY {keys})"
            f" AS first_row FROM t) WHERE {ROW} <> first_row ORDER BY {ROW}"
        ).fetchall()
    if not repeats:
        return
    rows = [r for r, _ in repeats]
    firsts = checked.raw.lines_of([f for _, f in repeats])
    lines = checked.raw.lines_of(rows)
    label = ", ".join(contract.key)
    problems = [
        Problem(str(checked.raw.path), line, label, f"duplicate key, first seen on line {first}")
        for line, first in zip(lines, firsts, strict=True)
    ]
    mask = pc.is_in(table[ROW], value_set=pa.array(rows, pa.int64()))
    checked.reject(mask, problems)


def _cleanse(
    checked: Checked,
    contract: Contract,
    present: list[Column],
    region: str,
    regions: pa.Array | None,
) -> None:
    table = checked.table
    for column in present:
        if column.kind not in ("email", "phone") and column.name not in NAME_COLUMNS:
            continue
        values = table[column.name].combine_chunks()
        if column.kind == "email":
            result = cleansing.normalise_emails(values)
            table = _put(table, column.name, result.values)
            table = _put_issue(table, contract, "email_issue", result.issues)
        elif column.kind == "phone":
            result = cleansing.normalise_phones(values, default_region=region, regions=regions)
            table = _put(table, column.name, result.values)
            table = _put_issue(table, contract, "phone_issue", result.issues)
        elif column.name in NAME_COLUMNS:
            table = _put(table, column.name, cleansing.normalise_names(values))
    checked.table = table


def _put(table: pa.Table, name: str, values: pa.Array) -> pa.Table:
    return table.set_column(table.column_names.index(name), name, values)


def _put_issue(table: pa.Table, contract: Contract, name: str, issues: pa.Array) -> pa.Table:
    if name not in contract.table.c:
        return table
    return table.append_column(name, issues.cast(pa.string()))


def store_columns(checked: Checked) -> pa.Table:
    """Return the accepted rows with only the columns the store keeps."""
    keep = [n for n in checked.table.column_names if not n.startswith("__") and "__" not in n]
    return checked.table.select(keep)
