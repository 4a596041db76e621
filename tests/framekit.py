"""Build frame tables for tests from compact hand-written message lists, via the real ingest.

Each message is ``(time, charger, direction, message_type, unique_id, action, payload)`` with
direction ``">"`` (charger to CSMS) or ``"<"`` (CSMS to charger). ``time`` is ``HH:MM:SS`` on
the test day (or a full ISO time). CALLERROR rows use ``action`` as the error code.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from chargescope.ingest import Ingest, ingest_sources
from chargescope.readers.base import Source

DAY = "2025-03-03"

Msg = tuple[str, str, str, int, str, str, Any]


def iso(t: str) -> str:
    """``08:00:00`` -> ISO time on the test day; full ISO times pass through."""
    if "T" in t:
        return t
    if t.count(":") == 1:
        t += ":00"
    return f"{DAY}T{t}.000Z"


def frame_text(mtype: int, uid: str, action: str, payload: Any) -> str:
    """The OCPP-J array text."""
    if mtype == 2:
        return json.dumps([2, uid, action, payload])
    if mtype == 3:
        return json.dumps([3, uid, payload])
    return json.dumps([4, uid, action, "", payload or {}])


def stream_csv(msgs: list[Msg]) -> str:
    """The message-stream CSV (timestamp,type,message,charger) of ``msgs``."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["timestamp", "type", "message", "charger"])
    for t, charger, d, mtype, uid, action, payload in msgs:
        kind = "incoming" if d == ">" else "outgoing"
        w.writerow([iso(t), kind, frame_text(mtype, uid, action, payload), charger])
    return buf.getvalue()


def frames(msgs: list[Msg]) -> Ingest:
    """Ingest ``msgs`` through the real pipeline."""
    return ingest_sources([Source("t.csv", stream_csv(msgs).encode())])


class Script:
    """Helper to write message lists: calls with automatic unique ids and answers."""

    def __init__(self, charger: str = "CP1") -> None:
        self.charger = charger
        self.msgs: list[Msg] = []
        self.n = 0

    def call(self, t: str, action: str, payload: Any, d: str = ">") -> str:
        """A CALL; returns its unique id."""
        self.n += 1
        uid = f"{self.charger}-{self.n}"
        self.msgs.append((t, self.charger, d, 2, uid, action, payload))
        return uid

    def result(self, t: str, uid: str, payload: Any, d: str = "<") -> None:
        """A CALLRESULT for ``uid``."""
        self.msgs.append((t, self.charger, d, 3, uid, "", payload))

    def error(self, t: str, uid: str, code: str, d: str = "<") -> None:
        """A CALLERROR for ``uid``."""
        self.msgs.append((t, self.charger, d, 4, uid, code, {}))

    def req(self, t: str, action: str, payload: Any, answer: Any, t2: str | None = None) -> str:
        """Charger call answered by the CSMS (same time unless ``t2``)."""
        uid = self.call(t, action, payload)
        self.result(t2 or t, uid, answer)
        return uid

    def cmd(self, t: str, action: str, payload: Any, answer: Any, t2: str | None = None) -> str:
        """CSMS command answered by the charger."""
        uid = self.call(t, action, payload, d="<")
        self.result(t2 or t, uid, answer, d=">")
        return uid

    def ingest(self) -> Ingest:
        """Run the real ingest over the script."""
        return frames(self.msgs)


def ts(t: str) -> str:
    """Charger timestamp text for payloads (``08:00:00`` -> ISO on the test day)."""
    return iso(t).replace(".000Z", "Z")


def boot16(s: Script, t: str, status: str = "Accepted", interval: int = 300) -> None:
    """A 1.6 BootNotification answered ``status``."""
    s.req(
        t,
        "BootNotification",
        {"chargePointVendor": "Acme", "chargePointModel": "AC22", "firmwareVersion": "1.0"},
        {"status": status, "currentTime": ts(t), "interval": interval},
    )


def status16(s: Script, t: str, conn: int, status: str, error: str = "NoError", **kw: Any) -> None:
    """A 1.6 StatusNotification."""
    s.req(
        t,
        "StatusNotification",
        {"connectorId": conn, "errorCode": error, "status": status, "timestamp": ts(t), **kw},
        {},
    )


def session16(
    s: Script,
    start: str,
    stop: str,
    conn: int = 1,
    tx: int = 1,
    meter_start: int = 1000,
    meter_stop: int = 5000,
    tag: str = "TAG1",
    reason: str | None = None,
    auth: str = "Accepted",
) -> None:
    """A plain 1.6 session: Preparing, StartTransaction, Charging, StopTransaction, Available."""
    status16(s, start, conn, "Preparing")
    s.req(
        start,
        "StartTransaction",
        {"connectorId": conn, "idTag": tag, "meterStart": meter_start, "timestamp": ts(start)},
        {"transactionId": tx, "idTagInfo": {"status": auth}},
    )
    status16(s, start, conn, "Charging")
    stop_payload: dict[str, Any] = {
        "transactionId": tx,
        "meterStop": meter_stop,
        "timestamp": ts(stop),
    }
    if reason:
        stop_payload["reason"] = reason
    s.req(stop, "StopTransaction", stop_payload, {})
    status16(s, stop, conn, "Finishing")
    status16(s, stop, conn, "Available")


def heartbeats(s: Script, start: str, end: str, every_s: int = 300) -> None:
    """Heartbeats from ``start`` to ``end`` (HH:MM:SS) every ``every_s``."""
    from datetime import datetime, timedelta

    t = datetime.fromisoformat(iso(start).replace("Z", "+00:00"))
    stop = datetime.fromisoformat(iso(end).replace("Z", "+00:00"))
    while t <= stop:
        hh = t.strftime("%Y-%m-%dT%H:%M:%S.000Z")
        s.req(hh, "Heartbeat", {}, {"currentTime": hh})
        t += timedelta(seconds=every_s)


def sort_msgs(s: Script) -> None:
    """Order a script's messages by time (stable)."""
    s.msgs.sort(key=lambda m: iso(m[0]))
