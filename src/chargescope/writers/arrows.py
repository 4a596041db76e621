"""Write frames as a generic arrow text log, and the helpers every text-log writer shares.

``2025-03-03T08:00:01.120Z INFO  [CP-1] << [2,"1","Heartbeat",{}]``: the CSMS's view, ``<<`` =
received from the charger, ``>>`` = sent to it (the convention ``readers/arrows.py`` reads).
"""

from __future__ import annotations

from typing import BinaryIO

import polars as pl

from chargescope.writers import register
from chargescope.writers.common import frame_text, iso_ms

_ORDER = {"connected": 0, "disconnected": 2}


def utc(fmt: str, col: str = "ts") -> pl.Expr:
    """``col`` as UTC text in strftime ``fmt`` (``%3f`` for milliseconds)."""
    return pl.col(col).dt.convert_time_zone("UTC").dt.strftime(fmt)


def to_csms() -> pl.Expr:
    """True for frames the charger sent."""
    return pl.col("direction") == "to_csms"


def events(connections: pl.DataFrame | None) -> pl.DataFrame | None:
    """Connection events in time order (None when there are none)."""
    if connections is None or connections.height == 0:
        return None
    return connections.sort("ts", maintain_order=True)


def write_lines(
    out: BinaryIO,
    frame_lines: pl.DataFrame,
    conn_lines: pl.DataFrame | None = None,
    head: list[str] | None = None,
    tail: list[str] | None = None,
) -> None:
    """Write ``head``, then frame and connection lines merged by time, then ``tail``.

    ``frame_lines`` has ``ts`` and ``text``; ``conn_lines`` has ``ts``, ``event`` and ``text``
    (a connect sorts before frames of the same instant, a disconnect after).
    """
    parts = [frame_lines.select("ts", pl.lit(1).alias("k"), "text")]
    if conn_lines is not None and conn_lines.height:
        k = pl.col("event").replace_strict(_ORDER, default=1, return_dtype=pl.Int32)
        parts.append(conn_lines.select("ts", k.alias("k"), "text"))
    body = pl.concat(parts, how="vertical_relaxed").sort(["ts", "k"], maintain_order=True)
    text = body.select(pl.col("text").str.join("\n"))["text"][0] if body.height else ""
    lines = [*(head or []), *([text] if text else []), *(tail or [])]
    out.write(("\n".join(lines) + "\n").encode("utf-8"))


def write_text_log(
    out: BinaryIO,
    frames: pl.DataFrame,
    connections: pl.DataFrame | None,
    frame_line: pl.Expr,
    conn_line: pl.Expr | None,
    head: list[str],
    tail: list[str] | None = None,
) -> None:
    """A line-per-frame text log: ``frame_line`` per frame, ``conn_line`` per connection event,
    merged by time between ``head`` and ``tail`` lines."""
    df = frames.sort("ts", maintain_order=True).select("ts", frame_line.alias("text"))
    conns = events(connections)
    conn_lines = None
    if conns is not None and conn_line is not None:
        conn_lines = conns.select("ts", "event", conn_line.alias("text"))
    write_lines(out, df, conn_lines, head, tail)


def first_time(frames: pl.DataFrame, text: pl.Expr, default: str) -> str:
    """The first frame's time as ``text`` renders it (``default`` when there is none)."""
    return str(frames.select(text.first())[0, 0]) if frames.height else default


@register("arrows", "log")
def write_arrows(frames: pl.DataFrame, connections: pl.DataFrame | None, out: BinaryIO) -> None:
    """ISO-8601 UTC times, ``[charger]``, ``<<`` received / ``>>`` sent, raw frame."""
    frame_line = pl.concat_str(
        iso_ms(),
        pl.lit(" INFO  ["),
        pl.col("charger_id"),
        pl.when(to_csms()).then(pl.lit("] << ")).otherwise(pl.lit("] >> ")),
        frame_text(),
    )
    conn_line = pl.concat_str(
        iso_ms(),
        pl.lit(" INFO  ["),
        pl.col("charger_id"),
        pl.lit("] "),
        pl.col("event"),
        pl.when(pl.col("detail").is_not_null()).then(pl.lit(" ") + pl.col("detail")),
        ignore_nulls=True,
    )
    start = first_time(frames, iso_ms(), "1970-01-01T00:00:00.000Z")
    head = [
        f"{start} INFO  ocpp-server 1.4.2 starting, timezone: UTC",
        f"{start} DEBUG loaded 3 handlers, listening on 0.0.0.0:9000",
    ]
    write_text_log(
        out, frames, connections, frame_line, conn_line, head, ["shutting down: 0 open connections"]
    )
