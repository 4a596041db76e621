"""Write frames as a Home Assistant log with the Python ``ocpp`` library's message lines."""

from __future__ import annotations

from typing import BinaryIO

import polars as pl

from chargescope.writers import register
from chargescope.writers.arrows import first_time, to_csms, utc, write_text_log
from chargescope.writers.common import frame_text

_TS = "%Y-%m-%d %H:%M:%S%.3f"


@register("pyocpp", "log")
def write_pyocpp(frames: pl.DataFrame, connections: pl.DataFrame | None, out: BinaryIO) -> None:
    """``[ocpp] CP: receive message FRAME`` / ``CP: send FRAME``, HA's log line shape."""
    frame_line = pl.concat_str(
        utc(_TS),
        pl.lit(" INFO (MainThread) [ocpp] "),
        pl.col("charger_id"),
        pl.when(to_csms()).then(pl.lit(": receive message ")).otherwise(pl.lit(": send ")),
        frame_text(),
    )
    conn_line = pl.concat_str(
        utc(_TS),
        pl.lit(" INFO (MainThread) [custom_components.ocpp.api] Charger "),
        pl.col("charger_id"),
        pl.when(pl.col("event") == "disconnected")
        .then(pl.lit(" disconnected from 0.0.0.0:9000."))
        .otherwise(pl.lit(" connected to 0.0.0.0:9000.")),
    )
    start = first_time(frames, utc(_TS), "1970-01-01 00:00:00.000")
    head = [
        f"{start} INFO (MainThread) [homeassistant.bootstrap] Home Assistant initialized, "
        "time zone: UTC",
        f"{start} WARNING (MainThread) [homeassistant.loader] We found a custom integration ocpp "
        "which has not been tested by Home Assistant",
    ]
    write_text_log(out, frames, connections, frame_line, conn_line, head)
