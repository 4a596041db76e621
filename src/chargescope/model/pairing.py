"""Pair every CALL with its CALLRESULT/CALLERROR, vectorised, and measure the answer latency.

OCPP-J allows one outstanding CALL per direction, and chargers reuse message ids after a
reboot, so an answer pairs with the nearest preceding CALL of the same charger, call direction
and message id (or, when the layout carries no id, of the same action). Most answers follow
their call directly within the charger's traffic in that direction: those pair without any
sort; the rest (retries, interleaved calls) pair in a second pass sorted by key. OCPP 2.1's
SEND (a message that gets no answer) and CALLRESULTERROR (an error about an answer) pair with
nothing, and are neither unanswered calls nor orphan answers.
"""

from __future__ import annotations

import polars as pl

from chargescope.model.schema import ANSWERS, CALL, TO_CSMS

_SAME = ("charger", "call_dir", "key")


def _keys(frames: pl.DataFrame) -> pl.DataFrame:
    """Per frame: row, time, whether it is a call, charger number, call direction and key."""
    is_call = pl.col("message_type") == CALL
    to_csms = pl.col("direction") == TO_CSMS
    # the direction of the call a frame belongs to: a call's own, an answer's opposite
    call_dir = pl.when(is_call).then(to_csms).otherwise(~to_csms)
    key = pl.col("unique_id")
    if frames["unique_id"].null_count():
        key = pl.coalesce(key, pl.lit("\x00") + pl.col("action"))
    if not frames["message_type"].is_in([CALL, *ANSWERS]).all():  # OCPP 2.1 SEND, CALLRESULTERROR
        key = pl.when(pl.col("message_type").is_in([CALL, *ANSWERS])).then(key)
    return frames.select(
        pl.int_range(pl.len(), dtype=pl.Int64).alias("row"),
        "ts",
        is_call.alias("is_call"),
        pl.col("charger_id").ne_missing(pl.col("charger_id").shift()).cum_sum().alias("charger"),
        call_dir.alias("call_dir"),
        key.alias("key"),
    )


def _adjacent(keyed: pl.DataFrame) -> pl.DataFrame:
    """Answers whose previous row (in ``keyed``'s order) is their call: (row, call_row, ms)."""
    same = pl.all_horizontal([pl.col(c) == pl.col(c).shift() for c in _SAME])
    hit = (~pl.col("is_call") & pl.col("is_call").shift() & same).fill_null(False)
    return (
        keyed.with_columns(
            pl.col("row").shift().alias("call_row"),
            pl.col("ts").shift().alias("call_ts"),
            hit.alias("hit"),
        )
        .filter(pl.col("hit") & pl.col("key").is_not_null())
        .select(
            "row",
            "call_row",
            (pl.col("ts") - pl.col("call_ts")).dt.total_milliseconds().alias("ms"),
        )
    )


def _links(frames: pl.DataFrame) -> pl.DataFrame:
    """Every (answer row, call row, latency) pair."""
    keyed = _keys(frames)
    # pass 1: within each call direction, traffic is already in charger/time order
    first = pl.concat([_adjacent(keyed.filter(pl.col("call_dir") == d)) for d in (True, False)])
    used = pl.repeat(False, keyed.height, dtype=pl.Boolean, eager=True)
    used = used.scatter(first["row"], True).scatter(first["call_row"], True)
    rest = keyed.filter(~used)
    # pass 2: what is left, grouped by key (retried or interleaved calls)
    second = _adjacent(rest.sort(["charger", "call_dir", pl.col("key").hash(), "row"]))
    return pl.concat([first, second])


def pair(frames: pl.DataFrame) -> pl.DataFrame:
    """Fill ``peer_id``, ``latency_ms`` and answer ``action``/``connector_id`` from pairs.

    ``frames`` must be in charger/time order with ``frame_id`` equal to the row number.
    """
    links = _links(frames)
    answer_rows, call_rows, latency = links["row"], links["call_row"], links["ms"]
    n = frames.height
    peer = pl.repeat(None, n, dtype=pl.Int64, eager=True).alias("peer_id")
    peer = peer.scatter(answer_rows, call_rows).scatter(call_rows, answer_rows)
    lat = pl.repeat(None, n, dtype=pl.Int64, eager=True).alias("latency_ms")
    lat = lat.scatter(answer_rows, latency).scatter(call_rows, latency)
    out = frames.with_columns(peer, lat)
    # answers take the action and connector of their call where the layout did not give them
    paired = pl.col("peer_id").is_not_null()
    of_peer = pl.col("peer_id").fill_null(0)
    return out.with_columns(
        pl.coalesce(pl.col(c), pl.when(paired).then(pl.col(c).gather(of_peer))).alias(c)
        for c in ("action", "connector_id")
    )


def pairing_counts(frames: pl.DataFrame) -> dict[str, int]:
    """Calls, answered calls, unanswered calls and orphan answers in a paired table."""
    is_call = frames["message_type"] == CALL
    is_answer = frames["message_type"].is_in(ANSWERS)
    paired = frames["peer_id"].is_not_null()
    calls = int(is_call.sum())
    answered = int((is_call & paired).sum())
    return {
        "calls": calls,
        "answered": answered,
        "unanswered": calls - answered,
        "orphans": int((is_answer & ~paired).sum()),
    }
