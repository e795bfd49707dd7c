from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from carecycle.errors import InputError
from carecycle.ingest.readers import read_file

CHINESE = "account_id,name\nA1,北京华信科技有限公司\nA2,上海星辰软件有限公司\n"


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_chinese_names_read_back_in_every_supported_encoding(tmp_path: Path, encoding: str) -> None:
    raw = read_file(write(tmp_path / "a.csv", CHINESE.encode(encoding)))
    assert raw.table["name"].to_pylist() == ["北京华信科技有限公司", "上海星辰软件有限公司"]
    assert raw.table.column_names == ["account_id", "name"]


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_delimiter_is_sniffed(tmp_path: Path, delimiter: str) -> None:
    text = f"account_id{delimiter}name{delimiter}city\nA1{delimiter}Acme{delimiter}Beijing\n"
    raw = read_file(write(tmp_path / "a.csv", text.encode()))
    assert raw.delimiter == delimiter
    assert raw.table.to_pylist() == [{"account_id": "A1", "name": "Acme", "city": "Beijing"}]


def test_line_numbers_count_quoted_newlines_and_blank_lines(tmp_path: Path) -> None:
    text = 'account_id,name\nA1,one\n\nA2,"two\nlines"\nA3,three\n'
    raw = read_file(write(tmp_path / "a.csv", text.encode()))
    assert raw.lines_of([0, 1, 2]) == [2, 4, 6]


def test_row_with_wrong_field_count_is_a_problem_on_its_line(tmp_path: Path) -> None:
    raw = read_file(write(tmp_path / "a.csv", b"account_id,name\nA1,x\nA2,y,z\nA3,w\n"))
    assert [(p.line, p.reason) for p in raw.problems] == [(3, "has 3 fields, the header has 2")]
    assert raw.lines_of([0, 1]) == [2, 4]


def test_undecodable_bytes_name_the_line_and_field(tmp_path: Path) -> None:
    raw = read_file(write(tmp_path / "a.csv", b"account_id,name\nA1,ok\nA2,bad\xff\xfe\n"))
    assert [(p.line, p.column) for p in raw.problems] == [(3, "name")]
    assert "not valid utf-8" in raw.problems[0].reason


def test_parquet_columns_are_read_as_text_with_row_numbers(tmp_path: Path) -> None:
    path = tmp_path / "orders.parquet"
    pq.write_table(pa.table({"Order_ID": ["O1"], "quantity": pa.array([3], pa.int64())}), path)
    raw = read_file(path)
    assert raw.table.to_pylist() == [{"order_id": "O1", "quantity": "3"}]
    assert raw.lines_of([0]) == [1]


def test_missing_and_empty_files_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        read_file(tmp_path / "nope.csv")
    with pytest.raises(InputError, match="empty"):
        read_file(write(tmp_path / "e.csv", b"\n"))


def test_released_rows_are_read_again_unless_the_file_changed(tmp_path: Path) -> None:
    path = write(tmp_path / "a.csv", CHINESE.encode("gb18030"))
    raw = read_file(path)
    raw.release()
    assert raw.table["name"].to_pylist()[0] == "北京华信科技有限公司"
    assert raw.lines_of([1]) == [3]
    raw.release()
    path.write_text(CHINESE + "A3,x\n", encoding="gb18030")
    with pytest.raises(InputError, match="changed while it was being imported"):
        _ = raw.table


def test_old_mac_line_ends_and_a_header_without_newline_are_read(tmp_path: Path) -> None:
    raw = read_file(write(tmp_path / "a.csv", b"account_id,name\rA1,x\rA2,y"))
    assert raw.table["account_id"].to_pylist() == ["A1", "A2"]
    assert raw.lines_of([1]) == [3]
    assert read_file(write(tmp_path / "h.csv", b"account_id,name")).table.num_rows == 0


@pytest.mark.parametrize(("given", "expected"), [("tab", "\t"), ("\\t", "\t"), (";", ";")])
def test_delimiter_option_takes_one_character_or_tab(
    tmp_path: Path, given: str, expected: str
) -> None:
    text = f"account_id{expected}name\nA1{expected}x\n"
    assert (
        read_file(write(tmp_path / "a.csv", text.encode()), delimiter=given).delimiter == expected
    )


def test_unusable_delimiter_or_encoding_is_a_clear_error(tmp_path: Path) -> None:
    path = write(tmp_path / "a.csv", b"account_id\nA1\n")
    with pytest.raises(InputError, match="give one character"):
        read_file(path, delimiter=";;")
    for encoding in ("hex", "nope"):
        with pytest.raises(InputError, match="unknown text encoding"):
            read_file(path, encoding=encoding)


def test_parquet_timestamps_and_wide_decimals_read_as_plain_text(tmp_path: Path) -> None:
    path = tmp_path / "o.parquet"
    table = pa.table(
        {
            "at": pa.array([1704412800_000_000_000], pa.timestamp("ns")),
            "amount": pa.array([12.5], pa.float64()).cast(pa.decimal128(10, 4)),
        }
    )
    pq.write_table(table, path)
    assert read_file(path).table.to_pylist() == [{"at": "2024-01-05 00:00:00", "amount": "12.5000"}]


def test_parquet_column_that_cannot_be_text_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "o.parquet"
    pq.write_table(pa.table({"order_id": pa.array([[1, 2]], pa.list_(pa.int64()))}), path)
    with pytest.raises(InputError, match="column order_id holds list"):
        read_file(path)
