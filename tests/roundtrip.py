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


#: 1.6 and 2.0.1 traffic as a message-stream CSV: every message type, a CSMS command answered
#: by a CALLERROR, an unanswered call and an orphan answer; ``second`` names the 2.0.1 charger.
_TRAFFIC = """timestamp,type,message,charger
2025-03-03T08:00:00.000Z,incoming,"[2,""b1"",""BootNotification"",{""chargePointVendor"":""ABB"",""chargePointModel"":""Terra""}]",CP-1
2025-03-03T08:00:00.050Z,outgoing,"[3,""b1"",{""status"":""Accepted"",""currentTime"":""2025-03-03T08:00:00.050Z"",""interval"":300}]",CP-1
2025-03-03T08:00:30.000Z,incoming,"[2,""hb"",""Heartbeat"",{}]",CP-1
2025-03-03T08:00:30.020Z,outgoing,"[3,""hb"",{""currentTime"":""2025-03-03T08:00:30.020Z""}]",CP-1
2025-03-03T08:01:00.000Z,incoming,"[2,""a1"",""Authorize"",{""idTag"":""TAG1""}]",CP-1
2025-03-03T08:01:00.040Z,outgoing,"[3,""a1"",{""idTagInfo"":{""status"":""Accepted""}}]",CP-1
2025-03-03T08:01:05.000Z,incoming,"[2,""s1"",""StartTransaction"",{""connectorId"":1,""idTag"":""TAG1"",""meterStart"":0,""timestamp"":""2025-03-03T08:01:05Z""}]",CP-1
2025-03-03T08:01:05.030Z,outgoing,"[3,""s1"",{""transactionId"":7,""idTagInfo"":{""status"":""Accepted""}}]",CP-1
2025-03-03T08:02:00.000Z,incoming,"[2,""m1"",""MeterValues"",{""connectorId"":1,""transactionId"":7,""meterValue"":[{""timestamp"":""2025-03-03T08:02:00Z"",""sampledValue"":[{""value"":""1500""}]}]}]",CP-1
2025-03-03T08:02:00.010Z,outgoing,"[3,""m1"",{}]",CP-1
2025-03-03T08:03:00.000Z,outgoing,"[2,""c1"",""ChangeConfiguration"",{""key"":""HeartbeatInterval"",""value"":""60""}]",CP-1
2025-03-03T08:03:00.100Z,incoming,"[4,""c1"",""NotSupported"",""no such key"",{}]",CP-1
2025-03-03T08:04:00.000Z,incoming,"[2,""s2"",""StopTransaction"",{""transactionId"":7,""meterStop"":1500,""timestamp"":""2025-03-03T08:04:00Z""}]",CP-1
2025-03-03T08:04:00.030Z,outgoing,"[3,""s2"",{}]",CP-1
2025-03-03T08:00:00.000Z,incoming,"[2,""x1"",""BootNotification"",{""reason"":""PowerUp"",""chargingStation"":{""model"":""M"",""vendorName"":""V""}}]",{second}
2025-03-03T08:00:00.030Z,outgoing,"[3,""x1"",{""currentTime"":""2025-03-03T08:00:00Z"",""interval"":300,""status"":""Accepted""}]",{second}
2025-03-03T08:01:00.000Z,incoming,"[2,""x2"",""TransactionEvent"",{""eventType"":""Started"",""timestamp"":""2025-03-03T08:01:00Z"",""triggerReason"":""Authorized"",""seqNo"":0,""transactionInfo"":{""transactionId"":""T1""},""evse"":{""id"":1,""connectorId"":1}}]",{second}
2025-03-03T08:01:00.020Z,outgoing,"[3,""x2"",{}]",{second}
2025-03-03T08:02:00.000Z,outgoing,"[2,""x3"",""RequestStopTransaction"",{""transactionId"":""T1""}]",{second}
2025-03-03T08:05:00.000Z,incoming,"[3,""zz"",{}]",{second}
"""


def traffic(second: str = "CS 2/ü") -> str:
    """The shared round-trip traffic, with the 2.0.1 charger called ``second``."""
    return _TRAFFIC.replace("{second}", second)


#: What exchange records (and log-index hits wrapping them) carry: no message ids, no pairs.
EXCHANGE_COMPARED = [
    c for c in COMPARED if c not in ("unique_id", "peer_id", "latency_ms", "valid", "schema_error")
]


def exchange_view(frames: pl.DataFrame) -> pl.DataFrame:
    """What an exchange layout can carry: answers at their call's time, no orphans, no ids."""
    calls = frames.filter(pl.col("message_type") == "CALL").select("frame_id", "ts")
    answers = frames.filter(pl.col("message_type") != "CALL")
    answers = answers.join(
        calls.rename({"frame_id": "peer_id", "ts": "call_ts"}), on="peer_id", how="inner"
    ).with_columns(pl.col("call_ts").alias("ts"))
    both = pl.concat([frames.filter(pl.col("message_type") == "CALL"), answers.drop("call_ts")])
    return both.sort("charger_id", "ts", "frame_id").select(EXCHANGE_COMPARED)
