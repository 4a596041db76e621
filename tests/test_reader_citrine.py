"""CitrineOS message export and kWwhat input CSV: golden reads, frame-or-payload, round trips."""

from __future__ import annotations

import polars as pl

from chargescope.ingest import ingest_sources
from chargescope.readers import all_readers
from chargescope.readers.base import Match, NoMatch, ReadOptions, Source
from chargescope.readers.citrine import CitrineReader, KwwhatReader
from tests.roundtrip import roundtrip

CITRINE = """ocppConnectionName,correlationId,timestamp,origin,protocol,action,message
CS-01,c-2,2025-03-03T08:00:02.000Z,csms,ocpp2.0.1,RequestStopTransaction,"{""transactionId"":""tx1""}"
CS-01,c-2,2025-03-03T08:00:02.300Z,cs,ocpp2.0.1,RequestStopTransaction,"{""status"":""Accepted""}"
CS-01,b-1,2025-03-03T08:00:00.000Z,cs,ocpp2.0.1,BootNotification,"[2,""b-1"",""BootNotification"",{""reason"":""PowerUp"",""chargingStation"":{""model"":""M"",""vendorName"":""V""}}]"
CS-01,b-1,2025-03-03T08:00:00.090Z,csms,ocpp2.0.1,BootNotification,"[3,""b-1"",{""currentTime"":""2025-03-03T08:00:00Z"",""interval"":300,""status"":""Accepted""}]"

CS-01,x,,cs,ocpp2.0.1,Heartbeat,"[2,""x"",""Heartbeat"",{}]"
CS-01,e-1,2025-03-03T08:00:03.000Z,csms,ocpp2.0.1,Reset,"[2,""e-1"",""Reset"",{""type"":""Immediate""}]"
CS-01,e-1,2025-03-03T08:00:03.100Z,cs,ocpp2.0.1,Reset,"[4,""e-1"",""NotImplemented"",""no"",{}]"
"""

KWWHAT = """timestamp,id,action,msg
2025-08-18T12:00:00.000Z,CH-001,BootNotification,"[2,""boot-a7fc3"",""BootNotification"",{""chargePointVendor"":""ACME"",""chargePointModel"":""U""}]"
2025-08-18T12:00:00.050Z,CH-001,,"[3,""boot-a7fc3"",{""status"":""Accepted"",""currentTime"":""2025-08-18T12:00:00.000Z"",""interval"":300}]"
2025-08-18T12:00:16.000Z,CH-001,RemoteStartTransaction,"[2,""start-ad737"",""RemoteStartTransaction"",{""connectorId"":1,""idTag"":""ABC""}]"
2025-08-18T12:00:16.100Z,CH-001,,"[3,""start-ad737"",{""status"":""Accepted""}]"
2025-08-18T12:00:17.000Z,CH-002,,"[3,""orphan"",{}]"
garbage line
"""


def test_sniff_each_declines_the_others() -> None:
    for reader in (CitrineReader(), KwwhatReader()):
        assert isinstance(reader.sniff(reader.sample), Match)
        for name, other in all_readers().items():
            if name != reader.name:
                assert isinstance(reader.sniff(other.sample), NoMatch), (reader.name, name)
                assert isinstance(other.sniff(reader.sample), NoMatch), (name, reader.name)


def test_citrine_golden_frame_or_payload() -> None:
    data = b"\xef\xbb\xbf" + CITRINE.replace("\n", "\r\n").encode()
    result = CitrineReader().read(Source("c.csv", data), ReadOptions())
    f = result.frames
    assert f["line"].to_list() == [2, 3, 4, 5, 8, 9]  # mostly forward: kept as written
    assert f["direction"].to_list() == [
        "to_charger",
        "to_csms",
        "to_csms",
        "to_charger",
        "to_charger",
        "to_csms",
    ]
    assert f["frame"].is_null().to_list() == [True, True, False, False, False, False]
    # payload rows carry no kind: ingest tells call from answer by action and direction
    assert f.filter(pl.col("line") == 2)["message_type"].item() is None
    assert [(r.line, r.reason) for r in result.rejects] == [(7, "no readable timestamp")]
    assert result.notes == []


def test_citrine_ingest() -> None:
    ing = ingest_sources([Source("c.csv", CITRINE.encode())])
    f = ing.frames
    assert ing.files[0].layout == "citrine"
    assert f["line"].to_list() == [4, 5, 2, 3, 8, 9]
    assert f["direction"].to_list() == [
        "to_csms",
        "to_charger",
        "to_charger",
        "to_csms",
        "to_charger",
        "to_csms",
    ]
    assert f["message_type"].to_list()[-1] == "CALLERROR"
    assert f["peer_id"].to_list() == [1, 0, 3, 2, 5, 4]
    assert f["unique_id"].to_list()[2:4] == ["c-2", "c-2"]


def test_kwwhat_golden() -> None:
    result = KwwhatReader().read(Source("k.csv", KWWHAT.encode()), ReadOptions())
    f = result.frames
    assert f["line"].to_list() == [2, 3, 4, 5, 6]
    # the file names no action for answers: ingest takes it from their call (below)
    assert f["action"].to_list() == [
        "BootNotification",
        None,
        "RemoteStartTransaction",
        None,
        None,
    ]
    assert result.noise == 1
    assert result.rejects == []


def test_kwwhat_ingest() -> None:
    ing = ingest_sources([Source("k.csv", KWWHAT.encode())])
    f = ing.frames
    assert ing.files[0].layout == "kwwhat"
    # answers take their call's action, so the pipeline can tell their direction
    assert f["action"].to_list() == [
        "BootNotification",
        "BootNotification",
        "RemoteStartTransaction",
        "RemoteStartTransaction",
    ]
    assert f["direction"].to_list() == ["to_csms", "to_charger", "to_charger", "to_csms"]
    assert [(r.line, r.reason.split(" (")[0]) for r in ing.rejects] == [(6, "direction unknown")]


def test_roundtrip_citrine(reference: pl.DataFrame) -> None:
    before, after, _ = roundtrip(reference, "citrine")
    assert before.equals(after)


def test_roundtrip_kwwhat(reference: pl.DataFrame) -> None:
    before, after, _ = roundtrip(reference, "kwwhat")
    assert before.equals(after)
