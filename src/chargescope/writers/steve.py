"""Write frames as a SteVe CSMS log (log4j2 ``[%-5p] %d %c - %m`` lines from WebSocketLogger)."""

from __future__ import annotations

from typing import BinaryIO

import polars as pl

from chargescope.writers import register
from chargescope.writers.arrows import first_time, to_csms, utc, write_text_log
from chargescope.writers.common import frame_text

_TS = "%Y-%m-%d %H:%M:%S,%3f"
_WS = " de.rwth.idsg.steve.ocpp.ws.WebSocketLogger - [chargeBoxId="


def _session() -> pl.Expr:
    """A stable websocket session id per charger."""
    return pl.col("charger_id").hash(seed=7).cast(pl.String).str.slice(0, 8)


@register("steve", "log")
def write_steve(frames: pl.DataFrame, connections: pl.DataFrame | None, out: BinaryIO) -> None:
    """``Received:``/``Sending:`` lines per frame, ``Connection is ...`` lines per event."""
    frame_line = pl.concat_str(
        pl.lit("[INFO ] "),
        utc(_TS),
        pl.lit(_WS),
        pl.col("charger_id"),
        pl.lit(", sessionId="),
        _session(),
        pl.when(to_csms()).then(pl.lit("] Received: ")).otherwise(pl.lit("] Sending: ")),
        frame_text(),
    )
    closed = pl.col("event") == "disconnected"
    conn_line = pl.concat_str(
        pl.when(closed).then(pl.lit("[WARN ] ")).otherwise(pl.lit("[INFO ] ")),
        utc(_TS),
        pl.lit(_WS),
        pl.col("charger_id"),
        pl.lit(", sessionId="),
        _session(),
        pl.when(closed)
        .then(pl.lit("] Connection is closed, status: CloseStatus[code=1006, reason=null]"))
        .otherwise(pl.lit("] Connection is established")),
    )
    start = first_time(frames, utc(_TS), "1970-01-01 00:00:00,000")
    head = [
        f"[INFO ] {start} de.rwth.idsg.steve.Application - Date/time zone of the application "
        f"is set to UTC. Current date/time: {start}",
        f"[INFO ] {start} de.rwth.idsg.steve.SteveAppContext - Initializing WebSocket endpoints",
        f"[DEBUG] {start} org.eclipse.jetty.server.Server - jetty-12.0.5; built: 2023-12-18",
    ]
    write_text_log(out, frames, connections, frame_line, conn_line, head)
