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
    Sniff,
    Source,
    direction_expr,
    split_rejects,
)
from chargescope.readers.tabular import find, header, newest_first, read_rows, reject_all
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
        df = rows.select(
            pl.Series("ts", parse_times(rows[time_col], options.tz)),
            charger.alias("charger_id"),
            direction_expr("type", rows).alias("direction"),
            pl.col("message").alias("frame"),
            "line",
            pl.col("message").alias("raw"),
        )
        df, rejects = split_rejects(
            df, pl.col("ts").is_null(), source.name, "raw", "no readable timestamp"
        )
        if newest_first(df["ts"]):
            df = df.reverse()
            notes.append("rows were newest first: read in reverse")
        return ReadResult(df.drop("raw"), rejects=rejects, notes=notes, lines=rows.height)


register(StreamReader())
