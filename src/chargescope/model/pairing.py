"""Pair every CALL with its CALLRESULT/CALLERROR, vectorised, and measure the answer latency.

OCPP-J allows one outstanding CALL per direction, and chargers reuse message ids after a
reboot, so an answer pairs with the nearest preceding CALL of the same charger, call direction
and message id (or, when the layout carries no id, of the same action).
"""

from __future__ import annotations

import polars as pl

from chargescope.model.schema import CALL, TO_CSMS


def _keys(frames: pl.DataFrame) -> pl.DataFrame:
    """Per frame: integer grouping keys (charger, call direction, id hash) and the real key."""
    is_call = pl.col("message_type") == CALL
    to_csms = pl.col("direction") == TO_CSMS
    # the direction of the call a frame belongs to: a call's own, an answer's opposite
    call_dir = pl.when(is_call).then(to_csms).otherwise(~to_csms)
    key = pl.coalesce(pl.col("unique_id"), pl.lit("\x00") + pl.col("action"))
    return frames.select(
        pl.int_range(pl.len(), dtype=pl.Int64).alias("row"),
        "ts",
        is_call.alias("is_call"),
        pl.col("charger_id").ne_missing(pl.col("charger_id").shift()).cum_sum().alias("charger"),
        call_dir.alias("call_dir"),
        key.alias("key"),
        key.hash().alias("key_hash"),
    )


def pair(frames: pl.DataFrame) -> pl.DataFrame:
    """Fill ``peer_id``, ``latency_ms`` and answer ``action``/``connector_id`` from pairs.

    ``frames`` must carry ``frame_id`` equal to the row number.
    """
    keyed = _keys(frames).sort(["charger", "call_dir", "key_hash", "row"])
    prev_same = (
        (pl.col("charger") == pl.col("charger").shift())
        & (pl.col("call_dir") == pl.col("call_dir").shift())
        & (pl.col("key") == pl.col("key").shift())
    )
    links = keyed.with_columns(
        pl.col("row").shift().alias("call_row"),
        pl.col("ts").shift().alias("call_ts"),
        (~pl.col("is_call") & pl.col("is_call").shift() & prev_same).fill_null(False).alias("hit"),
    ).filter(pl.col("hit") & pl.col("key").is_not_null())
    answer_rows, call_rows = links["row"], links["call_row"]
    latency = (links["ts"] - links["call_ts"]).dt.total_milliseconds()
    n = frames.height
    peer = pl.repeat(None, n, dtype=pl.Int64, eager=True).alias("peer_id")
    peer = peer.scatter(answer_rows, call_rows).scatter(call_rows, answer_rows)
    lat = pl.repeat(None, n, dtype=pl.Int64, eager=True).alias("latency_ms")
    lat = lat.scatter(answer_rows, latency).scatter(call_rows, latency)
    out = frames.with_columns(peer, lat)
    # answers take the action and connector of their call where the layout did not give them
    return out.with_columns(
        pl.coalesce(
            pl.col("action"), pl.col("action").gather(pl.col("peer_id").fill_null(0))
        ).alias("action"),
        pl.coalesce(
            pl.col("connector_id"),
            pl.when(pl.col("peer_id").is_not_null()).then(
                pl.col("connector_id").gather(pl.col("peer_id").fill_null(0))
            ),
        ).alias("connector_id"),
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
