"""Write frames as an eCarUp portal export: ``;``-separated, UTC to the second, newest first."""

from __future__ import annotations

from typing import BinaryIO

import polars as pl

from chargescope.writers import register
from chargescope.writers.common import REQUESTS, frame_text, write_csv


def _type() -> pl.Expr:
    """Request/Response and In/Out as the portal (the CSMS side) sees them."""
    kind = (
        pl.when(pl.col("message_type").is_in(REQUESTS))
        .then(pl.lit("Request"))
        .otherwise(pl.lit("Response"))
    )
    way = pl.when(pl.col("direction") == "to_csms").then(pl.lit(" In")).otherwise(pl.lit(" Out"))
    return kind + way


@register("portal", "csv")
def write_portal(frames: pl.DataFrame, connections: pl.DataFrame | None, out: BinaryIO) -> None:
    """Date, Station, Type, Action, Message; newest first."""
    df = frames.sort("ts", maintain_order=True).select(
        pl.col("ts").dt.convert_time_zone("UTC").dt.strftime("%d.%m.%Y %H:%M:%S").alias("Date"),
        pl.col("charger_id").alias("Station"),
        _type().alias("Type"),
        pl.col("action").fill_null("").alias("Action"),
        frame_text().alias("Message"),
    )
    write_csv(df.reverse(), out, separator=";")
