"""Write frames as EVerest libocpp ``.log`` message logs: header line, pretty JSON, blank line."""

from __future__ import annotations

import json
import re
from typing import BinaryIO

import orjson
import polars as pl

from chargescope.writers import register
from chargescope.writers.common import REQUESTS, frame_text, iso_ms

_LONG_NUMBER = re.compile(r"\d{19}")


def _pretty(frame: str) -> str:
    """The frame as libocpp writes it (``dump(2)``), or as is when it is not JSON."""
    if not _LONG_NUMBER.search(frame):  # orjson reads integers beyond 64 bits as floats
        try:
            return orjson.dumps(orjson.loads(frame), option=orjson.OPT_INDENT_2).decode()
        except orjson.JSONDecodeError:
            return frame
    try:
        return json.dumps(json.loads(frame), indent=2, ensure_ascii=False)
    except ValueError:
        return frame


def _label() -> pl.Expr:
    """libocpp's record label: the action, ``<Action>Response``, or ``CallError``."""
    mt = pl.col("message_type")
    return (
        pl.when(mt.is_in(REQUESTS))
        .then(pl.col("action"))
        .when(mt == "CALLRESULT")
        .then(pl.col("action").fill_null("") + pl.lit("Response"))
        .when(mt == "CALLRESULTERROR")
        .then(pl.lit("CallResultError"))
        .otherwise(pl.lit("CallError"))
    )


def _record(ts: str, up: bool, label: str, frame: str) -> str:
    """One record: header (libocpp's spacing), pretty JSON, blank line."""
    if up:
        head = f"{ts}: ChargePoint>CentralSystem {label} "
    else:
        head = f"{ts}: CentralSystem>ChargePoint  {label}"
    return f"{head}\n{_pretty(frame)}\n"


@register("everest", "log")
def write_everest(frames: pl.DataFrame, connections: pl.DataFrame | None, out: BinaryIO) -> None:
    """One session-start ``SYS>`` record naming the charger, then a record per frame."""
    df = frames.select(
        "charger_id",
        iso_ms().alias("t"),
        (pl.col("direction") == "to_csms").alias("up"),
        _label().fill_null("").alias("label"),
        frame_text().alias("frame"),
    )
    records: list[str] = []
    for (charger,), part in df.group_by("charger_id", maintain_order=True):
        start = part["t"][0]
        records.append(f"{start}: SYS> Session logging started. ChargePointId: {charger} \n")
        for t, up, label, frame in part.select("t", "up", "label", "frame").iter_rows():
            records.append(_record(t, up, label, frame))
    out.write(("\n".join(records) + "\n").encode("utf-8"))
