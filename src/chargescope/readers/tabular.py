"""Shared helpers for delimited (CSV-like) layouts: header sniffing and typed-as-text reading."""

from __future__ import annotations

import csv as _csv
import io

import polars as pl

from chargescope.readers.base import Source


def first_line(head: str) -> str:
    """The first non-empty line of ``head`` (BOM stripped)."""
    for line in head.lstrip("\ufeff").splitlines():
        if line.strip():
            return line
    return ""


def header(head: str) -> tuple[str, list[str]]:
    """The delimiter and lower-cased, trimmed column names of a delimited header line."""
    line = first_line(head)
    delim = max((",", ";", "\t"), key=line.count)
    names = next(_csv.reader([line], delimiter=delim), [])
    return delim, [n.strip().strip('"').strip().lower() for n in names]


def find(names: list[str], *candidates: str) -> str | None:
    """The first of ``candidates`` present in ``names`` (already lower-cased)."""
    for c in candidates:
        if c in names:
            return c
    return None


def read_rows(source: Source, delim: str) -> pl.DataFrame:
    """Every column as text, lower-cased trimmed names, plus the 1-based ``line`` of each row."""
    data = source.data[3:] if source.data.startswith(b"\xef\xbb\xbf") else source.data
    try:
        df = pl.read_csv(
            io.BytesIO(data),
            separator=delim,
            infer_schema=False,
            quote_char='"',
            encoding="utf8-lossy",
            truncate_ragged_lines=True,
        )
    except pl.exceptions.PolarsError:
        return _read_rows_leniently(data, delim)
    df = df.rename({c: c.strip().strip('"').strip().lower() for c in df.columns})
    # a quoted field may span lines: count them so each row keeps its real line number
    multiline = [c for c in df.columns if df[c].str.contains("\n", literal=True).any()]
    breaks = pl.sum_horizontal(
        [pl.col(c).str.count_matches("\n").fill_null(0) for c in multiline] or [pl.lit(0)]
    )
    return df.with_columns(
        (
            pl.lit(2, dtype=pl.Int64)
            + pl.int_range(pl.len(), dtype=pl.Int64)
            + breaks.cum_sum().shift(1, fill_value=0)
        ).alias("line")
    )


def _read_rows_leniently(data: bytes, delim: str) -> pl.DataFrame:
    """The slow path for CSV the fast parser refuses (stray quotes): Python's lenient csv."""
    text = data.decode("utf-8", errors="replace")
    reader = _csv.reader(io.StringIO(text, newline=""), delimiter=delim, strict=False)
    names = [n.strip().strip('"').strip().lower() for n in next(reader, [])]
    columns: list[list[str | None]] = [[] for _ in names]
    lines: list[int] = []
    start = reader.line_num + 1
    for row in reader:
        for i, col in enumerate(columns):
            col.append(row[i] if i < len(row) else None)
        lines.append(start)
        start = reader.line_num + 1
    df = pl.DataFrame(
        {n: pl.Series(c, dtype=pl.String) for n, c in zip(names, columns, strict=True)}
    )
    return df.with_columns(pl.Series("line", lines, dtype=pl.Int64))


def newest_first(ts: pl.Series) -> bool:
    """True when a time column runs mostly backwards (portal exports list newest first)."""
    valid = ts.drop_nulls()
    if valid.len() < 2:
        return False
    steps = valid.diff().drop_nulls().dt.total_milliseconds()
    return int((steps < 0).sum()) > int((steps > 0).sum())
