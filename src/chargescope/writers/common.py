"""Vectorised pieces writers share: JSON string quoting, OCPP-J frame text and ISO times."""

from __future__ import annotations

from typing import BinaryIO

import polars as pl

from chargescope.model.schema import CALL, CALLERROR, CALLRESULT, CALLRESULTERROR, SEND


def json_str(expr: pl.Expr) -> pl.Expr:
    """``expr`` as a JSON string literal (quotes included)."""
    escaped = (
        expr.str.replace_all("\\", "\\\\", literal=True)
        .str.replace_all('"', '\\"', literal=True)
        .str.replace_all("\n", "\\n", literal=True)
        .str.replace_all("\r", "\\r", literal=True)
        .str.replace_all("\t", "\\t", literal=True)
    )
    return pl.lit('"') + escaped + pl.lit('"')


def frame_text() -> pl.Expr:
    """The OCPP-J array text of each normalized row."""
    uid = json_str(pl.col("unique_id").fill_null(""))
    payload = pl.col("payload").fill_null("{}")

    def frame(number: int, *rest: pl.Expr) -> pl.Expr:
        return pl.concat_str([pl.lit(f"[{number},"), uid, *rest, pl.lit("]")])

    comma = pl.lit(",")
    request = (comma, json_str(pl.col("action")), comma, payload)
    error = (
        comma,
        json_str(pl.col("error_code").fill_null("GenericError")),
        comma,
        json_str(pl.col("error_description").fill_null("")),
        comma,
        payload,
    )
    mt = pl.col("message_type")
    return (
        pl.when(mt == CALL)
        .then(frame(2, *request))
        .when(mt == CALLRESULT)
        .then(frame(3, comma, payload))
        .when(mt == SEND)
        .then(frame(6, *request))
        .when(mt == CALLRESULTERROR)
        .then(frame(5, *error))
        .otherwise(frame(4, *error))
    )


#: Message types that carry an action of their own (a request; OCPP 2.1's SEND).
REQUESTS = [CALL, SEND]
#: Message types that carry an error code and description.
ERRORS = [CALLERROR, CALLRESULTERROR]


def iso_ms(col: str = "ts") -> pl.Expr:
    """ISO-8601 UTC text with milliseconds and Z."""
    return pl.col(col).dt.convert_time_zone("UTC").dt.strftime("%Y-%m-%dT%H:%M:%S%.3fZ")


def write_csv(df: pl.DataFrame, out: BinaryIO, separator: str = ",") -> None:
    """CSV with a header, every field quoted only where needed, LF line ends."""
    df.write_csv(out, separator=separator, quote_style="necessary")
