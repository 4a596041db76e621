"""The tabular sheet layout (seed 000): golden reads, message-type spellings, round trip."""

from __future__ import annotations

import polars as pl

from chargescope.ingest import ingest_sources
from chargescope.readers import all_readers
from chargescope.readers.base import Match, NoMatch, ReadOptions, Source
from chargescope.readers.sheet import SheetReader
from tests.roundtrip import roundtrip

SHEET = """Timestamp,Charger ID,Direction,Message Type,Payload
2025-03-03 08:00:00,CP-1,Charger to Server,BootNotification.req,"{""chargePointVendor"":""ACME"",""chargePointModel"":""X1""}"
2025-03-03 08:00:00,CP-1,Server to Charger,BootNotification.conf,"{""status"":""Accepted"",""currentTime"":""2025-03-03T08:00:00Z"",""interval"":300}"
2025-03-03 08:00:30,CP-1,CP→CSMS,Heartbeat,{}
2025-03-03 08:00:31,CP-1,CSMS→CP,HeartbeatResponse,"{""currentTime"":""2025-03-03T08:00:31Z""}"

2025-03-03 08:01:00,CP-1,incoming,Authorize,"{""idTag"":""BAD""}"
2025-03-03 08:01:01,CP-1,outgoing,Authorize Response,"{""idTagInfo"":{""status"":""Invalid""}}"
2025-03-03 08:02:00,CP-1,Server to Charger,Reset,"{""type"":""Soft""}"
2025-03-03 08:02:01,CP-1,Charger to Server,Reset.error,"{""errorCode"":""NotSupported"",""errorDescription"":""no""}"
2025-03-03 08:03:00,CP-1,Charger to Server,CALLERROR,"{""code"":""InternalError""}"
yesterday,CP-1,Charger to Server,Heartbeat,{}
2025-03-03 08:04:00,CP-1,Charger to Server,Heartbeat,{not json
2025-03-03 08:05:00,CP-1,Charger to Server,Heartbeat,"[2,""x9"",""Heartbeat"",{}]"
"""
#: The sheet without the row whose payload cell holds a whole frame.
PARTS_ONLY = SHEET.replace('"[2,""x9"",""Heartbeat"",{}]"', "{}")


def test_sniff_sample_and_seed_header() -> None:
    reader = SheetReader()
    assert isinstance(reader.sniff(reader.sample), Match)
    assert reader.sniff(SHEET).confidence == 0.9  # type: ignore[union-attr]
    loose = "Time Stamp;ChargerId;direction;message_type;payload\n"
    assert isinstance(reader.sniff(loose), Match)


def test_sniff_declines_the_other_layouts() -> None:
    reader = SheetReader()
    for name, other in all_readers().items():
        if name != "sheet":
            assert isinstance(reader.sniff(other.sample), NoMatch), name


def test_other_readers_decline_the_sheet() -> None:
    for name, other in all_readers().items():
        if name != "sheet":
            assert isinstance(other.sniff(SheetReader.sample), NoMatch), name


def test_golden_read() -> None:
    data = b"\xef\xbb\xbf" + SHEET.replace("\n", "\r\n").encode()
    result = SheetReader().read(Source("sheet.csv", data), ReadOptions())
    f = result.frames
    assert f["line"].to_list() == [2, 3, 4, 5, 7, 8, 9, 10, 11, 13, 14]
    assert f["message_type"].to_list() == [2, 3, 2, 3, 2, 3, 2, 4, 4, 2, None]
    assert f["action"].to_list()[:9] == [
        "BootNotification",
        "BootNotification",
        "Heartbeat",
        "Heartbeat",
        "Authorize",
        "Authorize",
        "Reset",
        "Reset",
        None,
    ]
    assert f["direction"].to_list()[:4] == ["to_csms", "to_charger", "to_csms", "to_charger"]
    assert f["error_code"].to_list()[7:9] == ["NotSupported", "InternalError"]
    assert f["frame"].to_list()[10] == '[2,"x9","Heartbeat",{}]'
    assert [(r.line, r.reason) for r in result.rejects] == [(12, "no readable timestamp")]
    assert result.notes == ["times without a zone read as UTC"]
    assert result.lines == 14


def test_ingest_pairs_by_action_and_rejects_bad_payload() -> None:
    ing = ingest_sources([Source("sheet.csv", PARTS_ONLY.encode())])
    f = ing.frames
    assert ing.files[0].layout == "sheet"
    assert f.height == 10
    assert f.filter(pl.col("line").is_in([2, 3]))["peer_id"].to_list() == [1, 0]
    assert f.filter(pl.col("action") == "Reset")["message_type"].to_list() == [
        "CALL",
        "CALLERROR",
    ]
    reasons = sorted((r.line, r.reason) for r in ing.rejects)
    assert reasons == [
        (12, "no readable timestamp"),
        (13, "malformed frame: payload is not valid JSON"),
    ]


def test_roundtrip(reference: pl.DataFrame) -> None:
    before, after, _ = roundtrip(reference, "sheet")
    # the sheet carries no message ids: answers pair with the call of the same action
    assert after["unique_id"].is_null().all()
    assert before.drop("unique_id").equals(after.drop("unique_id"))


def test_ingest_mixes_whole_frames_and_payload_rows() -> None:
    ing = ingest_sources([Source("sheet.csv", SHEET.encode())])
    assert ing.frames.filter(pl.col("unique_id") == "x9").height == 1


def test_unpaired_error_without_action_keeps_no_action() -> None:
    ing = ingest_sources([Source("sheet.csv", PARTS_ONLY.encode())])
    assert ing.frames.filter(pl.col("line") == 11)["action"].to_list() == [None]
