"""Golden and round-trip tests of the log-index (Elasticsearch hits) layout, reader and writer."""

from __future__ import annotations

import io

from chargescope.ingest import ingest_sources
from chargescope.readers import detect, get_reader
from chargescope.readers.base import Match, NoMatch, ReadOptions, Source
from chargescope.writers import get_writer
from tests.roundtrip import EXCHANGE_COMPARED, exchange_view, traffic

MINE = ("exchange", "framerec", "trace", "bare", "logindex")

EXCHANGE = (
    '{"action":"Authorize","connector_id":1,"request":{"idTag":"T1"},'
    '"response":{"idTagInfo":{"status":"Invalid"}},"site_id":"site-7","charger_id":"CP-1",'
    '"datetime":"2025-03-03T08:00:00.000Z","source":"cp",'
    '"@timestamp":"2025-03-03T08:00:02.417Z","@version":"1","host":"ls-0","tags":["ocpp"]}'
)
FRAME = (
    '{"@timestamp":"2025-03-03T08:00:05.000Z","charge_point_id":"CP-2","direction":"incoming",'
    '"message":"[2,\\"9\\",\\"Heartbeat\\",{}]","@version":"1","host":"ls-0"}'
)


def hit(n: int, source: str) -> str:
    """One search hit."""
    return f'{{"_index":"tmh_sc_ocpp-2025.03.03","_id":"id{n}","_score":null,"_source":{source}}}'


def read(text: str, name: str = "hits.ndjson"):
    """Read ``text`` with the logindex reader."""
    return get_reader("logindex").read(Source(name, text.encode()), ReadOptions())


def test_ndjson_hits_of_both_record_shapes_with_bom_crlf_and_broken_lines() -> None:
    text = (
        "\ufeff"
        + hit(1, EXCHANGE)
        + "\r\n"
        + hit(2, FRAME)
        + "\r\n\r\n"
        + '{"_index":"x","_id":"id3"}\r\n'
        + '{"_index":"x","_id":"id4","_source":{"message":"GET /health 200","@timestamp":"2025-03-03T08:00:06Z"}}\r\n'
        + '{"_index": broken\r\n'
    )
    res = read(text)
    f = res.frames
    assert f.select("line", "charger_id", "direction", "message_type").rows() == [
        (1, "CP-1", "to_csms", 2),
        (1, "CP-1", "to_charger", 3),
        (2, "CP-2", "to_csms", None),
    ]
    # the record's own time wins over logstash's @timestamp
    assert f["ts"][0].second == 0 and f["ts"][2].second == 5
    assert f["site_id"][0] == "site-7"
    assert [(r.line, r.reason.split(":")[0]) for r in res.rejects] == [
        (4, "record has no _source object"),
        (5, "record is neither an exchange (action + request/response) nor a frame record"),
        (6, "not valid JSON"),
    ]
    assert res.lines == 5


def test_whole_search_response_document() -> None:
    text = (
        '{"took":5,"timed_out":false,"_shards":{"total":1},"hits":{"total":{"value":2},'
        '"max_score":null,"hits":[\n  ' + hit(1, EXCHANGE) + ",\n  " + hit(2, FRAME) + "\n]}}\n"
    )
    match = get_reader("logindex").sniff(text)
    assert isinstance(match, Match) and "search response" in match.reason
    res = read(text, "search.json")
    assert res.frames.select("line", "charger_id").rows() == [(2, "CP-1"), (2, "CP-1"), (3, "CP-2")]


def test_array_of_hits_newest_first_is_reversed() -> None:
    later = EXCHANGE.replace("08:00:00.000Z", "08:10:00.000Z")
    text = "[\n" + hit(1, later) + ",\n" + hit(2, EXCHANGE) + "\n]\n"
    res = read(text, "hits.json")
    assert res.frames["line"].to_list() == [3, 3, 2, 2]
    assert "records were newest first: read in reverse" in res.notes


def test_ingest_pairs_and_validates_ids() -> None:
    text = hit(1, EXCHANGE) + "\n" + hit(2, FRAME) + "\n"
    ing = ingest_sources([Source("h.ndjson", text.encode())], check_schemas=False)
    assert ing.frames.select("charger_id", "message_type", "peer_id").rows() == [
        ("CP-1", "CALL", 1),
        ("CP-1", "CALLRESULT", 0),
        ("CP-2", "CALL", None),
    ]
    assert ing.rejects == []


def test_sniff_claims_own_sample_and_declines_the_others() -> None:
    reader = get_reader("logindex")
    match = reader.sniff(reader.sample)
    assert isinstance(match, Match) and match.confidence >= 0.9
    assert detect(Source("s", reader.sample.encode())).reader.name == "logindex"
    for other in ("stream", *MINE):
        if other != "logindex":
            assert isinstance(reader.sniff(get_reader(other).sample), NoMatch), other
    unrelated = '{"_index":"web","_id":"1","_source":{"message":"GET / 200"}}'
    assert isinstance(reader.sniff(unrelated), NoMatch)


def test_round_trip_through_the_logindex_writer() -> None:
    original = ingest_sources([Source("s.csv", traffic().encode())], check_schemas=False).frames
    buf = io.BytesIO()
    get_writer("logindex")(original, None, buf)
    text = buf.getvalue()
    assert text.startswith(
        b'{"_index":"ocpp","_id":"ocpp-1","_source":{"action":"BootNotification"'
    )
    assert detect(Source("o", text)).reader.name == "logindex"
    again = ingest_sources([Source("o.ndjson", text)], check_schemas=False)
    assert again.rejects == []
    assert again.frames.select(EXCHANGE_COMPARED).equals(exchange_view(original))


def test_hits_whose_source_is_not_an_object_are_rejected() -> None:
    text = (
        '{"_id":"1","_source":"raw text"}\n' + hit(2, FRAME) + "\n" + '{"_id":"3","_source":[1]}\n'
    )
    res = read(text)
    assert res.frames["line"].to_list() == [2]
    assert [(r.line, r.reason) for r in res.rejects] == [
        (1, "_source is not a JSON object"),
        (3, "_source is not a JSON object"),
    ]
