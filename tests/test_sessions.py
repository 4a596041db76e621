"""Sessions rebuilt from hand-written 1.6 and 2.0.1 transaction messages."""

from __future__ import annotations

from chargescope.analysis import analyze
from tests.framekit import Script, boot16, heartbeats, session16, sort_msgs, status16, ts


def _one(s: Script):  # type: ignore[no-untyped-def]
    report = analyze(s.ingest())
    return report.sessions


def test_v16_session_energy_and_default_reason() -> None:
    s = Script()
    boot16(s, "08:00:00")
    status16(s, "08:00:01", 1, "Available")
    session16(s, "08:10:00", "09:10:00", meter_start=1000, meter_stop=9000, tx=42)
    [sess] = _one(s)
    assert sess.transaction_id == "42"
    assert sess.energy_wh == 8000
    assert sess.stop_reason == "Local"
    assert sess.connector_id == 1
    assert sess.duration_s == 3600
    assert sess.mean_power_w == 8000


def test_v16_queued_stop_keeps_charger_time() -> None:
    s = Script()
    boot16(s, "08:00:00")
    status16(s, "08:00:01", 1, "Available")
    s.req(
        "08:10:00",
        "StartTransaction",
        {"connectorId": 1, "idTag": "T", "meterStart": 0, "timestamp": ts("08:10:00")},
        {"transactionId": 5, "idTagInfo": {"status": "Accepted"}},
    )
    # sent at 09:30 after a disconnection, with the charger's original stop time
    s.req(
        "09:30:00",
        "StopTransaction",
        {
            "transactionId": 5,
            "meterStop": 2500,
            "timestamp": ts("09:00:00"),
            "reason": "EVDisconnected",
        },
        {},
    )
    [sess] = _one(s)
    assert sess.end is not None and sess.end.strftime("%H:%M") == "09:00"
    assert sess.queued
    assert sess.stop_reason == "EVDisconnected"
    assert sess.energy_wh == 2500


def test_v16_unended_session() -> None:
    s = Script()
    boot16(s, "08:00:00")
    s.req(
        "08:10:00",
        "StartTransaction",
        {"connectorId": 2, "idTag": "T", "meterStart": 0, "timestamp": ts("08:10:00")},
        {"transactionId": 9, "idTagInfo": {"status": "Accepted"}},
    )
    heartbeats(s, "08:15:00", "08:30:00")
    [sess] = _one(s)
    assert not sess.ended and sess.end is None and sess.energy_wh is None


def _te(s: Script, t: str, kind: str, seq: int, wh: float | None, unit: str = "Wh", **extra):  # type: ignore[no-untyped-def]
    p = {
        "eventType": kind,
        "timestamp": ts(t),
        "triggerReason": "Authorized" if kind == "Started" else "EVDeparted",
        "seqNo": seq,
        "transactionInfo": {"transactionId": "tx-1", **extra.pop("info", {})},
        "evse": {"id": 1, "connectorId": 1},
        **extra,
    }
    if wh is not None:
        p["meterValue"] = [
            {"timestamp": ts(t), "sampledValue": [{"value": wh, "unitOfMeasure": {"unit": unit}}]}
        ]
    s.req(
        t,
        "TransactionEvent",
        p,
        {"idTokenInfo": {"status": "Accepted"}} if kind == "Started" else {},
    )


def _boot201(s: Script, t: str) -> None:
    s.req(
        t,
        "BootNotification",
        {"chargingStation": {"model": "DC50", "vendorName": "Acme"}, "reason": "PowerUp"},
        {"status": "Accepted", "currentTime": ts(t), "interval": 300},
    )


def test_v201_session_kwh_register_and_stopped_reason() -> None:
    s = Script("CS2")
    _boot201(s, "08:00:00")
    _te(s, "08:10:00", "Started", 0, 12.5, "kWh", idToken={"idToken": "ABC", "type": "ISO14443"})
    _te(s, "08:40:00", "Updated", 1, 20.0, "kWh")
    _te(s, "09:10:00", "Ended", 2, 31.25, "kWh", info={"stoppedReason": "EVDisconnected"})
    [sess] = _one(s)
    assert sess.transaction_id == "tx-1"
    assert sess.energy_wh == 18750
    assert sess.stop_reason == "EVDisconnected"
    assert sess.id_tag == "ABC"
    assert sess.connector_id == 1


def test_v201_default_stop_reason_and_offline_flag() -> None:
    s = Script("CS2")
    _boot201(s, "08:00:00")
    _te(s, "08:10:00", "Started", 0, 1000)
    _te(s, "09:30:00", "Ended", 1, 4000, offline=True)
    [sess] = _one(s)
    assert sess.stop_reason == "Local"
    assert sess.energy_wh == 3000
    assert sess.queued


def test_meter_values_without_measurand_and_in_kwh() -> None:
    s = Script()
    boot16(s, "08:00:00")
    s.req(
        "08:10:00",
        "StartTransaction",
        {"connectorId": 1, "idTag": "T", "meterStart": 10000, "timestamp": ts("08:10:00")},
        {"transactionId": 3, "idTagInfo": {"status": "Accepted"}},
    )
    s.req(
        "08:20:00",
        "MeterValues",
        {
            "connectorId": 1,
            "transactionId": 3,
            "meterValue": [
                {
                    "timestamp": ts("08:20:00"),
                    "sampledValue": [
                        {"value": "11.5", "unit": "kWh"},
                        {"value": "50", "measurand": "SoC", "unit": "Percent"},
                    ],
                }
            ],
        },
        {},
    )
    s.req(
        "08:30:00",
        "MeterValues",
        {
            "connectorId": 1,
            "transactionId": 3,
            "meterValue": [
                {
                    "timestamp": ts("08:30:00"),
                    "sampledValue": [{"value": "13000"}, {"value": "60", "measurand": "SoC"}],
                }
            ],
        },
        {},
    )
    s.req(
        "08:31:00",
        "StopTransaction",
        {"transactionId": 3, "meterStop": 13100, "timestamp": ts("08:31:00")},
        {},
    )
    heartbeats(s, "08:05:00", "09:00:00")
    sort_msgs(s)
    report = analyze(s.ingest())
    [sess] = report.sessions
    assert sess.energy_wh == 3100
    assert sess.soc_start == 50 and sess.soc_end == 60
    assert sess.peak_power_w == 9000  # 1500 Wh in 10 min
    assert report.findings == []
