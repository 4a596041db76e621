"""Message stream CSV (ChargeLab style): timestamp, type (incoming|outgoing), raw frame, charger."""

from __future__ import annotations

from pathlib import PurePath

import polars as pl

from chargescope.readers import register
from chargescope.readers.base import (
    Match,
    NoMatch,
    ReadOptions,
    ReadResult,
    Reject,
    Sniff,
    Source,
    direction_expr,
    each_part,
    in_groups,
    join_bodies,
    own_line,
    rejects_from,
    split_rejects,
)
from chargescope.readers.tabular import (
    find,
    header,
    newest_first,
    newest_first_parts,
    read_rows,
    reject_all,
    reverse_parts,
)
from chargescope.readers.times import parse_times


class StreamReader:
    """Reads message-stream exports: one raw OCPP-J frame per row, often newest first."""

    name = "stream"
    title = "Message stream CSV (timestamp, type incoming/outgoing, message, charger)"
    sample = 'timestamp,type,message,charger\n2025-03-03T08:00:00.000Z,incoming,"[2,""1"",""Heartbeat"",{}]",CP-1'

    def sniff(self, head: str) -> Sniff:
        """A header with timestamp, type and message columns."""
        _, names = header(head)
        if find(names, "timestamp", "time") and "type" in names and "message" in names:
            return Match(self.name, 0.9, "header has timestamp, type and message columns")
        return NoMatch("no header with timestamp, type and message columns")

    def read(self, source: Source, options: ReadOptions) -> ReadResult:
        """Read rows; restore time order when the export lists newest first."""
        delim, _ = header(source.data[:65536].decode("utf-8-sig", errors="replace"))
        rows = read_rows(source, delim)
        time_col = find(rows.columns, "timestamp", "time") or "timestamp"
        missing = [c for c in (time_col, "type", "message") if c not in rows.columns]
        if missing:
            return reject_all(source, rows, missing)
        charger_col = find(rows.columns, "charger", "charger_id", "chargerid", "station")
        notes: list[str] = []
        if charger_col:
            charger = pl.col(charger_col).str.strip_chars()
        else:
            charger = pl.lit(PurePath(source.name).stem)
            notes.append(
                f"no charger column: charger id taken from the file name ({PurePath(source.name).stem})"
            )
        df = _frames(rows, time_col, charger, options)
        df, rejects = split_rejects(
            df, pl.col("ts").is_null(), source.name, "raw", "no readable timestamp"
        )
        if newest_first(df["ts"]):
            df = df.reverse()
            notes.append("rows were newest first: read in reverse")
        return ReadResult(df.drop("raw"), rejects=rejects, notes=notes, lines=rows.height)

    def read_many(self, sources: list[Source], options: ReadOptions) -> list[ReadResult]:
        """Several exports, each as if read alone: those sharing their header line are parsed
        as one (their rows numbered on), then handed back file by file."""

        def read(head: bytes, idx: list[int]) -> list[ReadResult]:
            got = _read_joint([sources[i] for i in idx], head, options) if head else None
            return got or [self.read(sources[i], options) for i in idx]

        return in_groups([_header_line(s.data) for s in sources], read)


def _frames(
    rows: pl.DataFrame, time_col: str, charger: pl.Expr, options: ReadOptions
) -> pl.DataFrame:
    """Raw frame rows (and each row's ``raw`` text) of the parsed CSV rows."""
    return rows.select(
        pl.Series("ts", parse_times(rows[time_col], options.tz)),
        charger.alias("charger_id"),
        direction_expr("type", rows).alias("direction"),
        pl.col("message").alias("frame"),
        "line",
        pl.col("message").alias("raw"),
    )


def _header_line(data: bytes) -> bytes:
    """The first line of an export, with its line break (empty when it has only that line)."""
    data = data.removeprefix(b"\xef\xbb\xbf")
    end = data.find(b"\n")
    return b"" if end < 0 or not data[:end].strip() else data[: end + 1]


def _read_joint(
    sources: list[Source], head: bytes, options: ReadOptions
) -> list[ReadResult] | None:
    """Exports with the same header line parsed as one; None when that would not read each
    as alone does (a quoted field over several lines, a blank line, a missing column)."""
    bodies = [s.data.removeprefix(b"\xef\xbb\xbf")[len(head) :] for s in sources]
    joined = join_bodies(bodies, head)
    delim, names = header(head.decode("utf-8", errors="replace"))
    time_col = find(names, "timestamp", "time")
    if joined is None or not time_col or "type" not in names or "message" not in names:
        return None
    rows = read_rows(Source("joint", joined.data), delim)
    total = sum(joined.counts)
    if rows.height != total or (total and rows["line"][-1] != total + 1):
        return None  # some row is not one line: rows cannot be told apart by file
    starts, counts = joined.starts, joined.counts
    part = joined.part_of(pl.col("line") - 2)
    charger_col = find(rows.columns, "charger", "charger_id", "chargerid", "station")
    stems = [PurePath(s.name).stem for s in sources]
    charger = (
        pl.col(charger_col).str.strip_chars()
        if charger_col
        else part.replace_strict(dict(enumerate(stems)), return_dtype=pl.String)
    )
    df = _frames(rows, time_col, charger, options).with_columns(part.alias("part"))
    df = df.with_columns(own_line(pl.col("part"), starts))
    untimed = df.filter(pl.col("ts").is_null())
    rejects: list[list[Reject]] = [[] for _ in sources]
    for (k,), mine in untimed.partition_by("part", as_dict=True).items():
        rejects[int(k)] = rejects_from(
            sources[int(k)].name,
            mine["line"].to_list(),
            mine["raw"].to_list(),
            "no readable timestamp",
        )
    df = df.filter(pl.col("ts").is_not_null())
    newest = newest_first_parts(df, "part", len(sources))
    df = reverse_parts(df.drop("raw"), "part", newest)
    frames = each_part(df, "part", len(sources), df.clear().drop("part"))
    out = []
    for k in range(len(sources)):
        notes = (
            []
            if charger_col
            else [f"no charger column: charger id taken from the file name ({stems[k]})"]
        )
        if k in newest:
            notes.append("rows were newest first: read in reverse")
        out.append(ReadResult(frames[k], rejects=rejects[k], notes=notes, lines=counts[k]))
    return out


register(StreamReader())
