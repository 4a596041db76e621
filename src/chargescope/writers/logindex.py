"""Write frames as an Elasticsearch log-index export: NDJSON hits wrapping exchange records."""

from __future__ import annotations

from typing import BinaryIO

import polars as pl

from chargescope.writers import register
from chargescope.writers.common import iso_ms
from chargescope.writers.exchange import exchanges, record_text, write_lines


@register("logindex", "ndjson")
def write_logindex(frames: pl.DataFrame, connections: pl.DataFrame | None, out: BinaryIO) -> None:
    """``{"_index":"ocpp","_id":...,"_source":{exchange record, "@timestamp"}}`` per exchange."""
    records = exchanges(frames)
    record = record_text().str.strip_suffix("}")
    hit = pl.concat_str(
        [
            pl.lit('{"_index":"ocpp","_id":"'),
            pl.format("ocpp-{}", pl.int_range(1, pl.len() + 1)),
            pl.lit('","_source":'),
            record,
            pl.lit(',"@timestamp":"'),
            iso_ms(),
            pl.lit('","@version":"1"}}'),
        ]
    )
    write_lines(records.select(hit)[:, 0], out)
