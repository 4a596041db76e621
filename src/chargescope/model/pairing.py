"""Pair every CALL with its CALLRESULT/CALLERROR, vectorised, and measure the answer latency.

OCPP-J allows one outstanding CALL per direction, and chargers reuse message ids after a
reboot, so an answer pairs with the nearest preceding CALL of the same charger, call direction
and message id (or, when the layout carries no id, of the same action).
"""

from __future__ import annotations

import polars as pl

from chargescope.model.schema import CALL, TO_CHARGER, TO_CSMS


def pair(frames: pl.DataFrame) -> pl.DataFrame:
    """Fill ``peer_id``, ``latency_ms`` and answer ``action``/``connector_id`` from pairs.

    ``frames`` must carry ``frame_id`` in charger/time order.
    """
    is_call = pl.col("message_type") == CALL
    flipped = (
        pl.when(pl.col("direction") == TO_CSMS).then(pl.lit(TO_CHARGER)).otherwise(pl.lit(TO_CSMS))
    )
    keyed = frames.select(
        "frame_id",
        "ts",
        "charger_id",
        "message_type",
        "unique_id",
        "action",
        "connector_id",
        pl.when(is_call).then(pl.col("direction")).otherwise(flipped).alias("call_dir"),
        pl.coalesce(pl.col("unique_id"), pl.lit("\x00") + pl.col("action")).alias("key"),
    ).sort(["charger_id", "call_dir", "key", "frame_id"])
    same = (
        (pl.col("charger_id") == pl.col("charger_id").shift())
        & (pl.col("call_dir") == pl.col("call_dir").shift())
        & (pl.col("key") == pl.col("key").shift())
    )
    answers = keyed.with_columns(
        pl.col("frame_id").shift().alias("call_id"),
        pl.col("ts").shift().alias("call_ts"),
        pl.col("action").shift().alias("call_action"),
        pl.col("connector_id").shift().alias("call_connector"),
        ((pl.col("message_type") != CALL) & (pl.col("message_type").shift() == CALL) & same)
        .fill_null(False)
        .alias("paired"),
    ).filter(pl.col("paired") & pl.col("key").is_not_null())
    answers = answers.select(
        pl.col("frame_id").alias("answer_id"),
        "call_id",
        (pl.col("ts") - pl.col("call_ts")).dt.total_milliseconds().alias("latency_ms"),
        "call_action",
        "call_connector",
    )
    by_answer = answers.select(
        pl.col("answer_id").alias("frame_id"),
        pl.col("call_id").alias("peer_id"),
        "latency_ms",
        "call_action",
        "call_connector",
    )
    by_call = answers.select(
        pl.col("call_id").alias("frame_id"), pl.col("answer_id").alias("peer_id"), "latency_ms"
    )
    links = pl.concat([by_answer, by_call], how="diagonal")
    out = frames.drop("peer_id", "latency_ms", strict=False).join(links, on="frame_id", how="left")
    return (
        out.with_columns(
            pl.coalesce("action", "call_action").alias("action"),
            pl.coalesce("connector_id", "call_connector").alias("connector_id"),
        )
        .drop("call_action", "call_connector")
        .sort("frame_id")
    )


def pairing_counts(frames: pl.DataFrame) -> dict[str, int]:
    """Calls, answered calls, unanswered calls and orphan answers in a paired table."""
    is_call = frames["message_type"] == CALL
    paired = frames["peer_id"].is_not_null()
    calls = int(is_call.sum())
    answered = int((is_call & paired).sum())
    return {
        "calls": calls,
        "answered": answered,
        "unanswered": calls - answered,
        "orphans": int((~is_call & ~paired).sum()),
    }
