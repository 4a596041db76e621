"""Write frames as OCTT test-case logs: one section per charger, OCTT playing the CSMS."""

from __future__ import annotations

from typing import BinaryIO

import polars as pl

from chargescope.writers import register
from chargescope.writers.arrows import to_csms, utc
from chargescope.writers.common import frame_text

_TS = "%Y-%m-%dT%H:%M:%S:%3f"


def _section(charger: str, frames: pl.DataFrame, version: str) -> list[str]:
    """Header, frame lines and verdict of one charger's test case."""
    body = frames.sort("ts", maintain_order=True).select(
        pl.concat_str(
            pl.lit("["),
            utc(_TS),
            pl.when(to_csms()).then(pl.lit("] [msg-in] ")).otherwise(pl.lit("] [msg-out] ")),
            frame_text(),
        )
    )
    first = frames.select(utc(_TS).min())[0, 0]
    last = frames.select(utc(_TS).max())[0, 0]
    return [
        "Test case: TC_B_01_CS Cold Boot Charging Station",
        f"OCPP version: {version}",
        f"Charging station: {charger}",
        "Time zone: UTC",
        f"[{first}] [info] Waiting for the charging station to connect",
        *body.to_series().to_list(),
        f"[{last}] [verdict] PASS",
        "",
    ]


@register("octt", "log")
def write_octt(frames: pl.DataFrame, connections: pl.DataFrame | None, out: BinaryIO) -> None:
    """``[TIME] [msg-in|msg-out] FRAME`` with milliseconds after a colon, UTC."""
    lines: list[str] = []
    has_version = "ocpp_version" in frames.columns
    for (charger,), part in frames.group_by("charger_id", maintain_order=True):
        version = str(part["ocpp_version"][0]) if has_version else "1.6"
        lines += _section(str(charger), part, version)
    out.write("\n".join(lines).encode("utf-8"))
