"""OCPP 2.1's own message types: SEND (no answer) and CALLRESULTERROR (an error about an answer)."""

from __future__ import annotations

import io

import polars as pl
import pytest

from chargescope.ingest import ingest_sources
from chargescope.readers.base import Source
from chargescope.writers import get_writer
from tests.conftest import stream_csv

STREAM = '{"id":1,"pending":0,"basetime":"2025-03-03T08:00:00Z","data":[{"t":0,"v":"7.2"}]}'
TRAFFIC = [
    (
        "2025-03-03T08:00:00.000Z",
        "CS-21",
        "incoming",
        '[2,"b1","BootNotification",{"chargingStation":{"model":"M","vendorName":"V"},'
        '"reason":"PowerUp"}]',
    ),
    (
        "2025-03-03T08:00:00.100Z",
        "CS-21",
        "outgoing",
        '[3,"b1",{"currentTime":"2025-03-03T08:00:00Z","interval":300,"status":"Accepted"}]',
    ),
    (
        "2025-03-03T08:00:01.000Z",
        "CS-21",
        "incoming",
        f'[6,"s1","NotifyPeriodicEventStream",{STREAM}]',
    ),
    (
        "2025-03-03T08:00:02.000Z",
        "CS-21",
        "outgoing",
        '[2,"g1","GetVariables",{"getVariableData":[]}]',
    ),
    ("2025-03-03T08:00:02.100Z", "CS-21", "incoming", '[3,"g1",{"bogus":true}]'),
    (
        "2025-03-03T08:00:02.200Z",
        "CS-21",
        "outgoing",
        '[5,"g1","FormatViolation","getVariableResult is missing",{}]',
    ),
]


def read(rows: list[tuple[str, str, str, str]]) -> pl.DataFrame:
    return ingest_sources([Source("cs21.csv", stream_csv(rows))]).frames


def test_send_and_callresulterror_are_read_with_their_own_type() -> None:
    f = read(TRAFFIC)
    assert f["message_type"].to_list() == [
        "CALL",
        "CALLRESULT",
        "SEND",
        "CALL",
        "CALLRESULT",
        "CALLRESULTERROR",
    ]
    send = f.row(2, named=True)
    assert send["action"] == "NotifyPeriodicEventStream" and send["payload"] == STREAM
    assert send["valid"] is True  # checked against its own schema (no Request suffix)
    error = f.row(5, named=True)
    assert (error["error_code"], error["error_description"]) == (
        "FormatViolation",
        "getVariableResult is missing",
    )
    assert f["ocpp_version"].unique().to_list() == ["2.1"]


def test_they_pair_with_nothing_and_count_as_neither_unanswered_nor_orphan() -> None:
    got = ingest_sources([Source("cs21.csv", stream_csv(TRAFFIC))])
    f = got.frames
    assert (
        f.filter(pl.col("message_type").is_in(["SEND", "CALLRESULTERROR"]))["peer_id"].null_count()
        == 2
    )
    s = got.summary()
    assert (s["calls"], s["answered"], s["unanswered"], s["orphans"]) == (2, 2, 0, 0)


def test_a_send_alone_makes_a_charger_2_1() -> None:
    f = read([TRAFFIC[2]])
    assert f["ocpp_version"].to_list() == ["2.1"]


@pytest.mark.parametrize(
    ("frame", "reason"),
    [
        ('[6,"s1",{}]', "SEND needs [6, id, action, {payload}]"),
        ('[5,"g1",{}]', "CALLRESULTERROR needs [5, id, errorCode, errorDescription, {details}]"),
        ('[7,"x","A",{}]', "first element is not an OCPP-J message type"),
    ],
)
def test_malformed_2_1_frames_are_rejected_with_the_reason(frame: str, reason: str) -> None:
    got = ingest_sources(
        [
            Source(
                "cs21.csv",
                stream_csv([TRAFFIC[0], ("2025-03-03T08:00:05Z", "CS-21", "incoming", frame)]),
            )
        ]
    )
    assert got.frames.height == 1
    assert len(got.rejects) == 1 and reason in got.rejects[0].reason


@pytest.mark.parametrize("layout", ["stream", "steve", "framerec", "trace", "portal", "everest"])
def test_layouts_that_carry_frames_carry_2_1_types_through_convert(layout: str) -> None:
    frames = read(TRAFFIC)
    buf = io.BytesIO()
    get_writer(layout)(frames, None, buf)
    again = ingest_sources([Source(f"again.{layout}", buf.getvalue())]).frames
    cols = ["message_type", "unique_id", "action", "payload", "error_code", "error_description"]
    assert again.select(cols).equals(frames.select(cols))


def test_the_sheet_writes_a_send_as_a_request_and_names_a_callresulterror() -> None:
    buf = io.BytesIO()
    get_writer("sheet")(read(TRAFFIC), None, buf)
    rows = buf.getvalue().decode().splitlines()
    assert ",NotifyPeriodicEventStream," in rows[3]
    assert ",CALLRESULTERROR," in rows[6]
    again = ingest_sources([Source("again.csv", buf.getvalue())]).frames
    # the sheet has no message ids and no word for SEND: it comes back as a call
    assert again["message_type"].to_list()[2] == "CALL"
    error = again.row(5, named=True)
    assert (error["message_type"], error["error_code"]) == ("CALLRESULTERROR", "FormatViolation")


def test_a_callresulterror_is_a_finding_naming_the_rejected_answer() -> None:
    from chargescope.analysis import analyze

    got = ingest_sources([Source("cs21.csv", stream_csv(TRAFFIC))])
    found = [f for f in analyze(got).findings if f.kind == "answer_rejected"]
    assert len(found) == 1
    f = found[0]
    frames = got.frames
    answer = frames.filter(pl.col("message_type") == "CALLRESULT")["frame_id"][1]
    error = frames.filter(pl.col("message_type") == "CALLRESULTERROR")["frame_id"][0]
    assert f.evidence == (answer, error)
    assert f.detail["action"] == "GetVariables" and f.detail["from"] == "CSMS"
    assert "The CSMS rejected the charger's answer to GetVariables" in f.explanation
    assert not any(x.kind == "call_error" for x in analyze(got).findings)
