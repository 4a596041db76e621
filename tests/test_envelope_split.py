"""The compiled envelope split gives what the SQL split gives, frame for frame."""

from __future__ import annotations

import json
import random

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chargescope.model import envelope
from chargescope.model.envelope import split_envelopes
from chargescope.readers import jsonshape, ocppj
from chargescope.readers.base import Source
from chargescope.readers.ocppj import compiled_split


@pytest.fixture(autouse=True)
def _compiled_split_first(monkeypatch: pytest.MonkeyPatch) -> None:
    # the frames below are mostly ones it leaves: it must still take the others
    monkeypatch.setattr(envelope, "SQL_SHARE", 1.0)


def _sql(frames: pl.Series) -> pl.DataFrame:
    return envelope._sql_split(frames)  # and the connector by its patterns


def _same(frames: list[str | None] | pl.Series) -> pl.DataFrame:
    series = frames if isinstance(frames, pl.Series) else pl.Series("frame", frames, pl.String)
    got = split_envelopes(series)
    want = _sql(series)
    assert got.schema == want.schema
    for i, (a, b) in enumerate(zip(got.iter_rows(), want.iter_rows(), strict=True)):
        assert a == b, f"frame {series[i]!r}"
    return got


def test_the_compiled_split_is_built() -> None:
    assert ocppj.COMPILED, "the envelope split in C was not compiled at install"


# ------------------------------------------------------------------ JSON text with any blanks

_BLANKS = ["", "", "", " ", "  ", "\n", "\t", "\r\n", " \n  "]
_NUMBERS = [
    "0",
    "-1",
    "42",
    "1.5",
    "-0.25",
    "230.0",
    "1.50",
    "2.30",
    "1e5",
    "1E-3",
    "2.5e+3",
    "-0",
    "-0.0",
    "0.0",
    "0.000001",
    "0.0000012",
    "0.0000001",
    "123456789012345.6",
    "1234567890123456.7",
    "123456789012345.0",
    "1234567890123456.0",
    "12345678901234567890",
    "99999999999999999999999999",
    "0.1234567890123456",
    "100000000000000000000.0",
    "12345678901234567890.0",
    "9007199254740993.0",
    "99999999999999999.0",
]
_ESCAPED = ['"a\\"b"', '"a\\\\b"', '"a\\/b"', '"\\u00e9"', '"\\n\\t\\r\\b\\f"', '"\\u001f"']


def _text(value: object, blank: random.Random) -> str:
    """``value`` as JSON with random blanks between tokens (numbers and strings given raw)."""

    def gap() -> str:
        return blank.choice(_BLANKS)

    if isinstance(value, dict):
        items = [
            f"{gap()}{_text(k, blank)}{gap()}:{gap()}{_text(v, blank)}" for k, v in value.items()
        ]
        return "{" + ",".join(items) + gap() + "}"
    if isinstance(value, list):
        return "[" + ",".join(gap() + _text(v, blank) for v in value) + gap() + "]"
    if isinstance(value, Raw):
        return value.text
    return json.dumps(value, ensure_ascii=blank.random() < 0.15)


class Raw:
    """JSON text written as it is."""

    def __init__(self, text: str) -> None:
        self.text = text


#: Mostly plain ASCII (text with other characters is written with \u escapes at times,
#: which the compiled split leaves to SQL)
_ascii = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=20)
_words = st.one_of(_ascii, _ascii, _ascii, st.text(max_size=20))
_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**20), 10**20),
    st.sampled_from(_NUMBERS).map(Raw),
    st.builds(lambda i, f: Raw(f"{i}.{f}"), st.integers(0, 10**16), st.integers(0, 10**9)),
    _words,
    st.sampled_from(_ESCAPED).map(Raw),
)
_values = st.recursive(
    _scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(_words, inner, max_size=4)
    ),
    max_leaves=12,
)
_objects = st.dictionaries(_words, _values, max_size=5)
#: ids and actions: mostly names, as in real frames
_ident = st.from_regex(r"[A-Za-z0-9_.:-]{0,40}", fullmatch=True)
_names = st.one_of(_ident, _ident, _ident, _words)
_ids = st.one_of(_names, st.sampled_from(["1", "", "a\\b", "é"]), st.integers(0, 99))
_frames = st.one_of(
    st.tuples(st.just(2), _ids, _names, _objects),
    st.tuples(st.just(3), _ids, st.one_of(_objects, st.lists(_values, max_size=3))),
    st.tuples(st.sampled_from([4, 5]), _ids, _names, _words),
    st.tuples(st.sampled_from([4, 5]), _ids, _names, _words, _values),
    st.tuples(st.just(6), _ids, _names, _objects),
    st.lists(_values, max_size=6).map(tuple),  # anything else in an array
)


#: Ways to spoil a frame's text
_SPOILS = [
    lambda t: t[: len(t) // 2],
    lambda t: t + " x",
    lambda t: t.replace("[", "[2.0,", 1),
    lambda t: t[:-1] + ',"extra"]',
    lambda t: t[:-1] + ",]",
    lambda t: " " + t + "\n",
]


def _broken(text: str, how: int) -> str:
    """``text`` spoilt one way or another (below 1: left as it is)."""
    return text if how < 1 else _SPOILS[how - 1](text)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(_frames, st.randoms(), st.integers(-12, 7)), min_size=1, max_size=12))
def test_the_compiled_split_matches_the_sql_split(drawn: list) -> None:
    texts = [
        None if how == 7 else _broken(_text(list(frame), blank), how) for frame, blank, how in drawn
    ]
    _same(texts)


_digits = st.from_regex(r"[0-9]{1,22}", fullmatch=True)
_number_texts = st.one_of(
    st.sampled_from(_NUMBERS),
    st.builds(
        lambda sign, whole, frac, exp: f"{sign}{whole.lstrip('0') or '0'}{frac}{exp}",
        st.sampled_from(["", "-"]),
        _digits,
        st.one_of(st.just(""), _digits.map(lambda d: "." + d)),
        st.sampled_from(["", "", "", "e5", "E-2", "e+0"]),
    ),
)


@settings(max_examples=100, deadline=None)
@given(st.lists(_number_texts, min_size=1, max_size=20))
def test_numbers_are_taken_only_where_sql_writes_them_back_unchanged(numbers: list[str]) -> None:
    _same([f'[2,"1","MeterValues",{{"v":{n}}}]' for n in numbers])


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.text(max_size=12), st.booleans()), min_size=1, max_size=20))
def test_strings_are_taken_only_where_sql_writes_them_back_unchanged(texts: list) -> None:
    frames = [json.dumps([2, "1", "DataTransfer", {t: t}], ensure_ascii=a) for t, a in texts]
    frames += [json.dumps([2, t, t, {}], ensure_ascii=a) for t, a in texts]  # id, action
    _same(frames)


# ------------------------------------------------------------------ cases written out


def test_compact_frames_are_taken_whole_and_need_no_sql() -> None:
    frames = pl.Series(
        [
            '[2,"1","Heartbeat",{}]',
            '[3,"1",{}]',  # short enough to be held in its view
            '[3,"19b5c1d0-8b4e-4ad3-a3b1-0123456789ab",{"currentTime":"2025-03-03T08:00:00Z"}]',
            '[4,"7","NotImplemented","Unknown action",{"detail":1}]',
            '[4,"7","InternalError","no details"]',
            '[6,"8","NotifyPeriodicEventStream",{"data":[1,2.5,true,null]}]',
        ]
    )
    got, left = compiled_split(frames)
    assert left.len() == 0
    assert got["payload"].to_list()[:2] == ["{}", "{}"]
    assert got["error_description"][4] == "no details"
    _same(frames)


def test_escapes_are_taken_where_sql_keeps_them() -> None:
    got = _same([f'[2,"1","DataTransfer",{{"data":{e}}}]' for e in _ESCAPED])
    assert got["payload"][0] == '{"data":"a\\"b"}'  # kept
    assert got["payload"][2] == '{"data":"a/b"}'  # SQL writes \/ as /


def test_blanks_are_dropped_from_a_payload_as_the_sql_split_does() -> None:
    got = _same(['[ 2 , "1" , "Authorize" , { "idTag" : "A B" , "x" : [ 1 , { } ] } ]'])
    assert got["payload"][0] == '{"idTag":"A B","x":[1,{}]}'


def test_frames_it_leaves_are_split_by_sql_with_the_reason() -> None:
    frames = ['[2,"1","Heartbeat",{"v":1.50}]', '[2,"1","Heartbeat",{"v":1e3}]', "not json"]
    got = _same(frames)
    assert got["payload"].to_list()[:2] == ['{"v":1.5}', '{"v":1000.0}']
    assert got["reason"][2] == "not valid JSON"


def test_a_slice_with_nulls_and_several_text_buffers() -> None:
    # Polars keeps each appended chunk's bytes in a buffer of its own
    parts = [
        pl.Series([f'[2,"{i}-{"x" * 20}","DataTransfer",{{"data":"{"y" * i}"}}]', None])
        for i in range(40)
    ]
    frames = pl.concat(parts, rechunk=False).rechunk()
    _same(frames.slice(3, 70))


@pytest.mark.parametrize("n", [0, 1, 7, 8, 9, 17])
def test_every_length_splits_across_the_two_threads(n: int) -> None:
    frames = [f'[2,"{i}","Heartbeat",{{}}]' for i in range(n)]
    got = _same(frames)
    assert got["unique_id"].to_list() == [str(i) for i in range(n)]


@pytest.mark.parametrize("frames", [['[2,"1","Heartbeat",{}]', '[3,"1",{}]'], [[2, "1", "A", {}]]])
def test_frame_records_leave_their_frames_to_the_compiled_split(frames: list) -> None:
    lines = [{"timestamp": "2025-03-03T08:00:00Z", "chargerId": "A", "frame": f} for f in frames]
    data = "\n".join(json.dumps(r) for r in lines).encode()
    rows = jsonshape.load(Source("a.jsonl", data)).rows
    assert "frame" in rows.columns
    assert not [c for c in rows.columns if jsonshape.ENV in c]  # not split by SQL as decoded


_CONNECTOR_PAYLOADS = [
    '{"connectorId":2,"status":"Available"}',
    '{"evse":{"id":3,"connectorId":1},"eventType":"Started"}',
    '{"evseId":4,"connectorId":9}',
    '{"evse":{"connectorId":1},"evseId":5}',  # no id in evse: the flat evse id
    '{"evse":{"x":{"id":7}},"connectorId":6}',  # evse's id nested deeper: not it
    '{"connectorId":99999999999}',  # too large for an Int32
    '{"connectorId":-1,"y":{"connectorId":8}}',  # the first with digits
    '{"connectorId":1.5}',
    '{"x\\\\"evse":{"id":3}}',  # the patterns read text, not JSON
    '{"data":"\\\\"connectorId\\\\":4"}',
    '{"a":[{"evse":{}},{"evse":{"b":1,"id":12}}]}',
    '{"connectorId":007}',
    '{"connectorId":1,"a":{"connectorId":2}}',  # the first of each key
    '{"evseId":1,"a":{"evseId":2}}',
    '{"evse":{"id":1},"a":{"evse":{"id":2}}}',
    '{"evseId":3,"connectorId":4,"evse":{"id":2}}',  # evse's id wins wherever it is
    '{"connectorId":4,"evseId":3}',  # then the flat evse id
    '{"evs',
    "{}",
]


@pytest.mark.parametrize("payload", _CONNECTOR_PAYLOADS)
def test_a_calls_connector_is_read_as_the_patterns_read_it(payload: str) -> None:
    frames = [f'[2,"1","StatusNotification",{payload}]', f'[3,"1",{payload}]']
    _same(frames)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["evse", "evseId", "connectorId", "id", "x"]),
            st.one_of(st.integers(-5, 2**33), st.just({}), _objects),
        ),
        max_size=4,
    ),
    st.randoms(),
)
def test_connectors_anywhere_in_a_payload(fields: list, blank: random.Random) -> None:
    payload = {k: ({"id": v} if k == "evse" and isinstance(v, int) else v) for k, v in fields}
    _same([_text([2, "1", "StatusNotification", payload], blank)])


# ------------------------------------------------------------------ payloads given apart


def _same_payloads(payloads: list[str | None], canonical: list[bool] | None = None) -> pl.DataFrame:
    """Payloads given apart (as sheet and exchange layouts give them) are checked alike."""
    parts = pl.DataFrame(
        {"payload": payloads, "canonical": canonical or [None] * len(payloads)},
        schema={"payload": pl.String, "canonical": pl.Boolean},
    )
    got = envelope._checked_payloads(parts)
    want = envelope._sql_checked_payloads(parts)
    assert got.schema == want.schema
    for i, (a, b) in enumerate(zip(got.iter_rows(), want.iter_rows(), strict=True)):
        assert a == b, f"payload {payloads[i]!r}"
    return got


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(_values, st.randoms(), st.integers(-12, 7)), min_size=1, max_size=12))
def test_the_compiled_payload_check_matches_sql(drawn: list) -> None:
    texts = [None if how == 7 else _broken(_text(value, blank), how) for value, blank, how in drawn]
    _same_payloads(texts)


def test_payloads_it_takes_need_no_sql_and_a_null_one_is_empty() -> None:
    payloads = [' { "connectorId" : 2 , "a" : [ 1 , 2.5 ] } ', None, '"text"', "5", "[]"]
    got, left = ocppj.compiled_payloads(pl.Series(payloads, dtype=pl.String))
    assert left.len() == 0
    assert got["payload"].to_list() == ['{"connectorId":2,"a":[1,2.5]}', "{}", '"text"', "5", "[]"]
    assert got[ocppj.CALL_CONNECTOR].to_list() == [2, None, None, None, None]
    _same_payloads(payloads)


def test_payloads_it_leaves_are_checked_by_sql_with_the_reason() -> None:
    got = _same_payloads(['{"v":1.50}', "{broken", "", '{"connectorId":3,"v":1e3}', "{}"])
    assert got["payload"].to_list()[0] == '{"v":1.5}'
    assert got["reason"].to_list()[1] == "payload is not valid JSON"
    assert got[ocppj.CALL_CONNECTOR].to_list()[3] == 3


def test_payloads_a_reader_read_as_json_are_kept_as_they_are() -> None:
    got = _same_payloads(['{"v":1.50}', '{"v":2}', "{ }"], canonical=[True, True, False])
    assert got["payload"].to_list() == ['{"v":1.50}', '{"v":2}', "{}"]


@pytest.mark.parametrize("payload", _CONNECTOR_PAYLOADS)
def test_a_payloads_connector_is_read_as_the_patterns_read_it(payload: str) -> None:
    _same_payloads([payload, " " + payload])
