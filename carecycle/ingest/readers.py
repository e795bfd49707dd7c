"""Reading import files into Arrow: CSV in any delimiter and encoding, and Parquet.

Every column is read as text; typing is the validator's job, so a bad value becomes a
row error with its line instead of a failed read. Line numbers are worked out only when
an error needs one (by a second, exact pass with Python's csv module), so the common
path stays at Arrow's speed.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from carecycle.errors import InputError

SAMPLE_BYTES = 1 << 16
DELIMITERS = ",;\t|"
# A UTF-8 file with a few broken bytes is still UTF-8 (and those rows are reported);
# a file where many multi-byte sequences fail is in a legacy Chinese encoding.
UTF8_FAILURE_SHARE = 0.01


@dataclass(frozen=True)
class Problem:
    """One rejected value: where it is and why."""

    file: str
    line: int
    column: str
    reason: str
    value: str | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" + (f": {self.column}" if self.column else "")
        shown = "" if self.value is None else f" (got {self.value!r})"
        return f"{where}: {self.reason}{shown}"


@dataclass
class RawFile:
    """A file read as text columns, with what is needed to point back into it."""

    path: Path
    sha256: str
    encoding: str
    delimiter: str | None
    _table: pa.Table | None
    problems: list[Problem] = field(default_factory=list)
    ragged_rows: int = 0
    _content: bytes | None = field(default=None, repr=False)
    _lines: list[int] | None = field(default=None, repr=False)

    @property
    def table(self) -> pa.Table:
        """Return the file's rows as text columns (read again if released)."""
        if self._table is None:
            self._table = self._read_again()._table
        assert self._table is not None
        return self._table

    @table.setter
    def table(self, value: pa.Table) -> None:
        self._table = value

    def release(self) -> None:
        """Drop the file's bytes and rows from memory; they are read again if needed."""
        self._content = None
        self._table = None

    def _read_again(self) -> RawFile:
        again = read_file(self.path, encoding=self.encoding, delimiter=self.delimiter)
        if again.sha256 != self.sha256:
            raise InputError(f"{self.path}: the file changed while it was being imported")
        return again

    @property
    def is_parquet(self) -> bool:
        """Return True for a Parquet file, whose rows have numbers rather than lines."""
        return self.delimiter is None

    def lines_of(self, rows: Sequence[int]) -> list[int]:
        """Return the 1-based line (CSV) or row number (Parquet) of each 0-based row."""
        if self.is_parquet:
            return [r + 1 for r in rows]
        if self._lines is None:
            self._lines, _ = _scan_records(self._text(), self.delimiter or ",", self.width)
        return [self._lines[r] for r in rows]

    @property
    def width(self) -> int:
        """Return the number of columns the header names."""
        return int(self.table.num_columns)

    def _text(self) -> str:
        content = self._content if self._content is not None else self.path.read_bytes()
        return _strip_bom(content).decode(self.encoding, errors="replace")


def read_file(path: Path, *, encoding: str = "auto", delimiter: str | None = None) -> RawFile:
    """Read a CSV or Parquet file as text columns; raise InputError if it cannot be read."""
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    if _is_parquet(path):
        return _read_parquet(path)
    content = path.read_bytes()
    digest = hashlib.sha256(content).hexdigest()
    if not content.strip():
        raise InputError(f"{path}: the file is empty")
    chosen = _detect_encoding(content) if encoding == "auto" else _check_codec(encoding)
    body = _line_ends(_strip_bom(content))
    sep = _check_delimiter(delimiter) or _sniff_delimiter(
        body[:SAMPLE_BYTES].decode(chosen, errors="replace")
    )
    raw = RawFile(path, digest, chosen, sep, pa.table({}), _content=content)
    raw.table = _parse_csv(raw, body)
    return raw


def _is_parquet(path: Path) -> bool:
    return path.suffix.lower() in {".parquet", ".pq"}


def _read_parquet(path: Path) -> RawFile:
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    try:
        table = pq.read_table(path)
    except (pa.ArrowInvalid, OSError) as exc:
        raise InputError(f"{path}: not a readable Parquet file ({exc})") from None
    names = _unique(path, [_clean_header(n) for n in table.column_names])
    columns = []
    for name, column in zip(names, table.columns, strict=True):
        try:
            columns.append(_as_text(column))
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            raise InputError(
                f"{path}: column {name} holds {column.type} values, which cannot be read as text"
            ) from None
    return RawFile(path, digest, "parquet", None, pa.table(columns, names=names))


def _as_text(column: pa.ChunkedArray) -> pa.ChunkedArray:
    if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
        return column.cast(pa.string())
    if pa.types.is_timestamp(column.type):
        seconds = column.cast(pa.timestamp("s", column.type.tz), safe=False)
        return pc.strftime(seconds, format="%Y-%m-%d %H:%M:%S")
    return column.cast(pa.string())


def _detect_encoding(content: bytes) -> str:
    if content.startswith(codecs.BOM_UTF8):
        return "utf-8"
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    sample = content[: SAMPLE_BYTES * 16]
    if _decodes(sample, "utf-8"):
        return "utf-8"
    decoded = sample.decode("utf-8", errors="replace")
    failures = decoded.count("\ufffd")
    non_ascii = sum(1 for ch in decoded if ord(ch) > 127)
    if non_ascii >= 100 and failures / non_ascii < UTF8_FAILURE_SHARE:
        return "utf-8"
    return "gb18030" if _decodes(sample, "gb18030") else "utf-8"


def _decodes(sample: bytes, encoding: str) -> bool:
    try:
        codecs.getincrementaldecoder(encoding)().decode(sample, final=False)
    except UnicodeDecodeError:
        return False
    return True


def _check_codec(encoding: str) -> str:
    try:
        info = codecs.lookup(encoding)
    except LookupError:
        info = None
    if info is None or not getattr(info, "_is_text_encoding", True):
        raise InputError(f"unknown text encoding {encoding!r} (try utf-8 or gb18030)")
    return info.name


def _check_delimiter(delimiter: str | None) -> str | None:
    if delimiter is None:
        return None
    chosen = {"tab": "\t", "\\t": "\t"}.get(delimiter.lower(), delimiter)
    if len(chosen) != 1 or chosen in '\r\n"':
        raise InputError(f"--delimiter {delimiter!r}: give one character, or tab")
    return chosen


def _line_ends(body: bytes) -> bytes:
    """Return `body` with old Mac line ends made Unix ones, ending with a line end."""
    if b"\n" not in body and b"\r" in body:
        body = body.replace(b"\r", b"\n")
    return body if body.endswith(b"\n") else body + b"\n"


def _strip_bom(content: bytes) -> bytes:
    return content[len(codecs.BOM_UTF8) :] if content.startswith(codecs.BOM_UTF8) else content


def _sniff_delimiter(sample: str) -> str:
    header = sample.splitlines()[0] if sample else ""
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        counts = {d: header.count(d) for d in DELIMITERS}
        best = max(counts, key=lambda d: counts[d])
        return best if counts[best] else ","


def _parse_csv(raw: RawFile, body: bytes) -> pa.Table:
    try:
        utf8 = body if raw.encoding in {"utf-8", "utf_8"} else _transcode(raw, body)
        return _arrow_csv(raw, utf8)
    except _NotUtf8Error:
        raw.problems.extend(_undecodable(raw))
        return _arrow_csv(raw, body.decode(raw.encoding, errors="replace").encode("utf-8"))


class _NotUtf8Error(Exception):
    pass


def _arrow_csv(raw: RawFile, utf8: bytes) -> pa.Table:
    header = _read_header(raw, utf8)
    skipped = False

    def on_invalid(_: pa_csv.InvalidRow) -> str:
        nonlocal skipped
        skipped = True
        return "skip"

    options = pa_csv.ConvertOptions(
        column_types=dict.fromkeys(header, pa.string()),
        strings_can_be_null=False,
        quoted_strings_can_be_null=False,
    )
    parse = pa_csv.ParseOptions(
        delimiter=raw.delimiter or ",",
        newlines_in_values=b'"' in utf8,
        invalid_row_handler=on_invalid,
    )
    read = pa_csv.ReadOptions(column_names=header, skip_rows=1, block_size=1 << 24)
    try:
        table = pa_csv.read_csv(io.BytesIO(utf8), read, parse, options)
    except pa.ArrowInvalid as exc:
        if "utf8" in str(exc).lower():
            raise _NotUtf8Error from None
        raise InputError(f"{raw.path}: cannot be read as CSV ({exc})") from None
    if skipped:
        _, ragged = _scan_records(raw._text(), raw.delimiter or ",", len(header))
        raw.ragged_rows = len(ragged)
        raw.problems.extend(
            Problem(
                str(raw.path),
                line,
                "",
                f"has {len(record)} fields, the header has {len(header)}",
                (raw.delimiter or ",").join(record),
            )
            for line, record in ragged
        )
    return table


def _transcode(raw: RawFile, body: bytes) -> bytes:
    try:
        return body.decode(raw.encoding).encode("utf-8")
    except UnicodeDecodeError:
        raise _NotUtf8Error from None


def _read_header(raw: RawFile, utf8: bytes) -> list[str]:
    first = utf8.split(b"\n", 1)[0].decode("utf-8", errors="replace")
    names = [_clean_header(n) for n in next(csv.reader([first], delimiter=raw.delimiter or ","))]
    return _unique(raw.path, names, where=":1")


def _unique(path: Path, names: list[str], *, where: str = "") -> list[str]:
    if len(set(names)) != len(names):
        seen = sorted({n for n in names if names.count(n) > 1})
        raise InputError(f"{path}{where}: column(s) {', '.join(seen)} appear more than once")
    return names


def _clean_header(name: str) -> str:
    return name.strip().strip("\ufeff").strip().lower()


def _records(text: str, delimiter: str) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """Return the header and an iterator of (starting line, fields) over the records after it."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = next(reader, [])

    def walk() -> Iterator[tuple[int, list[str]]]:
        previous_end = reader.line_num
        for record in reader:
            yield previous_end + 1, record
            previous_end = reader.line_num

    return header, walk()


def _undecodable(raw: RawFile) -> list[Problem]:
    """Name every line and field holding bytes that are not valid in the file's encoding."""
    text = _strip_bom(raw._content or b"").decode(raw.encoding, errors="surrogateescape")
    header, records = _records(text, raw.delimiter or ",")
    names = [_clean_header(h) for h in header]
    reason = f"bytes that are not valid {raw.encoding}" + (
        " (if the file is in another encoding, pass --encoding, e.g. gb18030)"
        if raw.encoding == "utf-8"
        else ""
    )
    found = []
    for line, record in records:
        for i, value in enumerate(record):
            if any("\udc80" <= ch <= "\udcff" for ch in value):
                column = names[i] if i < len(names) else f"field {i + 1}"
                found.append(Problem(str(raw.path), line, column, reason))
    return found


def _scan_records(
    text: str, delimiter: str, width: int
) -> tuple[list[int], list[tuple[int, list[str]]]]:
    """Return the starting line of each well-formed record, and (line, fields) of the rest."""
    starts: list[int] = []
    ragged: list[tuple[int, list[str]]] = []
    for line, record in _records(text, delimiter)[1]:
        if len(record) == width:
            starts.append(line)
        elif record:
            ragged.append((line, record))
    return starts, ragged
