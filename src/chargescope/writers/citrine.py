"""Write frames as a CitrineOS message CSV export, or as kWwhat's input CSV."""

from __future__ import annotations

from typing import BinaryIO

import polars as pl

from chargescope.writers import register
from chargescope.writers.common import REQUESTS, frame_text, iso_ms, write_csv


def _protocol() -> pl.Expr:
    """CitrineOS protocol names (``ocpp1.6``, ``ocpp2.0.1``) from the detected version."""
    if_known = pl.col("ocpp_version").is_in(["1.6", "2.0.1", "2.1"])
    return pl.when(if_known).then(pl.lit("ocpp") + pl.col("ocpp_version")).otherwise(pl.lit(""))


@register("citrine", "csv")
def write_citrine(frames: pl.DataFrame, connections: pl.DataFrame | None, out: BinaryIO) -> None:
    """ocppConnectionName, correlationId, timestamp, origin, protocol, action, message."""
    if "ocpp_version" not in frames.columns:
        frames = frames.with_columns(pl.lit(None, dtype=pl.String).alias("ocpp_version"))
    df = frames.sort("ts", maintain_order=True).select(
        pl.col("charger_id").alias("ocppConnectionName"),
        pl.col("unique_id").alias("correlationId"),
        iso_ms().alias("timestamp"),
        pl.when(pl.col("direction") == "to_csms")
        .then(pl.lit("cs"))
        .otherwise(pl.lit("csms"))
        .alias("origin"),
        _protocol().alias("protocol"),
        pl.col("action"),
        frame_text().alias("message"),
    )
    write_csv(df, out)


@register("kwwhat", "csv")
def write_kwwhat(frames: pl.DataFrame, connections: pl.DataFrame | None, out: BinaryIO) -> None:
    """timestamp, id, action (on calls only, as kWwhat's seeds), msg; oldest first."""
    df = frames.sort("ts", maintain_order=True).select(
        iso_ms().alias("timestamp"),
        pl.col("charger_id").alias("id"),
        pl.when(pl.col("message_type").is_in(REQUESTS)).then(pl.col("action")).alias("action"),
        frame_text().alias("msg"),
    )
    write_csv(df, out)
