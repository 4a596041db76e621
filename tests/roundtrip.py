"""Round trips through a layout's writer and reader, shared by the layout tests."""

from __future__ import annotations

import io

import polars as pl

from chargescope.ingest import Ingest, ingest_sources
from chargescope.readers.base import Source
from chargescope.writers import get_writer

#: Columns a round trip compares (file, line and frame_id depend on the layout's rows).
COMPARED = [
    "ts",
    "charger_id",
    "direction",
    "message_type",
    "unique_id",
    "action",
    "payload",
    "error_code",
    "error_description",
    "connector_id",
    "ocpp_version",
    "site_id",
    "peer_id",
    "latency_ms",
    "valid",
    "schema_error",
]


def roundtrip(reference: pl.DataFrame, layout: str) -> tuple[pl.DataFrame, pl.DataFrame, Ingest]:
    """Write the reference table in ``layout`` and read it back: both compared, and the ingest."""
    buf = io.BytesIO()
    get_writer(layout)(reference, None, buf)
    after = ingest_sources([Source(f"out.{layout}", buf.getvalue())])
    assert after.files[0].layout == layout
    assert after.rejects == []
    return reference.select(COMPARED), after.frames.select(COMPARED), after
