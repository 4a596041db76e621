"""The --columns layout: mapping validation, delimiters, banners, broken rows."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chargescope.errors import ConfigError
from chargescope.ingest import ingest_sources
from chargescope.readers import all_readers, get_reader
from chargescope.readers.base import NoMatch, ReadOptions, Source
from chargescope.readers.custom import CustomReader, _blank, _candidates


def read(text: str | bytes, **columns: str) -> tuple[pl.DataFrame, object]:
    """Read ``text`` with the custom layout and the given mapping; raw frames and the result."""
    data = text.encode() if isinstance(text, str) else text
    result = CustomReader().read(Source("c.csv", data), ReadOptions(columns=columns))
    return result.frames, result


MAPPED = """Date;Station;Dir;Msg
2025-03-03 08:00:00;CP-1;in;"[2,""1"",""Heartbeat"",{}]"
2025-03-03 08:00:01;CP-1;out;"[3,""1"",{""currentTime"":""2025-03-03T08:00:00Z""}]"
"""


def test_custom_maps_columns_and_notes_utc() -> None:
    frames, result = read(MAPPED, time="Date", charger="Station", direction="Dir", frame="Msg")
    assert frames["line"].to_list() == [2, 3]
    assert frames["direction"].to_list() == ["to_csms", "to_charger"]
    assert frames["charger_id"].to_list() == ["CP-1", "CP-1"]
    assert frames["ts"].dt.strftime("%H:%M:%S").to_list() == ["08:00:00", "08:00:01"]
    assert "times without a zone read as UTC" in result.notes  # type: ignore[attr-defined]


def test_custom_honours_tz_and_loose_column_names() -> None:
    data = MAPPED.replace("\n", "\r\n")
    result = CustomReader().read(
        Source("c.csv", b"\xef\xbb\xbf" + data.encode()),
        ReadOptions(tz="+02:00", columns={"time": "date", "charger": " STATION ", "frame": "msg"}),
    )
    assert result.frames["ts"].dt.strftime("%H:%M").to_list() == ["06:00", "06:00"]
    assert result.notes[0] == "times without a zone read as +02:00 (--tz)"
    assert result.frames["line"].to_list() == [2, 3]


def test_custom_split_columns_payload_and_message_type() -> None:
    text = (
        "when|who|kind|what|body\n"
        "2025-03-03T08:00:00Z|CP-1|2|Heartbeat|{}\n"
        '2025-03-03T08:00:01Z|CP-1|3|Heartbeat|{"currentTime":"2025-03-03T08:00:00Z"}\n'
    )
    frames, _ = read(
        text, time="when", charger="who", message_type="kind", action="what", payload="body"
    )
    assert frames["message_type"].to_list() == [2, 3]
    assert frames["action"].to_list() == ["Heartbeat", "Heartbeat"]
    ing = ingest_sources(
        [Source("c.csv", text.encode())],
        layout="custom",
        options=ReadOptions(
            columns={
                "time": "when",
                "charger": "who",
                "message_type": "kind",
                "action": "what",
                "payload": "body",
            }
        ),
    )
    assert ing.frames["direction"].to_list() == ["to_csms", "to_charger"]
    assert ing.frames["peer_id"].to_list() == [1, 0]


def test_custom_unknown_key_names_the_columns() -> None:
    with pytest.raises(ConfigError, match=r"unknown key\(s\) stamp.*'Date', 'Station'"):
        read(MAPPED, stamp="Date", frame="Msg")


def test_custom_missing_column_names_the_columns() -> None:
    with pytest.raises(ConfigError, match=r"no column for frame=Message.*'Dir', 'Msg'"):
        read(MAPPED, time="Date", frame="Message")


def test_custom_needs_time_and_a_message_column() -> None:
    with pytest.raises(ConfigError, match="needs time=COL"):
        read(MAPPED, charger="Station", frame="Msg")


def test_custom_banner_broken_and_blank_rows() -> None:
    text = (
        "Exported by ACME backend\n"
        "sep=;\n"
        "Date;Station;Dir;Msg\n"
        '2025-03-03 08:00:00;CP-1;in;"[2,""1"",""Heartbeat"",{}]"\n'
        "\n"
        'not a date;CP-1;in;"[2,""2"",""Heartbeat"",{}]"\n'
        "2025-03-03 08:00:02;CP-1;in;\n"
        "2025-03-03 08:00:03;CP-1;in;[2,broken\n"
        ";;;\n"
        "Total rows: 4\n"
    )
    frames, result = read(text, time="Date", charger="Station", direction="Dir", frame="Msg")
    assert frames["line"].to_list() == [4, 8]
    rejects = [(r.line, r.reason) for r in result.rejects]  # type: ignore[attr-defined]
    assert rejects == [(6, "no readable timestamp"), (7, "no OCPP message in the row")]
    assert result.noise == 3  # type: ignore[attr-defined]  # two banner lines and the footer
    ing = ingest_sources(
        [Source("c.csv", text.encode())],
        options=ReadOptions(
            columns={"time": "Date", "charger": "Station", "direction": "Dir", "frame": "Msg"}
        ),
    )
    assert ing.files[0].layout == "custom"
    assert ing.frames.height == 1
    assert [(r.line, r.reason.split(":")[0]) for r in ing.rejects][-1] == (8, "malformed frame")


def test_custom_survives_stray_quotes() -> None:
    text = 'a,b,c\n2025-03-03T08:00:00Z,CP-1,"[2,""1"",""Heartbeat"",{}]"\n2025-03-03T08:00:01Z,CP "x" 2,"oops\n'
    frames, result = read(text, time="a", charger="b", frame="c")
    assert frames["line"].to_list()[0] == 2
    assert frames["charger_id"][0] == "CP-1"


def test_custom_sniff_declines_everything() -> None:
    reader = CustomReader()
    for other in all_readers().values():
        assert isinstance(reader.sniff(other.sample), NoMatch)


_CELLS = st.sampled_from(
    [
        '"',
        ",",
        ";",
        "\n",
        "\r\n",
        "\r",
        "[",
        "{",
        "}",
        "2",
        "a",
        " ",
        "\x00",
        "ü",
        "Heartbeat.conf",
        "2025-03-03T08:00:00Z",
        "14.08.2025 11:40:44",
        '"[2,""1"",""Heartbeat"",{}]"',
        "in",
        "cs",
    ]
)


@pytest.mark.parametrize("layout", ["sheet", "portal", "citrine", "kwwhat", "custom"])
@settings(max_examples=20, deadline=None)
@given(body=st.lists(_CELLS, max_size=60).map("".join), junk=st.binary(max_size=40))
def test_any_bytes_read_or_reject_never_raise(layout: str, body: str, junk: bytes) -> None:
    reader = get_reader(layout)
    head = "Date;Station;Dir;Msg" if layout == "custom" else reader.sample.split("\n")[0]
    data = (head + "\n" + body).encode() + junk
    columns = {"time": "Date", "charger": "Station", "direction": "Dir", "frame": "Msg"}
    result = reader.read(Source("f", data), ReadOptions(columns=columns))
    lines = result.frames["line"].to_list() + [r.line for r in result.rejects]
    assert len(lines) == len(set(lines))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from(["a", " ", "\t", "\u00a0", "\u2003", "["]))))
def test_cells_are_trimmed_like_strip_and_blank_ones_are_null(cells: list[str]) -> None:
    got = pl.DataFrame({"c": cells}, schema={"c": pl.String}).select(_blank(pl.col("c")))
    want = [c.strip() or None for c in cells]
    assert got.to_series().to_list() == want


def _candidates_by_split(data: bytes, limit: int) -> list[tuple[int, int, str]]:
    """The plain reading of header candidates: every line of the first 256 KiB split at once."""
    out, offset = [], 0
    body = data.removeprefix(b"\xef\xbb\xbf")[: 256 * 1024]
    for number, line in enumerate(body.split(b"\n"), start=1):
        text = line.decode("utf-8", errors="replace").strip()
        if text:
            out.append((number, offset, text))
            if len(out) >= limit:
                break
        offset += len(line) + 1
    return out


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from([b"a", b"\n", b" ", b"\r", b"\xef\xbb\xbf", b"\xc3", b";"])),
    st.integers(1, 6),
)
def test_header_candidates_are_cut_as_a_plain_split_would(parts: list[bytes], limit: int) -> None:
    data = b"".join(parts)
    assert _candidates(data, limit) == _candidates_by_split(data, limit)


def test_header_candidates_stop_at_256_kib() -> None:
    data = b"\xef\xbb\xbf" + b"y" * (256 * 1024 - 1) + b"\nzzz\n" + b"a,b\n" * 10
    assert _candidates(data, 5) == _candidates_by_split(data, 5)
    assert len(_candidates(data, 5)) == 1
