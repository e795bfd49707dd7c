"""The store: one engine, a unit of work for commands, an Ibis connection for questions.

Callers never see dialect quirks: DuckDB's single-process file lock becomes a one-line
error naming the holder, Arrow tables are staged the fastest way each dialect allows,
and Ibis shares DuckDB's connection (a second connection to the same file is refused).
"""

from __future__ import annotations

import io
import re
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pa_csv
import sqlalchemy as sa
from sqlalchemy.pool import StaticPool

from carecycle.errors import StoreError, StoreLockedError
from carecycle.store import schema

_LOCK_PID = re.compile(r"Conflicting lock is held in (?P<exe>.+?) \(PID (?P<pid>\d+)\)")


@dataclass
class Store:
    """A connected store; create it with `open_store`."""

    url: str
    engine: sa.Engine
    _ibis: Any = field(default=None, repr=False)

    @property
    def dialect(self) -> str:
        """Return the dialect name: 'duckdb' or 'postgresql'."""
        return self.engine.dialect.name

    @property
    def is_duckdb(self) -> bool:
        """Return True when the store is an embedded DuckDB file or memory database."""
        return self.dialect == "duckdb"

    @contextmanager
    def begin(self) -> Iterator[sa.Connection]:
        """Yield a connection inside one transaction, committed on success."""
        with self.engine.begin() as conn:
            yield conn

    def ibis(self) -> Any:
        """Return an Ibis backend over the store (shared with SQLAlchemy on DuckDB)."""
        if self._ibis is None:
            self._ibis = _connect_ibis(self)
        return self._ibis

    def tables(self) -> dict[str, Any]:
        """Return an Ibis table for every table of the schema."""
        con = self.ibis()
        return {name: con.table(name) for name in schema.metadata.tables}

    def stage(self, conn: sa.Connection, name: str, data: pa.Table) -> sa.Table:
        """Make `data` queryable as table `name` inside `conn`'s transaction."""
        columns = [sa.Column(f.name, _sa_type(f.type)) for f in data.schema]
        table = sa.Table(name, sa.MetaData(), *columns, prefixes=["TEMPORARY"])
        if self.is_duckdb:
            raw = conn.connection.driver_connection
            assert raw is not None
            raw.register(name, data)
        else:
            table.create(conn)
            _copy_into_postgres(conn, name, data)
        return table

    def insert_arrow(
        self, conn: sa.Connection, table: sa.Table, data: pa.Table, *, new_by: str | None = None
    ) -> int:
        """Insert `data`'s rows into `table` inside `conn`'s transaction (only rows whose
        `new_by` column is not in the table yet, when given); return the rows written."""
        if not data.num_rows:
            return 0
        staged = self.stage(conn, f"staged_{table.name}", data)
        columns = list(data.column_names)
        rows = sa.select(*(staged.c[c] for c in columns))
        if new_by is not None:
            rows = rows.where(~sa.exists().where(table.c[new_by] == staged.c[new_by]))
        written = conn.execute(table.insert().from_select(columns, rows)).rowcount
        self.unstage(conn, staged)
        return int(written)

    def unstage(self, conn: sa.Connection, table: sa.Table) -> None:
        """Drop a staged table."""
        if self.is_duckdb:
            raw = conn.connection.driver_connection
            assert raw is not None
            raw.unregister(table.name)
        else:
            conn.execute(sa.text(f'DROP TABLE IF EXISTS "{table.name}"'))

    def close(self) -> None:
        """Release the connection (and DuckDB's file lock)."""
        if self._ibis is not None and not self.is_duckdb:
            self._ibis.disconnect()
        self._ibis = None
        self.engine.dispose()


def open_store(url: str) -> Store:
    """Connect to the store at `url`, turning lock and connection failures into user errors."""
    try:
        engine = _create_engine(url)
        with engine.connect():
            pass
    except sa.exc.ArgumentError as exc:
        raise StoreError(f"cannot use database URL {url!r}: {exc}") from None
    except (sa.exc.OperationalError, sa.exc.DBAPIError) as exc:
        raise _translate_connect_error(url, exc) from None
    return Store(url=url, engine=engine)


def _create_engine(url: str) -> sa.Engine:
    parsed = sa.make_url(url)
    if parsed.get_backend_name() == "duckdb":
        database = parsed.database or ":memory:"
        if database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        # One connection for the process: Ibis and SQLAlchemy must share it.
        return sa.create_engine(url, poolclass=StaticPool)
    if parsed.get_backend_name() == "postgresql":
        return sa.create_engine(url, pool_pre_ping=True)
    raise StoreError(
        f"unsupported database URL {url!r}: use duckdb:///FILE or postgresql+psycopg://…"
    )


def _translate_connect_error(url: str, exc: Exception) -> StoreError:
    message = str(getattr(exc, "orig", exc))
    match = _LOCK_PID.search(message)
    if match:
        pid = int(match["pid"])
        holder = _describe_process(pid) or match["exe"]
        file = sa.make_url(url).database
        return StoreLockedError(
            f"{file} is in use by process {pid} ({holder}); stop it, use its API, "
            "or point CARECYCLE_DATABASE_URL at PostgreSQL"
        )
    first = message.strip().splitlines()[0] if message.strip() else type(exc).__name__
    return StoreError(f"cannot open the store at {_redact(url)}: {first}")


def _describe_process(pid: int) -> str | None:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return None
    words = [w.decode(errors="replace") for w in raw.split(b"\0") if w]
    return " ".join(words)[:160] or None


def _redact(url: str) -> str:
    return sa.make_url(url).render_as_string(hide_password=True)


def _connect_ibis(store: Store) -> Any:
    import ibis

    if store.is_duckdb:
        raw = store.engine.raw_connection().driver_connection
        return ibis.duckdb.from_connection(_DuckDBForIbis(raw))
    # The whole URL, query included (sslmode, a socket host, …), in Ibis's own scheme.
    url = sa.make_url(store.url).set(drivername="postgres")
    return ibis.connect(url.render_as_string(hide_password=False))


class _DuckDBForIbis:
    """The store's DuckDB connection as Ibis expects it.

    Ibis still calls result methods that DuckDB 2 renamed (`fetch_arrow_table` became
    `to_arrow_table`, `fetch_record_batch` became `to_arrow_reader`); this keeps the two
    working together over one shared connection.
    """

    def __init__(self, connection: Any) -> None:
        self._connection = connection

    def __getattr__(self, name: str) -> Any:
        return getattr(self._connection, name)

    def execute(self, *args: Any, **kwargs: Any) -> _ResultForIbis:
        """Run a statement and return its result with the names Ibis uses."""
        return _ResultForIbis(self._connection.execute(*args, **kwargs))


# Ibis fetches from a DB-API result, which DuckDB 2 warns costs one copy; it cannot use
# the relation API DuckDB suggests instead.
_EXTRA_COPY = "Arrow output on a DB-API result makes an extra copy"


class _ResultForIbis:
    def __init__(self, result: Any) -> None:
        self._result = result

    def __getattr__(self, name: str) -> Any:
        return getattr(self._result, name)

    def fetch_arrow_table(self) -> pa.Table:
        """Return the result as an Arrow table."""
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", _EXTRA_COPY)
            return self._result.to_arrow_table()

    def fetch_record_batch(self, rows_per_batch: int = 1_000_000) -> pa.RecordBatchReader:
        """Return the result as a stream of Arrow record batches."""
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", _EXTRA_COPY)
            return self._result.to_arrow_reader(rows_per_batch)


def _sa_type(arrow_type: pa.DataType) -> sa.types.TypeEngine[Any]:
    if pa.types.is_boolean(arrow_type):
        return sa.Boolean()
    if pa.types.is_integer(arrow_type):
        return sa.BigInteger()
    if pa.types.is_decimal(arrow_type):
        return sa.Numeric(arrow_type.precision, arrow_type.scale)
    if pa.types.is_floating(arrow_type):
        return sa.Float()
    if pa.types.is_date(arrow_type):
        return sa.Date()
    if pa.types.is_timestamp(arrow_type):
        return sa.DateTime()
    return sa.String()


def _copy_into_postgres(conn: sa.Connection, name: str, data: pa.Table) -> None:
    buffer = io.BytesIO()
    # The CSV writer garbles a column whose first chunk is empty: write whole columns.
    pa_csv.write_csv(data.combine_chunks(), buffer, pa_csv.WriteOptions(include_header=False))
    raw = conn.connection.driver_connection
    assert raw is not None
    with raw.cursor() as cursor, cursor.copy(f'COPY "{name}" FROM STDIN (FORMAT csv)') as copy:
        copy.write(buffer.getvalue())
