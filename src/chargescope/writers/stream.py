"""Write frames as a message stream CSV (ChargeLab style), newest first like the portal."""

from __future__ import annotations

from typing import BinaryIO

import polars as pl

from chargescope.writers import register
from chargescope.writers.common import frame_text, iso_ms, write_csv


@register("stream", "csv")
def write_stream(frames: pl.DataFrame, connections: pl.DataFrame | None, out: BinaryIO) -> None:
    """timestamp, type (incoming|outgoing), message, charger; newest first."""
    df = frames.select(
        iso_ms().alias("timestamp"),
        pl.when(pl.col("direction") == "to_csms")
        .then(pl.lit("incoming"))
        .otherwise(pl.lit("outgoing"))
        .alias("type"),
        frame_text().alias("message"),
        pl.col("charger_id").alias("charger"),
    )
    write_csv(df.reverse(), out)
