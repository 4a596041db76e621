"""Write frames as an evcc log (``[ocpp  ] TRACE 2024/08/23 08:44:04 recv ID: FRAME``)."""

from __future__ import annotations

from typing import BinaryIO

import polars as pl

from chargescope.writers import register
from chargescope.writers.arrows import first_time, to_csms, utc, write_text_log
from chargescope.writers.common import frame_text

_TS = "%Y/%m/%d %H:%M:%S"


@register("evcc", "log")
def write_evcc(frames: pl.DataFrame, connections: pl.DataFrame | None, out: BinaryIO) -> None:
    """Second-resolution local (here UTC) times, ``recv``/``send``, as evcc's TRACE lines."""
    frame_line = pl.concat_str(
        pl.lit("[ocpp  ] TRACE "),
        utc(_TS),
        pl.when(to_csms()).then(pl.lit(" recv ")).otherwise(pl.lit(" send ")),
        pl.col("charger_id"),
        pl.lit(": "),
        frame_text(),
    )
    conn_line = pl.concat_str(
        pl.lit("[ocpp  ] DEBUG "),
        utc(_TS),
        pl.lit(" charge point "),
        pl.col("event"),
        pl.lit(": "),
        pl.col("charger_id"),
    )
    start = first_time(frames, utc(_TS), "1970/01/01 00:00:00")
    head = [
        f"[main  ] INFO {start} evcc 0.131.0, timezone: UTC",
        f"[main  ] INFO {start} using config file: /etc/evcc.yaml",
        f"[ocpp  ] DEBUG {start} ocpp central system listening on :8887",
    ]
    write_text_log(out, frames, connections, frame_line, conn_line, head)
