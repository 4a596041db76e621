"""Write frames as a Home Assistant log with the Python ``ocpp`` library's message lines."""

from __future__ import annotations

from typing import BinaryIO

import polars as pl

from chargescope.writers import register
from chargescope.writers.arrows import events, to_csms, utc, write_lines
from chargescope.writers.common import frame_text

_TS = "%Y-%m-%d %H:%M:%S%.3f"


@register("pyocpp", "log")
def write_pyocpp(frames: pl.DataFrame, connections: pl.DataFrame | None, out: BinaryIO) -> None:
    """``[ocpp] CP: receive message FRAME`` / ``CP: send FRAME``, HA's log line shape."""
    df = frames.sort("ts", maintain_order=True).select(
        "ts",
        pl.concat_str(
            utc(_TS),
            pl.lit(" INFO (MainThread) [ocpp] "),
            pl.col("charger_id"),
            pl.when(to_csms()).then(pl.lit(": receive message ")).otherwise(pl.lit(": send ")),
            frame_text(),
        ).alias("text"),
    )
    conns = events(connections)
    conn_lines = None
    if conns is not None:
        conn_lines = conns.select(
            "ts",
            "event",
            pl.concat_str(
                utc(_TS),
                pl.lit(" INFO (MainThread) [custom_components.ocpp.api] Charger "),
                pl.col("charger_id"),
                pl.when(pl.col("event") == "disconnected")
                .then(pl.lit(" disconnected from 0.0.0.0:9000."))
                .otherwise(pl.lit(" connected to 0.0.0.0:9000.")),
            ).alias("text"),
        )
    start = frames.select(utc(_TS).first())[0, 0] if frames.height else "1970-01-01 00:00:00.000"
    head = [
        f"{start} INFO (MainThread) [homeassistant.bootstrap] Home Assistant initialized, "
        "time zone: UTC",
        f"{start} WARNING (MainThread) [homeassistant.loader] We found a custom integration ocpp "
        "which has not been tested by Home Assistant",
    ]
    write_lines(out, df, conn_lines, head)
