"""Each rule on small hand-written frame sequences, and normal behaviours that must stay silent."""

from __future__ import annotations

from chargescope.analysis import analyze
from chargescope.rules import RULES, Finding, RuleConfig
from tests.framekit import Script, boot16, heartbeats, session16, sort_msgs, status16, ts


def findings(s: Script, config: RuleConfig | None = None) -> list[Finding]:
    sort_msgs(s)
    return analyze(s.ingest(), config).findings


def kinds(s: Script) -> list[str]:
    return [f.kind for f in findings(s)]


def base(charger: str = "CP1", hb: bool = True) -> Script:
    """Boot, connectors Available, and (with ``hb``) heartbeats every 5 min until noon."""
    s = Script(charger)
    boot16(s, "08:00:00")
    status16(s, "08:00:01", 0, "Available")
    status16(s, "08:00:01", 1, "Available")
    if hb:
        heartbeats(s, "08:05:00", "12:00:00")
    return s


def test_registry_documents_every_rule() -> None:
    for kind, r in RULES.items():
        assert r.kind == kind and r.doc and r.title
        assert r.severity in ("critical", "major", "minor", "info")


# ---- normal behaviour -------------------------------------------------------------------------


def test_normal_day_has_no_findings() -> None:
    s = base(hb=False)
    heartbeats(s, "08:05:00", "12:00:00")
    session16(s, "09:00:00", "10:00:00", meter_start=1000, meter_stop=12000)
    # SuspendedEV at the end of an AC session
    status16(s, "09:50:00", 1, "SuspendedEV")
    # plug-in without authorisation, then unplug
    status16(s, "10:30:00", 1, "Preparing")
    status16(s, "10:32:00", 1, "Available")
    # app session via RemoteStart / RemoteStop
    s.cmd(
        "11:00:00",
        "RemoteStartTransaction",
        {"connectorId": 1, "idTag": "APP"},
        {"status": "Accepted"},
    )
    session16(
        s,
        "11:00:02",
        "11:30:00",
        tx=2,
        meter_start=12000,
        meter_stop=15000,
        tag="APP",
        reason="Remote",
    )
    # accepted configuration and trigger commands
    s.cmd(
        "11:40:00",
        "ChangeConfiguration",
        {"key": "MeterValueSampleInterval", "value": "60"},
        {"status": "Accepted"},
    )
    s.cmd(
        "11:41:00",
        "TriggerMessage",
        {"requestedMessage": "StatusNotification"},
        {"status": "Accepted"},
    )
    # clock-aligned MeterValues outside transactions
    s.req(
        "11:45:00",
        "MeterValues",
        {
            "connectorId": 0,
            "meterValue": [
                {
                    "timestamp": ts("11:45:00"),
                    "sampledValue": [{"value": "15.0", "unit": "kWh", "context": "Sample.Clock"}],
                }
            ],
        },
        {},
    )
    assert kinds(s) == []
    report = analyze(s.ingest())
    assert report.chargers[0].health.verdict == "healthy"
    assert report.chargers[0].counts["plugins_without_transaction"] == 1


def test_heartbeats_skipped_while_other_traffic_flows() -> None:
    s = base(hb=False)
    s.req(
        "08:10:00",
        "StartTransaction",
        {"connectorId": 1, "idTag": "T", "meterStart": 0, "timestamp": ts("08:10:00")},
        {"transactionId": 1, "idTagInfo": {"status": "Accepted"}},
    )
    for m in range(11, 60):
        s.req(
            f"08:{m:02d}:00",
            "MeterValues",
            {
                "connectorId": 1,
                "transactionId": 1,
                "meterValue": [
                    {
                        "timestamp": ts(f"08:{m:02d}:00"),
                        "sampledValue": [{"value": str((m - 10) * 100)}],
                    }
                ],
            },
            {},
        )
    s.req(
        "09:00:00",
        "StopTransaction",
        {"transactionId": 1, "meterStop": 5000, "timestamp": ts("09:00:00")},
        {},
    )
    heartbeats(s, "09:05:00", "09:30:00")
    assert kinds(s) == []


def test_unique_ids_reused_after_reboot_pair_correctly() -> None:
    s = Script()
    s.msgs.append(
        (
            "08:00:00",
            "CP1",
            ">",
            2,
            "1",
            "BootNotification",
            {"chargePointVendor": "A", "chargePointModel": "B"},
        )
    )
    s.msgs.append(
        (
            "08:00:00",
            "CP1",
            "<",
            3,
            "1",
            "",
            {"status": "Accepted", "currentTime": ts("08:00:00"), "interval": 300},
        )
    )
    s.msgs.append(("08:05:00", "CP1", ">", 2, "2", "Heartbeat", {}))
    s.msgs.append(("08:05:00", "CP1", "<", 3, "2", "", {"currentTime": ts("08:05:00")}))
    s.msgs.append(
        (
            "08:09:00",
            "CP1",
            ">",
            2,
            "1",
            "BootNotification",
            {"chargePointVendor": "A", "chargePointModel": "B"},
        )
    )
    s.msgs.append(
        (
            "08:09:00",
            "CP1",
            "<",
            3,
            "1",
            "",
            {"status": "Accepted", "currentTime": ts("08:09:00"), "interval": 300},
        )
    )
    assert kinds(s) == ["reboot"]


# ---- connectivity -----------------------------------------------------------------------------


def test_offline_spans_the_silence() -> None:
    s = base(hb=False)
    heartbeats(s, "08:05:00", "09:00:00")
    heartbeats(s, "11:00:00", "11:30:00")
    [f] = findings(s)
    assert f.kind == "offline" and f.connector_id is None
    assert f.start.strftime("%H:%M") == "09:00" and f.end.strftime("%H:%M") == "11:00"
    assert "2 h" in f.explanation


def test_offline_threshold_configurable() -> None:
    s = base(hb=False)
    heartbeats(s, "08:05:00", "09:00:00")
    heartbeats(s, "11:00:00", "11:30:00")
    cfg = RuleConfig({"offline": {"min_silence_s": 3 * 3600}})
    assert [f.kind for f in findings(s, cfg)] == []


def test_unstable_connection_one_finding_per_window() -> None:
    s = base(hb=False)
    heartbeats(s, "08:05:00", "08:30:00")
    heartbeats(s, "08:42:00", "08:55:00")
    heartbeats(s, "09:07:00", "09:20:00")
    heartbeats(s, "09:32:00", "10:30:00")
    [f] = findings(s)
    assert f.kind == "unstable_connection"
    assert f.detail["disconnections"] == 3


def test_reboot_boot_loop_is_one_episode() -> None:
    s = base(hb=False)
    heartbeats(s, "08:05:00", "09:00:00")
    for t in ("09:02:00", "09:04:00", "09:06:00"):
        boot16(s, t)
    heartbeats(s, "09:10:00", "09:30:00")
    [f] = findings(s)
    assert f.kind == "reboot" and f.detail["boots"] == 3 and f.severity == "critical"
    assert f.start.strftime("%H:%M") == "09:02" and f.end.strftime("%H:%M") == "09:06"


def test_first_boot_and_pending_retries_are_not_reboots() -> None:
    s = Script()
    boot16(s, "08:00:00", "Pending")
    boot16(s, "08:01:00", "Pending")
    boot16(s, "08:02:00", "Accepted")
    heartbeats(s, "08:07:00", "08:30:00")
    got = findings(s)
    assert [f.kind for f in got] == ["boot_rejected"]
    assert got[0].detail["attempts"] == 2 and got[0].detail["accepted"]
    assert got[0].end.strftime("%H:%M") == "08:02"


def test_reboot_after_offline() -> None:
    s = base(hb=False)
    heartbeats(s, "08:05:00", "09:00:00")
    boot16(s, "12:00:00")
    assert kinds(s) == ["offline", "reboot"]


# ---- charging ---------------------------------------------------------------------------------


def test_auth_rejected_and_explained() -> None:
    s = base()
    s.req("09:00:00", "Authorize", {"idTag": "BAD"}, {"idTagInfo": {"status": "Invalid"}})
    [f] = findings(s)
    assert f.kind == "auth_rejected" and f.detail["status"] == "Invalid"
    assert "unknown" in f.explanation


def test_start_transaction_rejected() -> None:
    s = base()
    session16(
        s,
        "09:00:00",
        "09:00:05",
        auth="Blocked",
        meter_start=10,
        meter_stop=10,
        reason="DeAuthorized",
    )
    got = kinds(s)
    assert "auth_rejected" in got


def test_empty_id_tag() -> None:
    s = base()
    session16(s, "09:00:00", "10:00:00", tag="")
    assert kinds(s) == ["empty_id_tag"]


def test_no_energy() -> None:
    s = base()
    session16(s, "09:00:00", "09:30:00", meter_start=5000, meter_stop=5000)
    [f] = findings(s)
    assert f.kind == "no_energy" and f.connector_id == 1
    assert "no MeterValues" in f.explanation


def test_stuck_transaction_connector_available() -> None:
    s = base()
    s.req(
        "09:00:00",
        "StartTransaction",
        {"connectorId": 1, "idTag": "T", "meterStart": 0, "timestamp": ts("09:00:00")},
        {"transactionId": 77, "idTagInfo": {"status": "Accepted"}},
    )
    status16(s, "09:00:01", 1, "Charging")
    status16(s, "09:40:00", 1, "Available")
    heartbeats(s, "09:45:00", "10:00:00")
    [f] = findings(s)
    assert f.kind == "stuck_transaction" and f.detail["transaction_id"] == "77"
    assert f.end.strftime("%H:%M") == "09:40"


def test_meter_anomaly_backwards() -> None:
    s = base()
    s.req(
        "09:00:00",
        "StartTransaction",
        {"connectorId": 1, "idTag": "T", "meterStart": 10000, "timestamp": ts("09:00:00")},
        {"transactionId": 1, "idTagInfo": {"status": "Accepted"}},
    )
    s.req(
        "09:10:00",
        "MeterValues",
        {
            "connectorId": 1,
            "transactionId": 1,
            "meterValue": [
                {
                    "timestamp": ts("09:10:00"),
                    "sampledValue": [
                        {"value": "11000"},
                        {"value": "7000", "measurand": "Power.Active.Import"},
                    ],
                }
            ],
        },
        {},
    )
    s.req(
        "09:20:00",
        "MeterValues",
        {
            "connectorId": 1,
            "transactionId": 1,
            "meterValue": [{"timestamp": ts("09:20:00"), "sampledValue": [{"value": "10500"}]}],
        },
        {},
    )
    s.req(
        "09:30:00",
        "StopTransaction",
        {"transactionId": 1, "meterStop": 12000, "timestamp": ts("09:30:00")},
        {},
    )
    [f] = findings(s)
    assert f.kind == "meter_anomaly" and f.detail["anomaly"] == "backwards"
    assert f.start.strftime("%H:%M") == "09:20"


def test_meter_anomaly_jump() -> None:
    s = base()
    s.req(
        "09:00:00",
        "StartTransaction",
        {"connectorId": 1, "idTag": "T", "meterStart": 10000, "timestamp": ts("09:00:00")},
        {"transactionId": 1, "idTagInfo": {"status": "Accepted"}},
    )
    s.req(
        "09:10:00",
        "MeterValues",
        {
            "connectorId": 1,
            "transactionId": 1,
            "meterValue": [
                {
                    "timestamp": ts("09:10:00"),
                    "sampledValue": [
                        {"value": "11000"},
                        {"value": "7000", "measurand": "Power.Active.Import"},
                    ],
                }
            ],
        },
        {},
    )
    s.req(
        "09:11:00",
        "MeterValues",
        {
            "connectorId": 1,
            "transactionId": 1,
            "meterValue": [{"timestamp": ts("09:11:00"), "sampledValue": [{"value": "511000"}]}],
        },
        {},
    )
    s.req(
        "09:30:00",
        "StopTransaction",
        {"transactionId": 1, "meterStop": 513000, "timestamp": ts("09:30:00")},
        {},
    )
    assert kinds(s) == ["meter_anomaly"]


# ---- faults -----------------------------------------------------------------------------------


def test_fault_until_recovered() -> None:
    s = base()
    status16(s, "08:14:00", 2, "Faulted", "GroundFailure", vendorErrorCode="E42")
    status16(s, "11:26:00", 2, "Available")
    [f] = findings(s)
    assert f.kind == "fault" and f.connector_id == 2
    assert f.detail["error_codes"] == ["GroundFailure"] and f.detail["vendor_error_codes"] == [
        "E42"
    ]
    assert "Connector 2 reported Faulted with GroundFailure" in f.explanation
    assert "3 h 12 min" in f.explanation


def test_station_fault_is_one_finding_and_open_fault_means_down() -> None:
    s = base()
    status16(s, "09:00:00", 0, "Faulted", "InternalError")
    status16(s, "09:00:01", 1, "Unavailable")
    heartbeats(s, "09:05:00", "09:30:00")
    report = analyze(s.ingest())
    [f] = report.findings
    assert f.kind == "fault" and f.connector_id is None and f.detail["open"]
    assert report.chargers[0].health.verdict == "down"


# ---- messages ---------------------------------------------------------------------------------


def test_call_error_and_no_response() -> None:
    s = base()
    uid = s.call("09:00:00", "DataTransfer", {"vendorId": "X"})
    s.error("09:00:01", uid, "NotImplemented")
    s.call("09:10:00", "Heartbeat", {})
    heartbeats(s, "09:15:00", "09:30:00")
    got = findings(s)
    assert sorted(f.kind for f in got) == ["call_error", "no_response"]
    ce = next(f for f in got if f.kind == "call_error")
    assert ce.detail["error_code"] == "NotImplemented"


def test_unanswered_call_at_log_end_is_not_judged() -> None:
    s = base(hb=False)
    s.call("08:00:10", "Heartbeat", {})
    assert kinds(s) == []


def test_command_rejected() -> None:
    s = base()
    s.cmd("09:00:00", "UnlockConnector", {"connectorId": 1}, {"status": "UnlockFailed"})
    s.cmd("09:01:00", "ChangeConfiguration", {"key": "X", "value": "1"}, {"status": "NotSupported"})
    assert kinds(s) == ["command_rejected", "command_rejected"]


# ---- maintenance ------------------------------------------------------------------------------


def test_firmware_failure_after_retries_and_success_after_retry() -> None:
    s = base()
    for t, st in (
        ("09:00:00", "Downloading"),
        ("09:05:00", "DownloadFailed"),
        ("09:10:00", "Downloading"),
        ("09:15:00", "DownloadFailed"),
    ):
        s.req(t, "FirmwareStatusNotification", {"status": st}, {})
    got = findings(s)
    assert [f.kind for f in got] == ["firmware_failure"]
    assert got[0].start.strftime("%H:%M") == "09:00" and got[0].end.strftime("%H:%M") == "09:15"
    ok = base()
    for t, st in (
        ("09:00:00", "Downloading"),
        ("09:05:00", "DownloadFailed"),
        ("09:10:00", "Downloading"),
        ("09:15:00", "Downloaded"),
        ("09:16:00", "Installing"),
        ("09:18:00", "Installed"),
    ):
        ok.req(t, "FirmwareStatusNotification", {"status": st}, {})
    assert kinds(ok) == []


def test_diagnostics_failure() -> None:
    s = base()
    s.req("09:00:00", "DiagnosticsStatusNotification", {"status": "Uploading"}, {})
    s.req("09:02:00", "DiagnosticsStatusNotification", {"status": "UploadFailed"}, {})
    assert kinds(s) == ["diagnostics_failure"]


def test_clock_skew() -> None:
    s = base()
    for m in range(10, 20):
        s.req(
            f"09:{m:02d}:00",
            "StatusNotification",
            {
                "connectorId": 1,
                "errorCode": "NoError",
                "status": "Available" if m % 2 else "Preparing",
                "timestamp": ts(f"10:{m:02d}:00"),
            },
            {},
        )
    [f] = findings(s)
    assert f.kind == "clock_skew" and f.detail["median_offset_s"] == 3600


def test_v201_fault_takes_its_code_from_notify_event() -> None:
    s = Script("CS2")
    s.req(
        "08:00:00",
        "BootNotification",
        {"chargingStation": {"model": "M", "vendorName": "V"}, "reason": "PowerUp"},
        {"status": "Accepted", "currentTime": ts("08:00:00"), "interval": 300},
    )
    heartbeats(s, "08:05:00", "12:00:00")
    s.req(
        "09:00:00",
        "StatusNotification",
        {"timestamp": ts("09:00:00"), "connectorStatus": "Faulted", "evseId": 1, "connectorId": 1},
        {},
    )
    event = {
        "eventId": 1,
        "timestamp": ts("09:00:00"),
        "trigger": "Delta",
        "actualValue": "true",
        "techCode": "PLC_COMM",
        "component": {"name": "Connector", "evse": {"id": 1, "connectorId": 1}},
        "variable": {"name": "Problem"},
        "eventNotificationType": "HardWiredNotification",
    }
    s.req(
        "09:00:01",
        "NotifyEvent",
        {"generatedAt": ts("09:00:01"), "seqNo": 0, "eventData": [event]},
        {},
    )
    s.req(
        "10:00:00",
        "StatusNotification",
        {
            "timestamp": ts("10:00:00"),
            "connectorStatus": "Available",
            "evseId": 1,
            "connectorId": 1,
        },
        {},
    )
    [f] = findings(s)
    assert f.kind == "fault" and f.connector_id == 1 and f.detail["error_codes"] == ["PLC_COMM"]
