"""Shared helpers for delimited (CSV-like) layouts: header sniffing and typed-as-text reading."""

from __future__ import annotations

import csv as _csv
import io

import polars as pl

from chargescope import columnar
from chargescope.readers.base import ReadResult, Source, empty_frames, head_lines, rejects_from


def first_line(head: str) -> str:
    """The first non-empty line of ``head`` (BOM stripped)."""
    for line in head_lines(head):
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


def read_csv_text(data: bytes, delim: str) -> pl.DataFrame:
    """Every column of ``data`` as text."""
    return pl.read_csv(
        io.BytesIO(data),
        separator=delim,
        infer_schema=False,
        quote_char='"',
        encoding="utf8-lossy",
        truncate_ragged_lines=True,
    )


def _multiline_columns(df: pl.DataFrame) -> list[str]:
    """Text columns with a line break inside some field (a quoted field spanning lines), all
    looked at in one pass over every core."""
    texts = [c for c, t in df.schema.items() if t == pl.String]
    if not texts or not df.height:
        return []
    found = columnar.select(df, pl.col(texts).str.contains("\n", literal=True).any())
    return [c for c in texts if found[c][0]]


def row_lines(df: pl.DataFrame, first: int) -> pl.Expr:
    """The line each parsed CSV row starts on, the first row's at ``first``: rows counted on,
    plus the line breaks inside quoted fields of the rows before it."""
    line = pl.lit(first, dtype=pl.Int64) + pl.int_range(pl.len(), dtype=pl.Int64)
    multiline = _multiline_columns(df)
    if not multiline:
        return line
    breaks = pl.sum_horizontal([pl.col(c).str.count_matches("\n").fill_null(0) for c in multiline])
    return line + breaks.cum_sum().shift(1, fill_value=0)


def read_rows(source: Source, delim: str) -> pl.DataFrame:
    """Every column as text, lower-cased trimmed names, plus the 1-based ``line`` of each row."""
    data = source.data[3:] if source.data.startswith(b"\xef\xbb\xbf") else source.data
    if not data or data.isspace():
        return pl.DataFrame({"line": pl.Series([], dtype=pl.Int64)})
    try:
        df = read_csv_text(data, delim)
    except (pl.exceptions.PolarsError, UnicodeError):
        return _read_rows_leniently(data, delim)
    df = df.rename(dict(zip(df.columns, _unique_names(df.columns), strict=True)))
    # a quoted field may span lines: count them so each row keeps its real line number
    return df.with_columns(row_lines(df, 2).alias("line"))


def _unique_names(raw: list[str]) -> list[str]:
    """Trimmed, lower-cased column names, made unique (``line`` is reserved)."""
    seen: dict[str, int] = {"line": 1}
    out = []
    for name in raw:
        base = name.strip().strip('"').strip().lower() or "column"
        n = seen.get(base, 0)
        seen[base] = n + 1
        out.append(base if n == 0 else f"{base}_{n + 1}")
    return out


def _read_rows_leniently(data: bytes, delim: str) -> pl.DataFrame:
    """The slow path for CSV the fast parser refuses (stray quotes): Python's lenient csv."""
    text = data.decode("utf-8", errors="replace")
    reader = _csv.reader(io.StringIO(text, newline=""), delimiter=delim, strict=False)
    names = _unique_names(next(reader, []))
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
    if not names:
        return pl.DataFrame({"line": pl.Series(lines, dtype=pl.Int64)})
    return df.with_columns(pl.Series("line", lines, dtype=pl.Int64))


def reject_all(source: Source, rows: pl.DataFrame, missing: list[str]) -> ReadResult:
    """Every row rejected because the layout's required columns are absent."""
    fields = [c for c in rows.columns if c != "line"]
    reason = (
        f"missing column(s) {', '.join(missing)} (columns found: {', '.join(fields) or 'none'})"
    )
    if not fields or not rows.height:
        return ReadResult(empty_frames(), lines=rows.height)
    raws = rows.select(pl.concat_str([pl.col(c).fill_null("") for c in fields], separator=","))
    rejects = rejects_from(source.name, rows["line"].to_list(), raws.to_series().to_list(), reason)
    return ReadResult(empty_frames(), rejects=rejects, lines=rows.height)


def newest_first(ts: pl.Series) -> bool:
    """True when a time column runs mostly backwards (portal exports list newest first)."""
    valid = ts.drop_nulls()
    if valid.len() < 2:
        return False
    steps = valid.diff().drop_nulls().dt.total_milliseconds()
    return int((steps < 0).sum()) > int((steps > 0).sum())


def newest_first_parts(df: pl.DataFrame, part: str, n: int) -> list[int]:
    """The parts of ``df`` (numbered ``0..n-1`` in column ``part``) whose ``ts`` runs mostly
    backwards: :func:`newest_first` of each, in one pass."""
    if n == 1:
        return [0] if newest_first(df["ts"]) else []
    steps = pl.col("ts").drop_nulls().diff().dt.total_milliseconds()
    votes = df.group_by(part).agg((steps < 0).sum().alias("back"), (steps > 0).sum().alias("on"))
    return sorted(votes.filter(pl.col("back") > pl.col("on"))[part].to_list())


def reverse_parts(df: pl.DataFrame, part: str, parts: list[int]) -> pl.DataFrame:
    """``df`` (its rows grouped by ``part`` in ascending order) with the rows of each of
    ``parts`` in reverse order."""
    if not parts:
        return df
    place = pl.int_range(pl.len()).over(part)
    flipped = pl.when(pl.col(part).is_in(parts)).then(-place).otherwise(place)
    return df.sort([pl.col(part), flipped], maintain_order=True)
