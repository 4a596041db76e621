"""One in-process DuckDB database for every SQL pass, a cheap cursor per use (connecting costs ~17 ms)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import duckdb

_db: duckdb.DuckDBPyConnection | None = None
_lock = threading.Lock()


def database() -> duckdb.DuckDBPyConnection:
    """The shared database (created on first use; times without a zone are read as UTC)."""
    global _db
    with _lock:
        if _db is None:
            _db = duckdb.connect()
            _db.execute("SET GLOBAL TimeZone = 'UTC'")
        return _db


@contextmanager
def cursor() -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection of its own to the shared database (tables registered on it stay private)."""
    cur = database().cursor()
    try:
        yield cur
    finally:
        cur.close()
