"""Every SQL pass whose result is matched to its input rows by position keeps their order."""

from __future__ import annotations

import polars as pl
import pytest

from chargescope.duck import cursor, to_duckdb
from chargescope.model.envelope import _PAYLOAD_SQL, _SPLIT_SQL
from chargescope.readers.jsonshape import Split, _extract_sql, kinds_sql
from chargescope.readers.times import iso_sql


def _plan(sql: str, table: str, column: str) -> str:
    with cursor() as con:
        con.register(table, to_duckdb(pl.DataFrame({column: ['[2,"1","A",{}]']})))
        return "\n".join(row[1] for row in con.sql("explain " + sql).fetchall()).upper()


def test_the_envelope_split_is_a_plain_projection() -> None:
    # each result is matched to its input row by position, so the SQL must keep the rows'
    # order: no join (DuckDB turns an ``in`` list of five or more values into one)
    assert "JOIN" not in _plan(_SPLIT_SQL, "raw", "frame")
    sql = _extract_sql([("frame", None)], ["$.frame"], Split("frame", True))
    assert "JOIN" not in _plan(sql, "lines", "text")
    assert "JOIN" in _plan("select frame in ('1', '2', '3', '4', '5') from raw", "raw", "frame")


@pytest.mark.parametrize(
    ("sql", "table", "column"),
    [
        (_PAYLOAD_SQL, "raw", "payload"),
        (iso_sql(True), "t", "v"),
        (iso_sql(False), "t", "v"),
        (kinds_sql(["$.frame", "$.request"]), "t", "text"),
    ],
)
def test_every_row_aligned_sql_pass_is_a_plain_projection(
    sql: str, table: str, column: str
) -> None:
    # like the envelope split, these results are matched to their input rows by position
    assert "JOIN" not in _plan(sql, table, column)
