"""Write frames as ChargePilot exchange records: one JSON line per CALL with its answer."""

from __future__ import annotations

from typing import BinaryIO

import polars as pl

from chargescope.model.schema import ANSWERS
from chargescope.writers import register
from chargescope.writers.common import iso_ms, json_str


def _or_null(expr: pl.Expr) -> pl.Expr:
    """``expr`` as given, or the JSON literal null."""
    return pl.when(expr.is_null()).then(pl.lit("null")).otherwise(expr)


def exchanges(frames: pl.DataFrame) -> pl.DataFrame:
    """One row per CALL with its answer's payload (or error), chronological.

    Answers without a call, and OCPP 2.1's SENDs and CALLRESULTERRORs, cannot be carried by
    this layout and are left out.
    """
    calls = frames.filter(pl.col("message_type") == "CALL")
    answers = frames.filter(pl.col("message_type").is_in(ANSWERS)).select(
        pl.col("frame_id").alias("peer_id"),
        pl.col("message_type").alias("answer_type"),
        pl.col("payload").alias("answer_payload"),
        pl.col("error_code").alias("answer_code"),
        pl.col("error_description").alias("answer_description"),
    )
    joined = calls.join(answers, on="peer_id", how="left", maintain_order="left")
    return joined.sort(["ts", "frame_id"])


def response_text() -> pl.Expr:
    """The answer as the record's ``response`` value: its payload, an error object, or null."""
    error = pl.concat_str(
        [
            pl.lit('{"errorCode":'),
            json_str(pl.col("answer_code").fill_null("GenericError")),
            pl.lit(',"errorDescription":'),
            json_str(pl.col("answer_description").fill_null("")),
            pl.lit(',"errorDetails":'),
            pl.col("answer_payload").fill_null("{}"),
            pl.lit("}"),
        ]
    )
    kind = pl.col("answer_type")
    return (
        pl.when(kind == "CALLRESULT")
        .then(pl.col("answer_payload").fill_null("{}"))
        .when(kind == "CALLERROR")
        .then(error)
        .otherwise(pl.lit("null"))
    )


def record_text() -> pl.Expr:
    """One exchange record as compact JSON, keys in ChargePilot's order."""
    source = (
        pl.when(pl.col("direction") == "to_csms").then(pl.lit('"cp"')).otherwise(pl.lit('"csms"'))
    )
    return pl.concat_str(
        [
            pl.lit('{"action":'),
            json_str(pl.col("action")),
            pl.lit(',"connector_id":'),
            _or_null(pl.col("connector_id").cast(pl.String)),
            pl.lit(',"request":'),
            pl.col("payload").fill_null("{}"),
            pl.lit(',"site_id":'),
            _or_null(json_str(pl.col("site_id"))),
            pl.lit(',"charger_id":'),
            json_str(pl.col("charger_id")),
            pl.lit(',"response":'),
            response_text(),
            pl.lit(',"datetime":"'),
            iso_ms(),
            pl.lit('","source":'),
            source,
            pl.lit("}"),
        ]
    )


def write_lines(lines: pl.Series, out: BinaryIO) -> None:
    """Write ``lines`` (which hold no raw line breaks) LF-terminated, without quoting."""
    if lines.len():
        pl.DataFrame({"line": lines}).write_csv(out, include_header=False, quote_style="never")


@register("exchange", "jsonl")
def write_exchange(frames: pl.DataFrame, connections: pl.DataFrame | None, out: BinaryIO) -> None:
    """JSON lines, one per exchange; unanswered calls have ``"response":null``."""
    write_lines(exchanges(frames).select(record_text())[:, 0], out)
