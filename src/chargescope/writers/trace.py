"""Write frames as an OCPP trace document: records with timestamp, direction and message."""

from __future__ import annotations

from typing import BinaryIO

import polars as pl

from chargescope.writers import register
from chargescope.writers.common import frame_text, iso_ms, json_str
from chargescope.writers.exchange import write_lines
from chargescope.writers.framerec import chronological


@register("trace", "json")
def write_trace(frames: pl.DataFrame, connections: pl.DataFrame | None, out: BinaryIO) -> None:
    """``{"chargerId":..., "messages": [...]}``, one record per line, the message as an array."""
    chargers = frames["charger_id"].unique().sort().to_list()
    word = pl.when(pl.col("direction") == "to_csms").then(pl.lit("cs2csms"))
    record = pl.concat_str(
        [
            pl.lit('  {"timestamp":"'),
            iso_ms(),
            pl.lit('","chargerId":'),
            json_str(pl.col("charger_id")),
            pl.lit(',"direction":"'),
            word.otherwise(pl.lit("csms2cs")),
            pl.lit('","message":'),
            frame_text(),
            pl.lit("}"),
        ]
    )
    records = chronological(frames).select(record)[:, 0]
    last = pl.int_range(records.len(), eager=True) == records.len() - 1
    lines = pl.select(pl.when(last).then(records).otherwise(records + ",")).to_series()
    top = f'"chargerId": {_quote(chargers[0])},\n ' if len(chargers) == 1 else ""
    out.write(("{" + top + '"messages": [\n').encode("utf-8"))
    write_lines(lines, out)
    out.write(b" ]\n}\n")


def _quote(text: str) -> str:
    """``text`` as a JSON string."""
    return pl.select(json_str(pl.lit(text)))[:, 0][0]
