"""Write frames as the tabular sheet (seed 000 style); the sheet carries no message ids."""

from __future__ import annotations

from typing import BinaryIO

import polars as pl

from chargescope.writers import register
from chargescope.writers.common import ERRORS, REQUESTS, iso_ms, json_str, write_csv


def _message_type() -> pl.Expr:
    """``Action`` for requests (and OCPP 2.1 SENDs), ``Action.conf`` for results, ``Action.error``
    for errors (the sheet has no word for a SEND or a CALLRESULTERROR of its own)."""
    mt, action = pl.col("message_type"), pl.col("action")
    return (
        pl.when(mt.is_in(REQUESTS))
        .then(action)
        .when(action.is_null())
        .then(mt)
        .when(mt == "CALLRESULT")
        .then(action + pl.lit(".conf"))
        .otherwise(action + pl.lit(".error"))
    )


def _payload() -> pl.Expr:
    """The payload JSON; errors carry code, description and details in one object."""
    error = pl.concat_str(
        [
            pl.lit('{"errorCode":'),
            json_str(pl.col("error_code").fill_null("GenericError")),
            pl.lit(',"errorDescription":'),
            json_str(pl.col("error_description").fill_null("")),
            pl.lit(',"errorDetails":'),
            pl.col("payload").fill_null("{}"),
            pl.lit("}"),
        ]
    )
    return (
        pl.when(pl.col("message_type").is_in(ERRORS))
        .then(error)
        .otherwise(pl.col("payload").fill_null("{}"))
    )


@register("sheet", "csv")
def write_sheet(frames: pl.DataFrame, connections: pl.DataFrame | None, out: BinaryIO) -> None:
    """Timestamp, Charger ID, Direction, Message Type, Payload; oldest first."""
    df = frames.sort("ts", maintain_order=True).select(
        iso_ms().alias("Timestamp"),
        pl.col("charger_id").alias("Charger ID"),
        pl.when(pl.col("direction") == "to_csms")
        .then(pl.lit("Charger to Server"))
        .otherwise(pl.lit("Server to Charger"))
        .alias("Direction"),
        _message_type().alias("Message Type"),
        _payload().alias("Payload"),
    )
    write_csv(df, out)
