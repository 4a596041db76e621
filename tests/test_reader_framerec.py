"""Golden and round-trip tests of the frame-record layouts: framerec, trace and bare lines."""

from __future__ import annotations

import io
import json
from typing import Any
from unittest.mock import patch

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chargescope.ingest import ingest_sources
from chargescope.readers import detect, get_reader, jsonshape
from chargescope.readers.base import Match, NoMatch, ReadOptions, Source
from chargescope.readers.framerec import _PREFIX, _PREFIX_COLS, prefix_parts
from chargescope.readers.jsonshape import _skeleton
from chargescope.writers import get_writer
from tests.roundtrip import traffic

MINE = ("exchange", "framerec", "trace", "bare", "logindex")


def read(layout: str, text: str, name: str = "CP-9.jsonl", tz: str | None = None):
    """Read ``text`` with reader ``layout``."""
    return get_reader(layout).read(Source(name, text.encode()), ReadOptions(tz=tz))


def ingest(text: str | bytes, name: str = "CP-9.jsonl") -> pl.DataFrame:
    """The normalized table of one source."""
    data = text.encode() if isinstance(text, str) else text
    return ingest_sources([Source(name, data)], check_schemas=False).frames


# --------------------------------------------------------------------------- framerec


def test_framerec_golden_key_spellings_bom_crlf_and_broken_lines() -> None:
    text = (
        '\ufeff{"@timestamp":"2025-03-03T08:00:00.100Z","chargeBoxId":"CP-1","dir":"rx",'
        '"msg":"[2,\\"1\\",\\"Heartbeat\\",{}]"}\r\n'
        " \t \r\n"
        '{"ts":1740988800200,"Charger ID":"CP-1","direction":"to_charger",'
        '"frame":[3,"1",{"currentTime":"2025-03-03T08:00:00Z"}]}\r\n'
        '{"time":"2025-03-03 08:00:01","identity":"CP-1","type":"outgoing",'
        '"data":[2,"r1","Reset",{"type":"Soft"}]}\r\n'
        '{"timestamp":"2025-03-03T08:00:02Z", broken\r\n'
        '{"timestamp":"soon","charger_id":"CP-1","direction":"in","frame":"[2,\\"x\\",\\"Heartbeat\\",{}]"}\r\n'
        '{"level":"debug","note":"no frame here"}\r\n'
    )
    res = read("framerec", text)
    f = res.frames
    assert f.select("line", "charger_id", "direction").rows() == [
        (1, "CP-1", "to_csms"),
        (3, "CP-1", "to_charger"),
        (4, "CP-1", "to_charger"),
    ]
    assert f["frame"][0] == '[2,"1","Heartbeat",{}]'
    assert f["ts"][1].microsecond == 200_000
    assert [(r.line, r.reason.split(":")[0]) for r in res.rejects] == [
        (5, "not valid JSON"),
        (6, "no readable timestamp"),
        (7, "record is neither an exchange (action + request/response) nor a frame record"),
    ]
    assert res.notes == ["times without a zone read as UTC"]
    assert res.lines == 6


def test_framerec_without_charger_or_direction_uses_file_name_and_actions() -> None:
    text = (
        '{"ts":"2025-03-03T08:00:00Z","message":[2,"7","BootNotification",{"chargePointVendor":"V","chargePointModel":"M"}]}\n'
        '{"ts":"2025-03-03T08:00:00.5Z","message":[3,"7",{"status":"Accepted","currentTime":"2025-03-03T08:00:00Z","interval":60}]}\n'
    )
    res = read("framerec", text, name="logs/CP-77.jsonl")
    assert any("CP-77" in n for n in res.notes)
    f = ingest(text, "logs/CP-77.jsonl")
    assert f.select("charger_id", "direction", "message_type").rows() == [
        ("CP-77", "to_csms", "CALL"),
        ("CP-77", "to_charger", "CALLRESULT"),
    ]
    assert f["latency_ms"].to_list() == [500, 500]


def test_framerec_broken_frame_text_is_rejected_by_normalisation() -> None:
    text = '{"ts":"2025-03-03T08:00:00Z","charger_id":"C","direction":"in","frame":"[2,\\"1\\",\\"Heart"}\n'
    ing = ingest_sources([Source("f.jsonl", text.encode())], check_schemas=False)
    assert ing.frames.height == 0
    assert [(r.line, r.reason.split(":")[0]) for r in ing.rejects] == [(1, "malformed frame")]


# --------------------------------------------------------------------------- trace


PRETTY_TRACE = """{
  "chargePointId": "CP-T",
  "version": "1.0",
  "events": [
    {
      "time": "2025-03-03T08:00:00Z",
      "origin": "cs",
      "data": [2, "1", "Heartbeat", {}]
    },
    {
      "time": "2025-03-03T08:00:00.100Z",
      "origin": "csms",
      "data": [3, "1", {"currentTime": "2025-03-03T08:00:00Z"}]
    },
    {
      "time": "2025-03-03T08:00:01Z",
      "origin": "cs",
      "data": 42
    }
  ]
}
"""


def test_trace_pretty_document_with_top_level_charger() -> None:
    assert detect(Source("t.json", PRETTY_TRACE.encode())).reader.name == "trace"
    res = read("trace", PRETTY_TRACE, "t.json")
    assert res.frames.select("line", "charger_id", "direction").rows() == [
        (5, "CP-T", "to_csms"),
        (10, "CP-T", "to_charger"),
    ]
    assert [(r.line, r.reason.split(" (")[0]) for r in res.rejects] == [
        (15, "record is neither an exchange")
    ]
    assert res.lines == 3


def test_trace_compact_document_on_one_line() -> None:
    text = (
        '{"messages":[{"timestamp":"2025-03-03T08:00:00Z","chargerId":"A","direction":"cs2csms",'
        '"message":[2,"1","Heartbeat",{}]},{"timestamp":"2025-03-03T08:00:01Z","chargerId":"A",'
        '"direction":"csms2cs","message":[3,"1",{"currentTime":"2025-03-03T08:00:01Z"}]}]}'
    )
    res = read("trace", text, "t.json")
    assert res.frames.select("line", "direction").rows() == [(1, "to_csms"), (1, "to_charger")]


def test_trace_record_per_line_with_trailing_blanks() -> None:
    records = [
        f'{{"timestamp":"2025-03-03T08:00:0{i}Z","chargerId":"A","direction":"{d}","message":{m}}}'
        for i, (d, m) in enumerate(
            [
                ("cs2csms", '[2,"1","Heartbeat",{}]'),
                ("csms2cs", '[3,"1",{"currentTime":"2025-03-03T08:00:01Z"}]'),
                ("cs2csms", '[2,"2","Heartbeat",{}]'),
            ]
        )
    ]
    tidy = '{"messages": [\n' + ",\n".join(records) + "\n]}\n"
    blanks = tidy.replace("},\n", "}, \t\n", 1).replace("}\n]", "}  \n]")
    want = read("trace", tidy, "t.json").frames
    got = read("trace", blanks, "t.json").frames
    assert want.height == 3 and got.equals(want)
    assert got["line"].to_list() == [2, 3, 4]


def test_trace_broken_document_is_one_reject() -> None:
    res = read("trace", PRETTY_TRACE[:200], "t.json")
    assert res.frames.height == 0
    assert len(res.rejects) == 1 and "not a valid JSON document" in res.rejects[0].reason


# --------------------------------------------------------------------------- bare


BARE = (
    "\ufeff# capture started\r\n"
    '2025-03-03T08:00:00.123Z CP-1 in [2,"1","StatusNotification",{"connectorId":1,"errorCode":"NoError","status":"Available"}]\r\n'
    '2025-03-03T08:00:00.130Z CP-1 out [3,"1",{}]\r\n'
    "\r\n"
    '2025-03-03 08:00:05,000 [2,"2","Heartbeat",{}]\r\n'
    '2025-03-03 08:00:05,010 [3,"2",{"currentTime":"2025-03-03T08:00:05Z"}]\r\n'
    '2025-03-03T08:00:06Z CP-1 says hello to [2,"3","Heartbeat",{}]\r\n'
    "some debug output\r\n"
    '2025-03-03T08:00:07Z recv [2,"4","Heartbeat",{}\r\n'
)


def test_bare_golden_lines() -> None:
    res = read("bare", BARE, "dumps/CP-2.log")
    assert res.frames.select("line", "charger_id", "direction").rows() == [
        (2, "CP-1", "to_csms"),
        (3, "CP-1", "to_charger"),
        (5, "CP-2", None),
        (6, "CP-2", None),
        (9, "CP-2", "to_csms"),
    ]
    assert [r.line for r in res.rejects] == [7]
    assert res.noise == 2  # the banner and the debug line; the blank line is not counted
    assert res.lines == 8
    assert "times without a zone read as UTC" in res.notes
    ing = ingest_sources([Source("dumps/CP-2.log", BARE.encode())], check_schemas=False)
    assert ing.frames.height == 4  # line 9 holds a truncated frame
    assert sorted(r.line for r in ing.rejects) == [7, 9]
    f = ing.frames.filter(pl.col("charger_id") == "CP-2")
    assert f["direction"].to_list() == ["to_csms", "to_charger"]
    assert f["action"].to_list() == ["Heartbeat", "Heartbeat"]  # the answer's from its call


def test_bare_defers_arrow_lines_to_the_arrows_layout() -> None:
    text = '2025-03-03T08:00:00Z CP-1 -> [2,"1","Heartbeat",{}]\n2025-03-03T08:00:01Z CP-1 <- [3,"1",{}]\n'
    match = get_reader("bare").sniff(text)
    assert isinstance(match, Match) and match.confidence < 0.6


# --------------------------------------------------------------------------- sniffing


@pytest.mark.parametrize("layout", ["framerec", "trace", "bare"])
def test_sniff_claims_own_sample_and_declines_the_others(layout: str) -> None:
    reader = get_reader(layout)
    assert isinstance(reader.sniff(reader.sample), Match)
    assert detect(Source("s", reader.sample.encode())).reader.name == layout
    for other in ("stream", *MINE):
        if other != layout:
            assert isinstance(reader.sniff(get_reader(other).sample), NoMatch), other


# --------------------------------------------------------------------------- round trips


#: every normalized column but where a row came from
COMPARED = ["ts", "charger_id", "direction", "message_type", "unique_id", "action", "payload",
            "error_code", "error_description", "connector_id", "ocpp_version", "site_id",
            "peer_id", "latency_ms"]  # fmt: skip


@pytest.mark.parametrize("layout", ["framerec", "trace", "bare"])
def test_round_trip_is_lossless(layout: str) -> None:
    original = ingest(traffic("CS-2/ü"), "stream.csv")
    buf = io.BytesIO()
    get_writer(layout)(original, None, buf)
    assert detect(Source("o", buf.getvalue())).reader.name == layout
    again = ingest(buf.getvalue(), f"out.{layout}")
    assert again.select(COMPARED).equals(original.select(COMPARED))
    assert again["line"].n_unique() == again.height  # one record per line


def test_bare_quoted_charger_ids_may_hold_spaces() -> None:
    text = (
        '2025-03-03T08:00:00Z "CP 1/\\"x\\"" in [2,"1","Heartbeat",{}]\n'
        '2025-03-03T08:00:01Z CP-2: out [3,"1",{}]\n'
        '2025-03-03T08:00:02Z INFO CP-2 [2,"2","Heartbeat",{}]\n'
    )
    res = read("bare", text, "a.log")
    assert res.frames.select("charger_id", "direction").rows() == [
        ('CP 1/"x"', "to_csms"),
        ("CP-2", "to_charger"),
    ]
    assert [(r.line, r.reason) for r in res.rejects] == [
        (3, "two words between time and frame, neither of them a direction")
    ]


def test_bare_prefix_split_matches_the_regex() -> None:
    lines = pl.Series(
        [
            '2025-03-03T00:00:07Z CP-1 in [2,"1","Heartbeat",{}]',
            "2025-03-03T00:00:07 UTC in [2",  # the zone word belongs to the time
            " 2025-03-03T00:00:07Z a [",  # leading blank
            "2025-03-03 00:00:07 a b [",  # a space inside the time
            '2025-03-03T00:00:07Z "C [1]" in [2',  # quoted charger holding a bracket
            "2025-03-03T00:00:07Z [2,",
            "2025-03-03T00:00:07Z a b c [2",  # three tokens: not a frame line
            "garbage",
            "2025-03-03T00:00:07Z  a [2",  # two spaces
            "2025-03-03T00:00:07Z\ta [2",  # a tab
            "1741000000123 a in [3",
            "2025-03-03T00:00:07.1Z a [",
            "",
        ]
    )
    expected = lines.str.extract_groups(_PREFIX).struct.unnest()
    expected.columns = list(_PREFIX_COLS)
    assert prefix_parts(lines).equals(expected)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(['{"a": 1},', '{"a": 1}', '{"messages": [', "]}", "  "])))
def test_document_skeleton_marks_every_record_line(texts: list[str]) -> None:
    lines = pl.DataFrame({"text": texts}, schema={"text": pl.String}).with_columns(
        pl.col("text").str.ends_with(",").alias("comma"),
        pl.col("text").str.starts_with("{").alias("is_record"),
    )
    one_by_one = ("0," if t.endswith(",") else "0" if t.startswith("{") else t for t in texts)
    assert _skeleton(lines).split() == "\n".join(one_by_one).split()


#: Frames as JSON values, sound and broken: each is read the same whether a record holds it as
#: an array (split as the records are decoded) or as text (split afterwards).
FRAME_VALUES = [
    [2, "1", "Heartbeat", {}],
    [3, "1", {"currentTime": "2025-03-03T08:00:00Z"}],
    [2, "2", "Authorize", {"idTag": "A \u201cquoted\u201d é"}],
    [4, "2", "FormatViolation", "bad", {"why": [1, None]}],
    [4, "3", "InternalError", "no details"],
    [3, "4", [1, 2]],
    [2, "5", "Heartbeat"],
    [2, None, "Heartbeat", {}],
    [2, 6, "Heartbeat", {}],
    [3, "7", None],
    [9, "8", {}],
    [],
    ["2", "9", "Heartbeat", {}],
    [2, "10", "Heartbeat", {}, "extra", None],
]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.sampled_from(range(len(FRAME_VALUES))), min_size=2, max_size=12),
    st.sampled_from([str, lambda v: v, lambda v: json.dumps(v), lambda v: json.dumps(v)[:-1]]),
)
def test_frames_split_as_decoded_read_as_split_afterwards(picks: list[int], held: Any) -> None:
    """Frames held as arrays, or as text (whole, cut short, or Python's repr of the list),
    split in the decoding pass read exactly as split afterwards."""
    records = [
        {
            "timestamp": f"2025-03-03T08:00:{n:02d}Z",
            "chargerId": "A",
            "direction": "cs2csms" if n % 2 else "csms2cs",
            "message": held(FRAME_VALUES[i]),
        }
        for n, i in enumerate(picks)
    ]
    doc = '{"messages": [\n' + ",\n".join(json.dumps(r) for r in records) + "\n]}\n"
    # frame texts are split in the decoding pass where the compiled split is not built
    with patch.object(jsonshape, "COMPILED", False):
        got = ingest_sources([Source("a.json", doc.encode())], check_schemas=False)
        # the frames that split cleanly did so as the records were decoded
        rows = jsonshape.load(Source("a.json", doc.encode())).rows
    as_text = held(FRAME_VALUES[0]) == json.dumps(FRAME_VALUES[0])
    sound = {*range(6), 13} if as_text else set(range(6))  # an array's null element: text split
    whole = as_text or held(FRAME_VALUES[0]) == FRAME_VALUES[0]
    expected = sum(i in sound for i in picks) if whole else 0
    assert rows["message__env_message_type"].count() == expected
    with patch.object(jsonshape, "_split_key", return_value=None):  # split afterwards
        want = ingest_sources([Source("a.json", doc.encode())], check_schemas=False)
    assert got.frames.equals(want.frames)
    assert got.rejects == want.rejects
