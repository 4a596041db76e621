"""Server and charger text logs (arrows, SteVe, Python ocpp, evcc, OCTT, EVerest): golden reads,
time zones, direction conventions, connection events, noise accounting, and round trips."""

from __future__ import annotations

import dataclasses
import importlib
import io
import random

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chargescope.ingest import ingest_sources
from chargescope.readers import all_readers, get_reader
from chargescope.readers.base import Match, NoMatch, ReadOptions, ReadResult, Source
from chargescope.readers.textlog import read_layout, read_layout_many, read_lines
from chargescope.writers import get_writer
from tests.readkit import assert_same_read
from tests.roundtrip import COMPARED, roundtrip

FAMILIES = ["arrows", "steve", "pyocpp", "evcc", "octt", "everest"]


def read(layout: str, text: str | bytes, tz: str | None = None, name: str = "") -> ReadResult:
    """Read ``text`` with one family's reader."""
    data = text.encode() if isinstance(text, str) else text
    return get_reader(layout).read(Source(name or f"{layout}.log", data), ReadOptions(tz=tz))


def hms(result: ReadResult) -> list[str]:
    """Frame times as UTC ``HH:MM:SS.mmm``."""
    return result.frames["ts"].dt.strftime("%H:%M:%S%.3f").to_list()


# --- sniffing ---------------------------------------------------------------------------------


@pytest.mark.parametrize("layout", FAMILIES)
def test_each_family_accepts_its_sample_and_declines_the_others(layout: str) -> None:
    readers = all_readers()
    assert isinstance(readers[layout].sniff(readers[layout].sample), Match)
    for name, other in readers.items():
        if name != layout:
            assert isinstance(readers[layout].sniff(other.sample), NoMatch), name


@pytest.mark.parametrize("layout", FAMILIES)
def test_other_readers_decline_each_family_sample(layout: str) -> None:
    readers = all_readers()
    for name, other in readers.items():
        if name not in (layout, "custom"):
            assert isinstance(other.sniff(readers[layout].sample), NoMatch), name


@pytest.mark.parametrize("layout", FAMILIES)
def test_sample_reads_to_two_frames(layout: str) -> None:
    result = read(layout, get_reader(layout).sample)
    assert result.frames.height == 2
    assert result.frames["direction"].to_list() == ["to_csms", "to_charger"]
    assert result.rejects == []


def test_specific_families_beat_arrows() -> None:
    for layout in ["steve", "pyocpp", "evcc", "octt", "everest"]:
        sample = get_reader(layout).sample
        ours = get_reader(layout).sniff(sample)
        assert isinstance(ours, Match) and ours.confidence > 0.6


# --- arrows -----------------------------------------------------------------------------------

ARROWS = (
    "=== csms 1.2 starting, Timezone: +02:00 ===\n"
    "2025-03-03 10:00:00.000 INFO  [CP 1] connected (remote 10.0.0.7)\n"
    '2025-03-03 10:00:01.120 INFO  [CP 1] << [2,"1","BootNotification",'
    '{"chargePointVendor":"X","chargePointModel":"Y"}]\n'
    '2025-03-03 10:00:01.125 INFO  [CP 1] >> [3,"1",{"currentTime":"2025-03-03T08:00:01Z",'
    '"interval":300,"status":"Accepted"}]\n'
    "2025-03-03 10:00:02 DEBUG db pool ok -> 4 connections\n"
    'CP2 >> [2,"9","Heartbeat",{}]\n'
    '2025-03-03T08:00:03Z CP2: <- [2,"2","Heartbeat",{]\n'
    "\n"
    '2025-03-03 10:00:04,500 [INFO] CP2 => [2,"r1","Reset",{"type":"Soft"}]\n'
    "2025-03-03 10:00:05.000 INFO  Charger CP2 disconnected code=1006\n"
)


def test_arrows_golden() -> None:
    result = read("arrows", ARROWS)
    f = result.frames
    assert f["line"].to_list() == [3, 4, 7, 9]
    assert f["charger_id"].to_list() == ["CP 1", "CP 1", "CP2", "CP2"]
    assert f["direction"].to_list() == ["to_csms", "to_charger", "to_csms", "to_charger"]
    # zone-less times in the banner's +02:00; the Z time kept as UTC
    assert hms(result) == ["08:00:01.120", "08:00:01.125", "08:00:03.000", "08:00:04.500"]
    assert f["frame"][2] == '[2,"2","Heartbeat",{]'  # left for the envelope split to reject
    assert [(r.line, r.reason) for r in result.rejects] == [
        (6, "frame line without a readable timestamp")
    ]
    assert result.noise == 2  # banner and the DEBUG line (its "->" is not followed by a frame)
    assert result.lines == 10
    assert "times without a zone read as UTC+02:00 (from banner line 1)" in result.notes
    conns = result.connections
    assert conns is not None
    assert conns.select("charger_id", "event", "line").rows() == [
        ("CP 1", "connected", 2),
        ("CP2", "disconnected", 10),
    ]
    assert conns["ts"].dt.strftime("%H:%M").to_list() == ["08:00", "08:00"]


def test_arrows_through_ingest_rejects_bad_json() -> None:
    got = ingest_sources([Source("a.log", ARROWS.encode())], check_schemas=False)
    assert got.files[0].layout == "arrows"
    assert got.frames.height == 3
    reasons = sorted(r.reason for r in got.rejects)
    assert reasons[0] == "frame line without a readable timestamp"
    assert reasons[1].startswith("malformed frame")


def test_arrows_tz_option_wins_over_banner() -> None:
    result = read("arrows", ARROWS, tz="Europe/Berlin")
    assert hms(result)[0] == "09:00:01.120"
    assert "times without a zone read as Europe/Berlin (from --tz)" in result.notes


def test_arrows_flips_for_charger_side_logs() -> None:
    log = (
        '2025-03-03 08:00:00.000 [CP-9] >> [2,"1","BootNotification",{"chargePointVendor":"V",'
        '"chargePointModel":"M"}]\n'
        '2025-03-03 08:00:00.100 [CP-9] << [3,"1",{"status":"Accepted","interval":60,'
        '"currentTime":"2025-03-03T08:00:00Z"}]\n'
        '2025-03-03 08:00:10.000 [CP-9] -> [2,"2","Heartbeat",{}]\n'
    )
    assert read("arrows", log).verify_direction  # markers only say sent/received
    result = ingest_sources([Source("arrows.log", log.encode())])
    assert result.frames["direction"].to_list() == ["to_csms", "to_charger", "to_csms"]
    notes = result.files[0].notes
    assert any("other way round" in n for n in notes)
    assert "times without a zone read as UTC" in notes


# --- SteVe ------------------------------------------------------------------------------------

STEVE = (
    "[INFO ] 2024-01-01 10:00:00,000 de.rwth.idsg.steve.Application - Date/time zone of the "
    "application is set to Europe/Berlin. Current date/time: 2024-01-01T10:00:00.000+01:00\n"
    "[INFO ] 2024-01-01 10:00:00,900 de.rwth.idsg.steve.ocpp.ws.WebSocketLogger - "
    "[chargeBoxId=CB 7, sessionId=a1b2] Connection is established\n"
    "[INFO ] 2024-01-01 10:00:01,123 de.rwth.idsg.steve.ocpp.ws.WebSocketLogger - "
    '[chargeBoxId=CB 7, sessionId=a1b2] Received: [2,"id1","Heartbeat",{}]\n'
    "[DEBUG] 2024-01-01 10:00:01,130 de.rwth.idsg.steve.ocpp.ws.data.OcppJsonCall - parsed\n"
    "[INFO ] 2024-01-01 10:00:01,140 de.rwth.idsg.steve.ocpp.ws.WebSocketLogger - "
    '[chargeBoxId=CB 7, sessionId=a1b2] Sending: [3,"id1",{"currentTime":"2024-01-01T09:00:01Z"}]\n'
    "java.lang.IllegalStateException: boom\n"
    "\tat de.rwth.idsg.steve.Foo.bar(Foo.java:12)\n"
    '[INFO ] garbled WebSocketLogger - [chargeBoxId=CB 7, sessionId=a1b2] Received: [2,"x"]\n'
    "[WARN ] 2024-01-01 10:05:00,000 de.rwth.idsg.steve.ocpp.ws.WebSocketLogger - "
    "[chargeBoxId=CB 7, sessionId=a1b2] Connection is closed, status: CloseStatus[code=1006, "
    "reason=null]\n"
)


def test_steve_golden_bom_crlf() -> None:
    data = b"\xef\xbb\xbf" + STEVE.replace("\n", "\r\n").encode()
    result = read("steve", data)
    f = result.frames
    assert f["line"].to_list() == [3, 5]
    assert f["charger_id"].to_list() == ["CB 7", "CB 7"]
    assert f["direction"].to_list() == ["to_csms", "to_charger"]
    assert f["frame"][0] == '[2,"id1","Heartbeat",{}]'
    assert hms(result) == ["09:00:01.123", "09:00:01.140"]  # Berlin winter time = UTC+1
    assert "times without a zone read as Europe/Berlin (from banner line 1)" in result.notes
    assert [(r.line, r.reason) for r in result.rejects] == [
        (8, "frame line without a readable timestamp")
    ]
    assert result.noise == 4  # banner, DEBUG and the two traceback lines
    conns = result.connections
    assert conns is not None
    assert conns.select("event", "line").rows() == [("connected", 2), ("disconnected", 9)]
    assert conns["detail"][1] == "status: CloseStatus[code=1006, reason=null]"


# --- Python ocpp ------------------------------------------------------------------------------

PYOCPP = (
    "2024-12-10 12:19:50.000 INFO (MainThread) [homeassistant.bootstrap] Home Assistant "
    "initialized, time zone: UTC offset +0100\n"
    "2024-12-10 12:19:58.900 INFO (MainThread) [custom_components.ocpp.api] Charger "
    "CP_ID connected to 0.0.0.0:9000.\n"
    "2024-12-10 12:19:59.054 INFO (MainThread) [ocpp] CP_ID: receive message "
    '[2,"4","MeterValues",{"connectorId":1,"meterValue":[]}]\n'
    "2024-12-10 12:19:59.060 ERROR (MainThread) [ocpp] Error while handling request "
    "'<Call - unique_id=4, action=MeterValues, payload={'connectorId': 1}>'\n"
    "Traceback (most recent call last):\n"
    '  File "/usr/lib/python3.12/site-packages/ocpp/charge_point.py", line 300, in _handle_call\n'
    "    response = handler(**snake_case_payload)\n"
    "KeyError: 'meterValue'\n"
    "2024-12-10 12:19:59.070 INFO (MainThread) [ocpp] CP_ID: send "
    '[4,"4","InternalError","An unexpected error occurred.",{}]\n'
    "2024-12-10 12:20:00.000 DEBUG (MainThread) [homeassistant.core] Bus:Handling event\n"
)


def test_pyocpp_golden_traceback_is_noise() -> None:
    result = read("pyocpp", PYOCPP)
    f = result.frames
    assert f["line"].to_list() == [3, 9]
    assert f["charger_id"].to_list() == ["CP_ID", "CP_ID"]
    assert f["direction"].to_list() == ["to_csms", "to_charger"]
    assert hms(result) == ["11:19:59.054", "11:19:59.070"]
    assert result.noise == 7  # banner, ERROR line, 4 traceback lines, DEBUG
    assert result.rejects == []
    conns = result.connections
    assert conns is not None and conns["event"].to_list() == ["connected"]


PYOCPP_FORMATS = {
    # logging.basicConfig(format="%(asctime)s %(levelname)s:%(name)s:%(message)s")
    "std": (
        "2024-05-01 10:00:00,001 INFO:websockets.server:connection open\n"
        '2024-05-01 10:00:00,120 INFO:ocpp:CP_1: receive message [2,"a1","Heartbeat",{}]\n'
        '2024-05-01 10:00:00,125 INFO:ocpp:CP_1: send [3,"a1",{"currentTime":"x"}]\n'
    ),
    # format="%(asctime)s - %(name)s - %(levelname)s - %(message)s", an id with a blank
    "dash": (
        "2024-05-01 10:00:00,001 - root - INFO - Server started listening\n"
        '2024-05-01 10:00:00,120 - ocpp - INFO - CP 1: receive message [2,"a1","Heartbeat",{}]\n'
        '2024-05-01 10:00:00,125 - ocpp - INFO - CP 1: send [3,"a1",{"currentTime":"x"}]\n'
    ),
    # format="%(asctime)s %(levelname)s %(message)s": no logger name
    "plain": (
        "2024-05-01T10:00:00.001 INFO Server started listening\n"
        '2024-05-01T10:00:00.120 INFO CP_1: receive message [2,"a1","Heartbeat",{}]\n'
        '2024-05-01T10:00:00.125 INFO CP_1: send [3,"a1",{"currentTime":"x"}]\n'
    ),
}


@pytest.mark.parametrize("fmt", sorted(PYOCPP_FORMATS))
def test_pyocpp_reads_the_common_logging_formats(fmt: str) -> None:
    text = PYOCPP_FORMATS[fmt]
    sniffs = {n: r.sniff(text) for n, r in all_readers().items() if n != "custom"}
    assert [n for n, s in sniffs.items() if isinstance(s, Match)] == ["pyocpp"]
    result = read("pyocpp", text)
    f = result.frames
    assert f["line"].to_list() == [2, 3]
    assert f["charger_id"].to_list() == ["CP 1" if fmt == "dash" else "CP_1"] * 2
    assert f["direction"].to_list() == ["to_csms", "to_charger"]
    assert f["frame"].to_list() == ['[2,"a1","Heartbeat",{}]', '[3,"a1",{"currentTime":"x"}]']
    assert hms(result) == ["10:00:00.120", "10:00:00.125"]
    assert result.noise == 1
    assert result.rejects == []


def test_pyocpp_lines_without_a_time_are_named_with_the_way_out() -> None:
    text = (
        "INFO:websockets.server:connection open\n"
        'INFO:ocpp:CP_1: receive message [2,"a1","Heartbeat",{}]\n'
        'INFO:ocpp:CP_1: send [3,"a1",{"currentTime":"x"}]\n'
    )
    sniff = get_reader("pyocpp").sniff(text)
    assert isinstance(sniff, NoMatch)
    assert "without a time" in sniff.reason and "%(asctime)s" in sniff.reason


# --- evcc -------------------------------------------------------------------------------------

EVCC = (
    "[main  ] INFO 2024/08/23 08:40:00 evcc 0.131.0\n"
    "[ocpp  ] DEBUG 2024/08/23 08:44:00 charge point connected: SN123\n"
    '[ocpp  ] TRACE 2024/08/23 08:44:04 recv SN123: [2,"3328","DataTransfer",'
    '{"vendorId":"x","data":"recv A: [1]"}]\n'
    '[ocpp  ] TRACE 2024/08/23 08:44:04 send SN123: [3,"3328",{"status":"Accepted"}]\n'
    "[lp-1  ] DEBUG 2024/08/23 08:44:05 charge power: 0W\n"
    '[ocpp  ] TRACE send SN123: [2,"a","GetConfiguration",{}]\n'
)


def test_evcc_golden_local_time_default_utc() -> None:
    result = read("evcc", EVCC)
    f = result.frames
    assert f["line"].to_list() == [3, 4]
    assert f["charger_id"].to_list() == ["SN123", "SN123"]
    assert f["direction"].to_list() == ["to_csms", "to_charger"]
    assert f["frame"][0].endswith('"data":"recv A: [1]"}]')
    assert hms(result) == ["08:44:04.000", "08:44:04.000"]
    assert "times without a zone read as UTC" in result.notes
    assert [r.line for r in result.rejects] == [6]
    assert result.noise == 2
    conns = result.connections
    assert conns is not None and conns.select("charger_id", "event").rows() == [
        ("SN123", "connected")
    ]


def test_evcc_tz_offset_option() -> None:
    result = read("evcc", EVCC, tz="+02:00")
    assert hms(result)[0] == "06:44:04.000"
    assert "times without a zone read as UTC+02:00 (from --tz)" in result.notes


# --- OCTT -------------------------------------------------------------------------------------

OCTT = (
    "Test case: TC_B_06_CS Get Variables - single value\n"
    "OCPP version: 2.0.1\n"
    "Charging station: CS-Ä 1\n"
    "[2024-05-17T09:20:40:000] [info] Waiting for connection\n"
    '[2024-05-17T09:20:43:732] [msg-out] [2, "g1", "GetVariables", {"getVariableData": '
    '[{"component": {"name": "OCPPCommCtrlr"}, "variable": {"name": "HeartbeatInterval"}}]}]\n'
    '[2024-05-17T09:20:43:901] [msg-in] [3, "g1", {"getVariableResult": []}]\n'
    "[2024-05-17T09:20:44:000] [msg-in] not json at all\n"
    "[2024-05-17T09:20:45:000] [verdict] PASS\n"
)


def test_octt_golden_header_charger() -> None:
    result = read("octt", OCTT)
    f = result.frames
    assert f["line"].to_list() == [5, 6, 7]
    assert f["charger_id"].unique().to_list() == ["CS-Ä 1"]
    assert f["direction"].to_list() == ["to_charger", "to_csms", "to_csms"]
    assert hms(result)[:2] == ["09:20:43.732", "09:20:43.901"]
    assert result.noise == 5
    assert "charger id taken from the log header (CS-Ä 1)" in result.notes


def test_octt_without_header_uses_file_stem_and_flips_when_testing_a_csms() -> None:
    log = (
        '[2024-05-17T09:20:43:732] [msg-out] [2, "b", "BootNotification", '
        '{"reason": "PowerUp", "chargingStation": {"model": "m", "vendorName": "v"}}]\n'
        '[2024-05-17T09:20:43:800] [msg-in] [3, "b", {"status": "Accepted"}]\n'
    )
    result = ingest_sources([Source("runs/TC_C_01_CSMS.txt", log.encode())])
    assert result.frames["charger_id"].to_list() == ["TC_C_01_CSMS"] * 2
    assert result.frames["direction"].to_list() == ["to_csms", "to_charger"]
    notes = result.files[0].notes
    assert any("file name (TC_C_01_CSMS)" in n for n in notes)
    assert any("other way round" in n for n in notes)


# --- EVerest ----------------------------------------------------------------------------------

EVEREST = (
    "2025-01-01T10:00:00.000Z: SYS> Session logging started. \n"
    "\n"
    "\n"
    "2025-01-01T10:00:00.123Z: ChargePoint>CentralSystem BootNotification \n"
    "[\n"
    "  2,\n"
    '  "19226",\n'
    '  "BootNotification",\n'
    "  {\n"
    '    "chargePointModel": "Yeti",\n'
    '    "chargePointVendor": "Pionix"\n'
    "  }\n"
    "]\n"
    "\n"
    "2025-01-01T10:00:00.456Z: CentralSystem>ChargePoint  BootNotificationResponse\n"
    "[\n"
    "  3,\n"
    '  "19226",\n'
    "  {\n"
    '    "currentTime": "2025-01-01T10:00:00.400Z",\n'
    '    "interval": 300,\n'
    '    "status": "Accepted"\n'
    "  }\n"
    "]\n"
    "\n"
    "2025-01-01T10:00:01.000Z: ChargingStation>CSMS Heartbeat \n"
    "[\n"
    "  2,\n"
    '  "19227",\n'
    "\n"
    "2025-01-01T10:00:02.000Z: CSMS>ChargingStation  HeartbeatResponse\n"
    '[3, "19227", {"currentTime": "2025-01-01T10:00:02.000Z"}]\n'
)


def test_everest_golden_multiline_records_crlf() -> None:
    result = read("everest", EVEREST.replace("\n", "\r\n"), name="logs/cp-yeti.log")
    f = result.frames
    assert f["line"].to_list() == [4, 15, 26, 31]
    assert f["direction"].to_list() == ["to_csms", "to_charger", "to_csms", "to_charger"]
    assert f["charger_id"].unique().to_list() == ["cp-yeti"]
    assert hms(result) == ["10:00:00.123", "10:00:00.456", "10:00:01.000", "10:00:02.000"]
    assert result.noise == 1  # the SYS record
    assert result.lines == 32
    assert not any("zone" in n for n in result.notes)  # RFC 3339 times carry their zone
    got = ingest_sources([Source("cp-yeti.log", EVEREST.encode())], check_schemas=False)
    assert got.frames.height == 3
    assert got.frames["action"].to_list()[:2] == ["BootNotification", "BootNotification"]
    assert [r.line for r in got.rejects] == [26]  # the truncated Heartbeat record


def test_everest_charger_banner() -> None:
    text = "2025-01-01T09:59:59.000Z: SYS> ChargePointId: CP 42 \n\n\n" + EVEREST
    result = read("everest", text)
    assert result.frames["charger_id"].unique().to_list() == ["CP 42"]


@pytest.mark.parametrize("gap", ["\n\n", "\n\n\n", "\n\n\n\n"])
def test_everest_records_split_in_halves_as_in_one_pass(
    gap: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    everest = importlib.import_module("chargescope.readers.everest")
    record = (
        '2025-01-01T10:00:00.000Z: ChargePoint>CentralSystem Heartbeat\n[2, "1", "Heartbeat", {}]'
    )
    log = gap.join([record] * 6) + "\n"
    for pad in range(0, 2 * (len(record) + len(gap))):  # the middle passes every place
        data = ("#" * pad + gap + log).encode()
        monkeypatch.setattr(everest, "COMPILED", False)  # halves are Arrow's way
        monkeypatch.setattr(everest, "_HALVE_FROM", 1 << 30)
        whole, lines = everest.records(data)
        monkeypatch.setattr(everest, "_HALVE_FROM", 1)
        halved, halved_lines = everest.records(data)
        assert halved.equals(whole) and halved_lines == lines, pad


_RECORD_BYTES = st.lists(
    st.sampled_from([b"\n", b"\n\n", b"a", b"]", b" ", b"\t", "\u00e9".encode(), b"\xff"]),
    max_size=40,
).map(b"".join)


@settings(max_examples=300, deadline=None)
@given(_RECORD_BYTES)
def test_everest_compiled_cut_is_arrows(data: bytes) -> None:
    """The compiled record cut gives Arrow's records, line numbers and line count."""
    everest = importlib.import_module("chargescope.readers.everest")
    assert everest.COMPILED, "the compiled module was not built at install"
    try:
        want = everest._cut_arrow(data)
    except pl.exceptions.ComputeError:
        with pytest.raises(pl.exceptions.ComputeError):
            everest._cut(data)
        return
    body, line, newlines = everest._cut(data)
    assert body.to_list() == want[0].to_list()
    assert line.to_list() == want[1].to_list()
    assert newlines == want[2]


@pytest.mark.parametrize(
    ("data", "lines"),
    [
        (b"", [1]),
        (b"\n", [2]),
        (b"\n\n", [1, 3]),
        (b"a\n\n\nb\nc\n\n\n\n", [1, 4, 7, 9]),
        (b"\nx\n\n\ny", [2, 5]),
    ],
)
def test_everest_record_lines(data: bytes, lines: list[int]) -> None:
    """Each record's first line, by either cut."""
    everest = importlib.import_module("chargescope.readers.everest")
    assert everest._cut(data)[1].to_list() == lines
    assert everest._cut_arrow(data)[1].to_list() == lines


def test_everest_a_payload_is_never_a_banner() -> None:
    said = (
        "2025-01-01T10:00:03.000Z: ChargePoint>CentralSystem DataTransfer\n"
        '[2, "19228", "DataTransfer", {"vendorId": "x", "data": "chargerId: CP-OTHER"}]\n'
    )
    text = "2025-01-01T09:59:59.000Z: SYS> ChargePointId: CP 42 \n\n\n" + EVEREST + "\n" + said
    result = read("everest", text)
    assert result.frames["charger_id"].unique().to_list() == ["CP 42"]
    assert result.frames["frame"][-1].startswith('[2, "19228"')


# --- noise, empty and broken input ------------------------------------------------------------


@pytest.mark.parametrize("layout", FAMILIES)
def test_empty_and_noise_only(layout: str) -> None:
    for text in ["", "\n\n", "\ufeff", "just a banner\nand noise\r\n"]:
        result = read(layout, text)
        assert result.frames.height == 0
        assert result.rejects == []
        assert result.noise == (2 if "banner" in text else 0)


@pytest.mark.parametrize("layout", FAMILIES)
def test_binary_garbage_never_raises(layout: str) -> None:
    data = bytes(range(256)) * 4 + b"\n\x1f[2,\n\xff\xfe >> [ \n"
    result = read(layout, data)
    assert result.frames.height + len(result.rejects) + result.noise <= result.lines


# --- writers and round trips ------------------------------------------------------------------


@pytest.mark.parametrize("layout", ["arrows", "steve", "pyocpp", "octt", "everest"])
def test_round_trip_exact(reference: pl.DataFrame, layout: str) -> None:
    before, after, got = roundtrip(reference, layout)
    assert after.equals(before), layout
    assert got.files[0].noise > 0  # the writers add banner/noise lines


def test_round_trip_evcc_to_the_second(reference: pl.DataFrame) -> None:
    before, after, _ = roundtrip(reference, "evcc")
    keep = [c for c in COMPARED if c not in ("ts", "latency_ms")]
    assert after.select(keep).equals(before.select(keep))
    assert after["ts"].equals(before["ts"].dt.truncate("1s"))


@pytest.mark.parametrize("layout", ["arrows", "steve", "pyocpp", "evcc"])
def test_writers_carry_connections(reference: pl.DataFrame, layout: str) -> None:
    conns = pl.DataFrame(
        {
            "ts": ["2025-03-03T07:59:59.000Z", "2025-03-03T09:30:00.000Z"],
            "charger_id": ["CP-16/A 1", "CP-16/A 1"],
            "event": ["connected", "disconnected"],
            "detail": [None, None],
            "line": [0, 0],
        }
    ).with_columns(pl.col("ts").str.to_datetime(time_unit="ms", time_zone="UTC"))
    buf = io.BytesIO()
    get_writer(layout)(reference, conns, buf)
    got = ingest_sources([Source(f"c.{layout}", buf.getvalue())], check_schemas=False)
    assert got.files[0].layout == layout
    assert got.connections.select("ts", "charger_id", "event").equals(
        conns.select("ts", "charger_id", "event")
    )
    assert got.frames.height == reference.height


def test_written_logs_state_their_zone(reference: pl.DataFrame) -> None:
    for layout in ["steve", "pyocpp", "evcc", "octt"]:
        buf = io.BytesIO()
        get_writer(layout)(reference, None, buf)
        result = read(layout, buf.getvalue())
        assert any("UTC (from banner line" in n for n in result.notes), layout


# --- the fast path reads exactly what the general path reads ------------------------------------

_FRAGMENTS = [
    "[", "]", ": ", " ", "  ", "\t", ":", ",", "-", ">", "<", ">>", "<<", "->", "=>", "\n",
    "[chargeBoxId=", ", sessionId=", "] Received: ", "] Sending: ", "[ocpp] ", "receive message ",
    ": send ", "recv ", "send ", "[msg-in]", "[msg-out]", "Z", " UTC", "GMT", "+02:00", "7", "12",
    "Ä", "é", "\u00a0", "x", "CP 1", "[CP-1] ", "ChargePoint>CentralSystem", "CSMS>ChargingStation",
    ",999", ".5", "T", "2025-13-01", "ChargePointId: X",
]  # fmt: skip


def _mutate(rng: random.Random, line: str) -> str:
    """The line with a few fragments inserted, characters dropped or the line cut."""
    for _ in range(rng.randint(0, 3)):
        at = rng.randint(0, len(line))
        what = rng.random()
        if what < 0.6:
            line = line[:at] + rng.choice(_FRAGMENTS) + line[at:]
        elif what < 0.85:
            line = line[:at] + line[at + rng.randint(1, 3) :]
        else:
            line = line[:at]
    return line


def _read_with(layout_name: str, data: bytes, fast: bool) -> ReadResult:
    module = importlib.import_module(f"chargescope.readers.{layout_name}")
    layout = module.LAYOUT if fast else dataclasses.replace(module.LAYOUT, fast=None)
    source, options = Source(f"{layout_name}.log", data), ReadOptions(tz="Europe/Berlin")
    if layout_name != "everest":
        return read_layout(source, layout, options)
    recs, _ = module.records(source.data)
    return read_lines(recs, layout, options, source)


@pytest.mark.parametrize("layout", FAMILIES)
def test_fast_path_reads_like_the_general_path(
    reference: pl.DataFrame, layout: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert importlib.import_module(f"chargescope.readers.{layout}").LAYOUT.fast is not None
    monkeypatch.setattr("chargescope.readers.textlog.FAST_FROM_LINES", 0)  # short logs too
    buf = io.BytesIO()
    get_writer(layout)(reference.head(40), None, buf)
    sep = "\n\n" if layout == "everest" else "\n"
    good = buf.getvalue().decode().split(sep)
    rng = random.Random(layout)
    for _ in range(60):
        lines = [_mutate(rng, x) if rng.random() < 0.3 else x for x in good]
        data = sep.join(lines).encode()
        fast, general = _read_with(layout, data, True), _read_with(layout, data, False)
        assert fast.frames.equals(general.frames)
        assert fast.frames.height > 0
        assert [(r.line, r.raw, r.reason) for r in fast.rejects] == [
            (r.line, r.raw, r.reason) for r in general.rejects
        ]
        assert (fast.noise, fast.lines, fast.notes) == (general.noise, general.lines, general.notes)
        if general.connections is not None:
            assert fast.connections is not None
            assert fast.connections.equals(general.connections)


# --- logs read together read as each alone ---------------------------------------------------


def _bytes_twist(rng: random.Random, lines: list[str]) -> bytes:
    """The lines as bytes, maybe with a BOM, CRLF, a final line break, a stray CR or field
    separator, or a byte that is not UTF-8."""
    end = "\r\n" if rng.random() < 0.2 else "\n"
    text = end.join(lines) + (end if rng.random() < 0.5 else "")
    odd = rng.random()
    if odd < 0.05:
        text = text.replace("]", "]\r", 1)
    elif odd < 0.1:
        text = text.replace("{", "{\x1f", 1)
    data = text.encode()
    if 0.1 <= odd < 0.2:
        data = data.replace(b"[", b"\xff[", 1)
    return (b"\xef\xbb\xbf" if rng.random() < 0.2 else b"") + data


_HEADERS = ["Timezone: +02:00", "TZ=Europe/Berlin", "ChargePointId: CP-B", "server started", ""]


@pytest.mark.parametrize("fast", [False, True])
@pytest.mark.parametrize("layout", [f for f in FAMILIES if f != "everest"])
def test_logs_read_together_read_as_each_alone(
    reference: pl.DataFrame, layout: str, fast: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    if fast:
        monkeypatch.setattr("chargescope.readers.textlog.FAST_FROM_LINES", 0)
    module = importlib.import_module(f"chargescope.readers.{layout}")
    buf = io.BytesIO()
    get_writer(layout)(reference.head(40), None, buf)
    good = buf.getvalue().decode().split("\n")
    rng = random.Random(f"{layout}-{fast}")
    for _ in range(25):
        sources = []
        for j in range(rng.randint(1, 5)):
            start = rng.randint(0, 10)
            lines = [_mutate(rng, x) if rng.random() < 0.3 else x for x in good[start:]]
            lines = lines[: rng.randint(0, len(lines))]
            if rng.random() < 0.5:
                lines.insert(0, rng.choice(_HEADERS))
            sources.append(Source(f"logs/CP-{j}.log", _bytes_twist(rng, lines)))
        together = read_layout_many(sources, module.LAYOUT, ReadOptions())
        for got, source in zip(together, sources, strict=True):
            assert_same_read(got, read_layout(source, module.LAYOUT, ReadOptions()))
