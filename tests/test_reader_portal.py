"""The eCarUp portal export (seed 004): newest first, second resolution, UTC, ; or , delimiters."""

from __future__ import annotations

import io

import polars as pl

from chargescope.ingest import ingest_sources
from chargescope.readers import all_readers
from chargescope.readers.base import Match, NoMatch, ReadOptions, Source
from chargescope.readers.portal import PortalReader
from chargescope.writers import get_writer
from tests.roundtrip import roundtrip

# newest first, as the portal lists it; the Authorize pair shares one second
PORTAL = """Date;Station;Type;Action;Message
14.08.2025 11:40:45;Garage 1;Response Out;StartTransaction;"[3,""33736216"",{""transactionId"":41,""idTagInfo"":{""status"":""Accepted""}}]"
14.08.2025 11:40:44;Garage 1;Request In;StartTransaction;[2,“33736216”,“StartTransaction”,{“connectorId”:1,“meterStart”:9664049,“idTag”:“”,‘timestamp’:“2025-08-14T11:40:44Z”}]
14.08.2025 11:40:40;Garage 1;Response Out;Authorize;[3, “6b2ff788”, {“idTagInfo”:{“status”:“Invalid”}}]
14.08.2025 11:40:40;Garage 1;Request In;Authorize;[2, “6b2ff788”, “Authorize”, {‘idTag’:“xxxxx”}]

14.08.2025 11:39:00;Garage 1;Request Out;GetConfiguration;"[2,""g1"",""GetConfiguration"",{}]"
14.08.2025;Garage 1;Request In;Heartbeat;"[2,""h0"",""Heartbeat"",{}]"
14.08.2025 11:38:00;Garage 1;Request In;Heartbeat;not a frame
14.08.2025 11:37:00;Garage 1;Response In;Reset;"[3,""r1"",{""status"":""Accepted""}]"
14.08.2025 11:36:59;Garage 1;Request Out;Reset;"[2,""r1"",""Reset"",{""type"":""Soft""}]"
"""


def test_sniff() -> None:
    reader = PortalReader()
    assert isinstance(reader.sniff(reader.sample), Match)
    assert isinstance(reader.sniff(PORTAL.replace(";", ",")), Match)
    german = "Datum;Station;Typ;Aktion;Nachricht\n"
    assert isinstance(reader.sniff(german), Match)
    for name, other in all_readers().items():
        if name != "portal":
            assert isinstance(reader.sniff(other.sample), NoMatch), name
            assert isinstance(other.sniff(reader.sample), NoMatch), name


def test_golden_read_newest_first() -> None:
    data = b"\xef\xbb\xbf" + PORTAL.replace("\n", "\r\n").encode("utf-8")
    result = PortalReader().read(Source("portal.csv", data), ReadOptions())
    f = result.frames
    # reversed to time order; the shared second keeps the request before its answer
    assert f["line"].to_list() == [11, 10, 9, 7, 5, 4, 3, 2]
    assert f["direction"].to_list() == [
        "to_charger",
        "to_csms",
        "to_csms",
        "to_charger",
        "to_csms",
        "to_charger",
        "to_csms",
        "to_charger",
    ]
    assert f["action"].to_list()[0] == "Reset"
    assert [(r.line, r.reason) for r in result.rejects] == [(8, "no readable timestamp")]
    assert result.notes == [
        "times read as UTC (the portal exports UTC)",
        "rows were newest first: read in reverse",
    ]
    assert result.lines == 11


def test_quoted_message_spanning_lines_keeps_later_line_numbers() -> None:
    pretty = PORTAL.replace('{""transactionId""', '{\n  ""transactionId""')
    result = PortalReader().read(Source("portal.csv", pretty.encode()), ReadOptions())
    # the first row's message takes two lines: every later row moves down one
    assert result.frames["line"].to_list() == [12, 11, 10, 8, 6, 5, 4, 2]
    assert [(r.line, r.reason) for r in result.rejects] == [(9, "no readable timestamp")]


def test_ingest_repairs_quotes_and_pairs() -> None:
    ing = ingest_sources([Source("portal.csv", PORTAL.encode())])
    f = ing.frames
    assert ing.files[0].layout == "portal"
    assert f["unique_id"].to_list() == [
        "r1",
        "r1",
        "g1",
        "6b2ff788",
        "6b2ff788",
        "33736216",
        "33736216",
    ]
    assert f.filter(pl.col("unique_id") == "6b2ff788")["peer_id"].to_list() == [4, 3]
    assert f.filter(pl.col("line") == 5)["payload"].item() == '{"idTag":"xxxxx"}'
    assert [(r.line, r.reason.split(":")[0]) for r in ing.rejects] == [
        (8, "no readable timestamp"),
        (9, "malformed frame"),
    ]


def test_tz_option_and_comma_delimiter() -> None:
    text = PORTAL.replace(";", ",")
    result = PortalReader().read(Source("p.csv", text.encode()), ReadOptions(tz="Europe/Zurich"))
    assert result.frames["ts"].dt.strftime("%H:%M:%S").to_list()[-1] == "09:40:45"
    assert result.notes[0] == "times without a zone read as Europe/Zurich (--tz)"


def test_roundtrip(reference: pl.DataFrame) -> None:
    before, after, _ = roundtrip(reference, "portal")
    # the portal keeps seconds only: compare to the second, latencies cannot survive
    second = pl.col("ts").dt.truncate("1s")
    expect = before.with_columns(second).drop("latency_ms")
    assert expect.equals(after.drop("latency_ms"))


def test_writer_is_newest_first_and_second_resolution(reference: pl.DataFrame) -> None:
    buf = io.BytesIO()
    get_writer("portal")(reference, None, buf)
    lines = buf.getvalue().decode().splitlines()
    assert lines[0] == "Date;Station;Type;Action;Message"
    assert lines[1].startswith("03.03.2025 09:00:00;CP-16/A 1;Response Out;BootNotification;")
