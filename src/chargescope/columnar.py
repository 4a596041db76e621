"""Polars work that scans every row, run on the streaming engine: it splits rows over all cores.

Eager Polars runs one expression over one column on a single core; the streaming engine cuts the
rows into morsels and works on them in parallel, keeping their order. Starting it costs a few
hundred microseconds, so small frames (a small file's rows) are worked on eagerly.
"""

from __future__ import annotations

from typing import Any

import polars as pl

#: Frames with fewer rows are worked on eagerly.
SMALL_ROWS = 50_000


def select(df: pl.DataFrame, *exprs: Any) -> pl.DataFrame:
    """``df.select(*exprs)``, rows spread over every core."""
    if df.height < SMALL_ROWS:
        return df.select(*exprs)
    return df.lazy().select(*exprs).collect(engine="streaming")


def with_columns(df: pl.DataFrame, *exprs: Any) -> pl.DataFrame:
    """``df.with_columns(*exprs)``, rows spread over every core."""
    if df.height < SMALL_ROWS:
        return df.with_columns(*exprs)
    return df.lazy().with_columns(*exprs).collect(engine="streaming")


def query(lf: pl.LazyFrame, rows: int) -> pl.DataFrame:
    """A lazy query's result, rows spread over every core (``rows``: how many it scans)."""
    return lf.collect(engine="in-memory" if rows < SMALL_ROWS else "streaming")


def column(df: pl.DataFrame, expr: pl.Expr) -> pl.Series:
    """The one column ``expr`` makes of ``df``, rows spread over every core."""
    return select(df, expr).to_series()
