"""Write frames as frame records (JSON lines) or as bare timestamped frame lines."""

from __future__ import annotations

from typing import BinaryIO

import polars as pl

from chargescope.writers import register
from chargescope.writers.common import frame_text, iso_ms, json_str
from chargescope.writers.exchange import write_lines


def chronological(frames: pl.DataFrame) -> pl.DataFrame:
    """Frames in time order across chargers, as a logger writes them."""
    return frames.sort(["ts", "frame_id"]) if "frame_id" in frames.columns else frames.sort("ts")


@register("framerec", "jsonl")
def write_framerec(frames: pl.DataFrame, connections: pl.DataFrame | None, out: BinaryIO) -> None:
    """``{"timestamp","charger_id","direction","frame"}`` per line, the frame as OCPP-J text."""
    line = pl.concat_str(
        [
            pl.lit('{"timestamp":"'),
            iso_ms(),
            pl.lit('","charger_id":'),
            json_str(pl.col("charger_id")),
            pl.lit(',"direction":"'),
            pl.col("direction"),
            pl.lit('","frame":'),
            json_str(frame_text()),
            pl.lit("}"),
        ]
    )
    write_lines(chronological(frames).select(line)[:, 0], out)


@register("bare", "log")
def write_bare(frames: pl.DataFrame, connections: pl.DataFrame | None, out: BinaryIO) -> None:
    """``TIMESTAMP CHARGER in|out FRAME`` per line (a charger id with spaces double-quoted)."""
    word = pl.when(pl.col("direction") == "to_csms").then(pl.lit("in")).otherwise(pl.lit("out"))
    line = pl.concat_str(
        [
            iso_ms(),
            pl.lit(" "),
            pl.when(pl.col("charger_id").str.contains(r'[\s"]'))
            .then(json_str(pl.col("charger_id")))
            .otherwise(pl.col("charger_id")),
            pl.lit(" "),
            word,
            pl.lit(" "),
            frame_text(),
        ]
    )
    write_lines(chronological(frames).select(line)[:, 0], out)
