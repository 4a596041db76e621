"""The one written-down schema of the normalized frame table (one row per OCPP-J frame)."""

from __future__ import annotations

import polars as pl

from chargescope.readers.base import CONN_SCHEMA, TO_CHARGER, TO_CSMS

CALL = "CALL"
CALLRESULT = "CALLRESULT"
CALLERROR = "CALLERROR"
#: OCPP 2.1 only: an error about a CALLRESULT received, and a message that gets no answer.
CALLRESULTERROR = "CALLRESULTERROR"
SEND = "SEND"

#: OCPP-J message type numbers and their names.
MESSAGE_TYPES: dict[int, str] = {
    2: CALL,
    3: CALLRESULT,
    4: CALLERROR,
    5: CALLRESULTERROR,
    6: SEND,
}
#: The message types that answer a CALL.
ANSWERS = (CALLRESULT, CALLERROR)

#: The normalized frame table. Sorted by charger, then time, then input order.
FRAME_SCHEMA: dict[str, pl.DataType] = {
    "frame_id": pl.Int64(),  # row number in this table: what evidence refers to
    "ts": pl.Datetime("ms", "UTC"),  # when the frame was logged, UTC
    "charger_id": pl.String(),
    "direction": pl.String(),  # to_csms (charger -> CSMS) | to_charger (CSMS -> charger)
    "message_type": pl.String(),  # CALL | CALLRESULT | CALLERROR (| CALLRESULTERROR | SEND: 2.1)
    "unique_id": pl.String(),  # OCPP-J message id; null when the layout does not carry it
    "action": pl.String(),  # on answers too, taken from the paired call
    "payload": pl.String(),  # compact JSON text of the payload (CALLERROR: error details)
    "error_code": pl.String(),  # CALLERROR and CALLRESULTERROR only
    "error_description": pl.String(),  # CALLERROR and CALLRESULTERROR only
    "connector_id": pl.Int32(),  # 1.6 connectorId, 2.x evse id; answers inherit their call's
    "ocpp_version": pl.String(),  # per charger: 1.6 | 2.0.1 | 2.1 | unknown
    "site_id": pl.String(),
    "file": pl.String(),
    "line": pl.Int64(),  # 1-based line in ``file`` where the frame starts
    "peer_id": pl.Int64(),  # frame_id of the paired call/answer, null when unpaired
    "latency_ms": pl.Int64(),  # answer time minus call time, on both rows of a pair
    "valid": pl.Boolean(),  # payload matches the official schema; null when none applies
    "schema_error": pl.String(),  # first schema violation when ``valid`` is false
}

__all__ = [
    "ANSWERS",
    "CALL",
    "CALLERROR",
    "CALLRESULT",
    "CALLRESULTERROR",
    "CONN_SCHEMA",
    "FRAME_SCHEMA",
    "MESSAGE_TYPES",
    "SEND",
    "TO_CHARGER",
    "TO_CSMS",
]
