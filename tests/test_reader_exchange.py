"""Golden and round-trip tests of the ChargePilot exchange-record layout (reader and writer)."""

from __future__ import annotations

import io

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chargescope.ingest import ingest_sources
from chargescope.readers import detect, get_reader
from chargescope.readers.base import Match, NoMatch, ReadOptions, Source
from chargescope.readers.jsonshape import load
from chargescope.writers import get_writer
from tests.roundtrip import EXCHANGE_COMPARED, exchange_view, traffic

MINE = ("exchange", "framerec", "trace", "bare", "logindex")


def rec(
    action: str, dt: str, source: str = "cp", response: str = '{"status":"Accepted"}', **kw: str
) -> str:
    """One exchange record line."""
    extra = "".join(f',"{k}":{v}' for k, v in kw.items())
    return (
        f'{{"action":"{action}","connector_id":1,"request":{{"idTag":"T1"}},'
        f'"response":{response},"site_id":"site-7","charger_id":"CP-1",'
        f'"datetime":"{dt}","source":"{source}"{extra}}}'
    )


def read(text: str | bytes, name: str = "x.jsonl", tz: str | None = None):
    """Read ``text`` with the exchange reader."""
    data = text.encode() if isinstance(text, str) else text
    return get_reader("exchange").read(Source(name, data), ReadOptions(tz=tz))


def rows(result) -> list[tuple]:
    """(line, message_type, unique_id, direction, action, error_code) per frame."""
    return result.frames.select(
        "line", "message_type", "unique_id", "direction", "action", "error_code"
    ).rows()


def test_golden_lines_with_bom_crlf_blank_broken_and_errors() -> None:
    text = (
        "\ufeff"
        + rec("Authorize", "2025-03-03T08:00:00.000Z")
        + "\r\n\r\n"
        + rec("Heartbeat", "2025-03-03T08:01:00.000Z", response="null")
        + "\r\n"
        + '{"action":"Reset", broken\r\n'
        + "[1, 2]\r\n"
        + rec(
            "Reset",
            "2025-03-03T08:02:00.000Z",
            source="csms",
            response='{"errorCode":"NotSupported","errorDescription":"nope","errorDetails":{"a":1}}',
        )
        + "\r\n"
        + rec("ClearCache", "2025-03-03T08:03:00Z", "csms", '{"error_code":"InternalError"}')
        + "\r\n"
        + rec("Heartbeat", "not a time")
        + "\r\n"
        + rec("StatusNotification", "2025-03-03T08:04:00Z", unique_id='"m-42"')
        + "\r\n"
    )
    res = read(text)
    assert rows(res) == [
        (1, 2, "1", "to_csms", "Authorize", None),
        (1, 3, "1", "to_charger", "Authorize", None),
        (3, 2, "3", "to_csms", "Heartbeat", None),
        (6, 2, "6", "to_charger", "Reset", None),
        (6, 4, "6", "to_csms", "Reset", "NotSupported"),
        (7, 2, "7", "to_charger", "ClearCache", None),
        (7, 4, "7", "to_csms", "ClearCache", "InternalError"),
        (9, 2, "m-42", "to_csms", "StatusNotification", None),
        (9, 3, "m-42", "to_charger", "StatusNotification", None),
    ]
    err = res.frames.filter(pl.col("message_type") == 4)
    assert err["payload"].to_list() == ['{"a":1}', "{}"]
    assert err["error_description"].to_list() == ["nope", ""]
    assert [(r.line, r.reason.split(":")[0]) for r in res.rejects] == [
        (4, "not valid JSON"),
        (5, "not a JSON object (an array)"),
        (8, "no readable timestamp"),
    ]
    assert res.rejects[2].raw.startswith('{"action":"Heartbeat"')
    assert res.lines == 8 and res.noise == 0
    # one timestamp per exchange: call and answer share it
    first = res.frames.filter(pl.col("line") == 1)["ts"].to_list()
    assert first[0] == first[1]


def test_ingest_pairs_calls_with_answers_and_keeps_site_and_connector() -> None:
    text = (
        rec("Authorize", "2025-03-03T08:00:00Z")
        + "\n"
        + rec("Heartbeat", "2025-03-03T08:01:00Z", response="null")
    )
    ing = ingest_sources([Source("x.jsonl", text.encode())], check_schemas=False)
    f = ing.frames
    assert f["message_type"].to_list() == ["CALL", "CALLRESULT", "CALL"]
    assert f["peer_id"].to_list() == [1, 0, None]
    assert f["site_id"].unique().to_list() == ["site-7"]
    assert f["connector_id"].to_list() == [1, 1, 1]
    assert f["payload"][0] == '{"idTag":"T1"}'  # compact JSON after normalisation


def test_json_array_one_record_per_line_keeps_lines_and_newest_first_is_reversed() -> None:
    text = (
        "[\n"
        + rec("Heartbeat", "2025-03-03T08:02:00Z")
        + ",\n"
        + rec("Heartbeat", "2025-03-03T08:01:00Z")
        + ",\n{oops},\n"
        + rec("Heartbeat", "2025-03-03T08:00:00Z")
        + "\n]\n"
    )
    res = read(text, "a.json")
    assert res.frames["line"].to_list() == [5, 5, 3, 3, 2, 2]
    assert res.frames["message_type"].to_list() == [2, 3, 2, 3, 2, 3]
    assert "records were newest first: read in reverse" in res.notes
    assert [(r.line, r.raw) for r in res.rejects] == [(4, "{oops}")]


def test_pretty_printed_array_gives_the_line_each_record_starts_on() -> None:
    text = (
        '[\n  {\n    "action": "Heartbeat",\n    "request": {},\n    "response": null,\n'
        '    "charger_id": "CP-1",\n    "datetime": "2025-03-03T08:00:00Z",\n    "source": "cp"\n'
        '  },\n  {\n    "action": "Reset",\n    "request": {"type": "Soft"},\n'
        '    "response": {"status": "Accepted"},\n    "charger_id": "CP-1",\n'
        '    "datetime": "2025-03-03T08:01:00Z",\n    "source": "csms"\n  }\n]\n'
    )
    assert isinstance(get_reader("exchange").sniff(text), Match)
    res = read(text, "p.json")
    assert res.frames["line"].to_list() == [2, 10, 10]
    assert res.frames["direction"].to_list() == ["to_csms", "to_charger", "to_csms"]


def test_broken_document_is_one_reject() -> None:
    res = read('[\n  {\n    "action": "Heartbeat",\n    "request": {\n', "p.json")
    assert res.frames.height == 0
    assert len(res.rejects) == 1 and res.rejects[0].reason.startswith("not a valid JSON document")


def test_zoneless_times_note_and_tz_option() -> None:
    text = rec("Heartbeat", "2025-03-03 09:00:00")
    assert read(text).notes == ["times without a zone read as UTC"]
    res = read(text, tz="+01:00")
    assert res.notes == []
    assert res.frames["ts"][0].hour == 8


def test_empty_and_blank_input() -> None:
    res = read("\n \n\r\n")
    assert res.frames.height == 0 and res.rejects == [] and res.noise == 0


def test_sniff_claims_own_sample_and_declines_the_others() -> None:
    reader = get_reader("exchange")
    match = reader.sniff(reader.sample)
    assert isinstance(match, Match) and match.confidence >= 0.9
    assert detect(Source("s", reader.sample.encode())).reader.name == "exchange"
    for other in ("stream", *MINE):
        if other != "exchange":
            assert isinstance(reader.sniff(get_reader(other).sample), NoMatch), other
    assert isinstance(reader.sniff("hello\nworld"), NoMatch)


def normalized(data: bytes, name: str) -> pl.DataFrame:
    """The normalized table of one source."""
    return ingest_sources([Source(name, data)], check_schemas=False).frames


def write(frames: pl.DataFrame, layout: str) -> bytes:
    """``frames`` written in ``layout``."""
    buf = io.BytesIO()
    get_writer(layout)(frames, None, buf)
    return buf.getvalue()


def test_round_trip_through_the_exchange_writer() -> None:
    original = normalized(traffic().encode(), "stream.csv")
    text = write(original, "exchange")
    assert text.count(b"\n") == 10  # 10 calls; the orphan answer cannot be carried
    assert b'"response":null' in text and b'"errorCode":"NotSupported"' in text
    again = normalized(text, "out.jsonl")
    assert again.select(EXCHANGE_COMPARED).equals(exchange_view(original))
    assert again["unique_id"].null_count() == 0
    assert again.filter(pl.col("message_type") != "CALL")["peer_id"].null_count() == 0


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=300))
def test_any_bytes_read_or_reject_never_raise(data: bytes) -> None:
    for prefix in (b"", b'{"action":"Heartbeat","request":{},', b"[\n"):
        res = get_reader("exchange").read(Source("f.jsonl", prefix + data), ReadOptions())
        assert res.frames.height >= 0


@pytest.mark.parametrize("layout", ["exchange"])
def test_writer_output_is_detected_as_its_layout(layout: str) -> None:
    text = write(normalized(traffic().encode(), "stream.csv"), layout)
    assert detect(Source("o", text)).reader.name == layout


def test_keys_first_seen_after_the_sampled_head_are_still_read() -> None:
    early = [
        f'{{"action":"Heartbeat","request":{{}},"charger_id":"CP-1","datetime":"2025-03-03T08:{i // 60:02d}:{i % 60:02d}Z"}}'
        for i in range(600)
    ]
    late = rec("Authorize", "2025-03-03T09:00:00Z", unique_id='"u-9"')
    res = read("\n".join([*early, late]))
    assert res.frames.height == 602
    assert res.frames.tail(2).select(
        "message_type", "unique_id", "direction", "site_id"
    ).rows() == [
        (2, "u-9", "to_csms", "site-7"),
        (3, "u-9", "to_charger", "site-7"),
    ]


def test_payloads_as_objects_or_as_strings_come_out_alike() -> None:
    """Objects are taken as DuckDB writes them; a payload held in a string is checked again."""
    lines = [
        rec("Authorize", "2025-03-03T08:00:00Z"),  # compact objects
        rec("Authorize", "2025-03-03T08:00:01Z").replace('{"idTag":"T1"}', '{ "idTag" : "T1" }'),
        rec("Authorize", "2025-03-03T08:00:02Z").replace(
            '{"idTag":"T1"}', '"{\\"idTag\\": \\"T1\\"}"'
        ),
        rec("Authorize", "2025-03-03T08:00:03Z", response='"{\\"status\\" : \\"Accepted\\"}"'),
        rec("Authorize", "2025-03-03T08:00:04Z").replace('{"idTag":"T1"}', '"not json"'),
    ]
    data = "\n".join(lines).encode()
    rows = load(Source("x.jsonl", data)).rows  # objects are flagged as read as JSON
    assert rows["request__obj"].to_list() == [True, True, False, True, False]
    assert rows["response__obj"].to_list() == [True, True, True, False, True]
    ing = ingest_sources([Source("x.jsonl", data)], check_schemas=False)
    f = ing.frames.sort("ts", "message_type")
    assert f.filter(pl.col("message_type") == "CALL")["payload"].to_list() == ['{"idTag":"T1"}'] * 4
    assert set(f.filter(pl.col("message_type") == "CALLRESULT")["payload"]) == {
        '{"status":"Accepted"}'
    }
    assert [(r.line, r.reason) for r in ing.rejects] == [
        (5, "malformed frame: payload is not valid JSON")
    ]
