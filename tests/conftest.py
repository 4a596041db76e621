"""Shared fixtures: a reference traffic table built through the real pipeline."""

from __future__ import annotations

import polars as pl
import pytest

from chargescope.ingest import ingest_sources
from chargescope.readers.base import Source

# (time, charger, direction, frame): 1.6 and 2.0.1 traffic with every message type, an
# unanswered call, a CALLERROR, a reused message id and a charger id with a space and a slash.
REFERENCE = [
    (
        "2025-03-03T08:00:00.120Z",
        "CP-16/A 1",
        "incoming",
        '[2,"1","BootNotification",{"chargePointVendor":"Acme","chargePointModel":"AC22"}]',
    ),
    (
        "2025-03-03T08:00:00.310Z",
        "CP-16/A 1",
        "outgoing",
        '[3,"1",{"status":"Accepted","currentTime":"2025-03-03T08:00:00.300Z","interval":300}]',
    ),
    (
        "2025-03-03T08:00:01.005Z",
        "CP-16/A 1",
        "incoming",
        '[2,"2","StatusNotification",{"connectorId":1,"errorCode":"NoError","status":"Available"}]',
    ),
    ("2025-03-03T08:00:01.200Z", "CP-16/A 1", "outgoing", '[3,"2",{}]'),
    ("2025-03-03T08:05:00.000Z", "CP-16/A 1", "incoming", '[2,"3","Authorize",{"idTag":"TAG1"}]'),
    (
        "2025-03-03T08:05:00.400Z",
        "CP-16/A 1",
        "outgoing",
        '[3,"3",{"idTagInfo":{"status":"Accepted"}}]',
    ),
    (
        "2025-03-03T08:05:02.000Z",
        "CP-16/A 1",
        "incoming",
        '[2,"4","StartTransaction",{"connectorId":1,"idTag":"TAG1","meterStart":1000,"timestamp":"2025-03-03T08:05:01.900Z"}]',
    ),
    (
        "2025-03-03T08:05:02.250Z",
        "CP-16/A 1",
        "outgoing",
        '[3,"4",{"idTagInfo":{"status":"Accepted"},"transactionId":77}]',
    ),
    (
        "2025-03-03T08:10:00.000Z",
        "CP-16/A 1",
        "incoming",
        '[2,"5","MeterValues",{"connectorId":1,"transactionId":77,"meterValue":[{"timestamp":"2025-03-03T08:10:00Z","sampledValue":[{"value":"1800","measurand":"Energy.Active.Import.Register","unit":"Wh"}]}]}]',
    ),
    ("2025-03-03T08:10:00.150Z", "CP-16/A 1", "outgoing", '[3,"5",{}]'),
    (
        "2025-03-03T08:12:00.000Z",
        "CP-16/A 1",
        "outgoing",
        '[2,"srv-1","ChangeConfiguration",{"key":"MeterValueSampleInterval","value":"60"}]',
    ),
    (
        "2025-03-03T08:12:00.500Z",
        "CP-16/A 1",
        "incoming",
        '[4,"srv-1","NotSupported","key unknown",{}]',
    ),
    (
        "2025-03-03T08:20:00.000Z",
        "CP-16/A 1",
        "incoming",
        '[2,"6","StopTransaction",{"transactionId":77,"meterStop":4200,"timestamp":"2025-03-03T08:19:59.000Z","reason":"EVDisconnected"}]',
    ),
    (
        "2025-03-03T08:20:00.300Z",
        "CP-16/A 1",
        "outgoing",
        '[3,"6",{"idTagInfo":{"status":"Accepted"}}]',
    ),
    ("2025-03-03T08:30:00.000Z", "CP-16/A 1", "incoming", '[2,"7","Heartbeat",{}]'),
    (
        "2025-03-03T09:00:00.000Z",
        "CP-16/A 1",
        "incoming",
        '[2,"1","BootNotification",{"chargePointVendor":"Acme","chargePointModel":"AC22"}]',
    ),
    (
        "2025-03-03T09:00:00.200Z",
        "CP-16/A 1",
        "outgoing",
        '[3,"1",{"status":"Accepted","currentTime":"2025-03-03T09:00:00.200Z","interval":300}]',
    ),
    (
        "2025-03-03T08:00:00.000Z",
        "CS-201",
        "incoming",
        '[2,"a1","BootNotification",{"reason":"PowerUp","chargingStation":{"model":"DC150","vendorName":"Volt"}}]',
    ),
    (
        "2025-03-03T08:00:00.400Z",
        "CS-201",
        "outgoing",
        '[3,"a1",{"currentTime":"2025-03-03T08:00:00.400Z","interval":120,"status":"Accepted"}]',
    ),
    (
        "2025-03-03T08:01:00.000Z",
        "CS-201",
        "incoming",
        '[2,"a2","StatusNotification",{"timestamp":"2025-03-03T08:01:00Z","connectorStatus":"Occupied","evseId":2,"connectorId":1}]',
    ),
    ("2025-03-03T08:01:00.100Z", "CS-201", "outgoing", '[3,"a2",{}]'),
    (
        "2025-03-03T08:02:00.000Z",
        "CS-201",
        "incoming",
        '[2,"a3","TransactionEvent",{"eventType":"Started","timestamp":"2025-03-03T08:02:00Z","triggerReason":"Authorized","seqNo":0,"transactionInfo":{"transactionId":"tx-9"},"evse":{"id":2,"connectorId":1},"idToken":{"idToken":"T2","type":"ISO14443"}}]',
    ),
    (
        "2025-03-03T08:02:00.300Z",
        "CS-201",
        "outgoing",
        '[3,"a3",{"idTokenInfo":{"status":"Accepted"}}]',
    ),
    ("2025-03-03T08:03:00.000Z", "CS-201", "outgoing", '[2,"c1","Reset",{"type":"Immediate"}]'),
]


def stream_csv(rows: list[tuple[str, str, str, str]]) -> bytes:
    """Rows as a message-stream CSV (timestamp,type,message,charger)."""
    lines = ["timestamp,type,message,charger"]
    for ts, charger, direction, frame in rows:
        quoted = '"' + frame.replace('"', '""') + '"'
        lines.append(f"{ts},{direction},{quoted},{charger}")
    return ("\n".join(lines) + "\n").encode()


@pytest.fixture(scope="session")
def reference() -> pl.DataFrame:
    """The reference traffic as a normalized, paired frame table."""
    return ingest_sources([Source("reference.csv", stream_csv(REFERENCE))]).frames
