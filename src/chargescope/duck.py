"""One in-process DuckDB database for every SQL pass, a cheap cursor per use (connecting costs ~17 ms)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import duckdb
import polars as pl
import pyarrow as pa

_db: duckdb.DuckDBPyConnection | None = None
_lock = threading.RLock()


def database() -> duckdb.DuckDBPyConnection:
    """The shared database (created on first use; times without a zone are read as UTC, and
    text comes back as Arrow string views, which Polars takes without building its own)."""
    global _db
    with _lock:
        if _db is None:
            _db = duckdb.connect()
            _db.execute("SET GLOBAL TimeZone = 'UTC'")
            _db.execute("SET GLOBAL arrow_output_version = '1.5'")
            _db.execute("SET GLOBAL produce_arrow_string_view = true")
        return _db


@contextmanager
def cursor() -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection of its own to the shared database (tables registered on it stay private;
    sources read on several threads each take their own)."""
    with _lock:
        cur = database().cursor()
    try:
        yield cur
    finally:
        cur.close()


#: Rows per Arrow batch handed to DuckDB: it scans batches in parallel, one per thread.
BATCH_ROWS = 32_768


def to_polars(table: pa.Table) -> pl.DataFrame:
    """A query's Arrow result as a Polars frame of one chunk per column. DuckDB hands back a
    batch per vector of rows; left so, every later Polars call that meets columns chunked
    another way (a column added from elsewhere) first re-aligns the whole frame. Call it once
    the cursor is closed: the query's own buffers are gone by then."""
    got = pl.from_arrow(table)
    assert isinstance(got, pl.DataFrame)
    return got.rechunk()


def to_duckdb(df: pl.DataFrame) -> pa.Table:
    """``df`` as Arrow in batches DuckDB can scan on every core (strings are not copied)."""
    table = df.to_arrow(compat_level=pl.CompatLevel.newest())
    if table.num_rows <= BATCH_ROWS:
        return table
    return pa.Table.from_batches(table.to_batches(max_chunksize=BATCH_ROWS), table.schema)
