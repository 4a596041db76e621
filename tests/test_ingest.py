"""Ingest: bad input is counted and kept, archives and directories, duplicates, validation."""

import gzip
import io
import os
import random
import subprocess
import sys
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chargescope.errors import EmptyInputError, InputError, UnknownLayoutError
from chargescope.ingest import (
    _answer_actions,
    _by_charger_and_time,
    _dedupe,
    _fill_direction,
    ingest,
    ingest_sources,
)
from chargescope.readers.base import Source
from chargescope.readers.source import _as_utf8
from tests.conftest import REFERENCE, stream_csv


def test_every_line_is_a_frame_or_a_reject() -> None:
    data = stream_csv(REFERENCE[:4]) + (
        b'not-a-time,incoming,"[2,""9"",""Heartbeat"",{}]",CP\n'
        b'2025-03-03T08:00:00Z,incoming,"[2,""9"",""Heartbeat"",{]",CP\n'
        b'2025-03-03T08:00:00Z,incoming,"[7,""9"",""Heartbeat"",{}]",CP\n'
        b'2025-03-03T08:00:00Z,sideways,"[3,""9"",{}]",CP\n'
    )
    result = ingest_sources([Source("mixed.csv", data)])
    assert result.frames.height == 4
    reasons = {(r.line, r.reason.split(":")[0]) for r in result.rejects}
    assert reasons == {
        (6, "no readable timestamp"),
        (7, "malformed frame"),
        (8, "malformed frame"),
        (9, "direction unknown (not given, and not inferable from the action)"),
    }
    assert all(r.file == "mixed.csv" and r.raw for r in result.rejects)
    assert result.summary()["rejects"] == 4


@pytest.mark.parametrize(
    ("frame", "reason"),
    [
        ("[300,9,{}]", "first element is not an OCPP-J message type (2, 3, 4; 5, 6 in OCPP 2.1)"),
        (
            '["2","9","Heartbeat",{}]',
            "first element is not an OCPP-J message type (2, 3, 4; 5, 6 in OCPP 2.1)",
        ),
        ('[2,"9",Heartbeat,{}]', "not valid JSON"),  # ends as a frame does, is not JSON
        ('[2,"9","Heartbeat",{}', "not valid JSON"),  # cut short
        # elements missing: a missing element is no element of the right type
        ("[2]", "message id is not a string"),
        ('[2,"9","Heartbeat"]', "CALL needs [2, id, action, {payload}]"),
        ('[2,"9"]', "CALL needs [2, id, action, {payload}]"),
        ('[3,"9"]', "CALLRESULT needs [3, id, {payload}]"),
        ('[4,"9"]', "CALLERROR needs [4, id, errorCode, errorDescription, {details}]"),
    ],
)
def test_a_frame_that_cannot_be_split_is_rejected_beside_good_ones(frame: str, reason: str) -> None:
    quoted = frame.replace('"', '""')
    data = stream_csv(REFERENCE[:4]) + f'2025-03-03T08:00:00Z,incoming,"{quoted}",CP\n'.encode()
    result = ingest_sources([Source("mixed.csv", data)])
    assert result.frames.height == 4
    assert [(r.line, r.reason) for r in result.rejects] == [(6, f"malformed frame: {reason}")]


def test_bom_crlf_and_quoted_newlines() -> None:
    rows = REFERENCE[:2]
    data = b"\xef\xbb\xbf" + stream_csv(rows).replace(b"\n", b"\r\n")
    pretty = data.replace(b'""chargePointVendor""', b'\n  ""chargePointVendor""')
    plain = ingest_sources([Source("a.csv", stream_csv(rows))]).frames
    for variant in (data, pretty):
        got = ingest_sources([Source("b.csv", variant)]).frames
        assert got.drop("file", "line").equals(plain.drop("file", "line"))


def test_line_numbers_count_embedded_newlines() -> None:
    data = stream_csv(REFERENCE[:3]).replace(b'""chargePointVendor""', b'\n""chargePointVendor""')
    got = ingest_sources([Source("b.csv", data)]).frames
    assert got["line"].to_list() == [2, 4, 5]


def test_empty_input_is_a_clear_error() -> None:
    with pytest.raises(EmptyInputError, match="empty input"):
        ingest_sources([Source("e.log", b"  \n\n")])


def test_unknown_layout_lists_what_was_tried() -> None:
    with pytest.raises(UnknownLayoutError) as info:
        ingest_sources([Source("odd.txt", b"hello world\nthis is not ocpp\n")])
    message = str(info.value)
    assert "stream:" in message and "--columns" in message and "--format" in message


def test_gzip_zip_and_directories_merge_by_time(tmp_path: Path) -> None:
    first, second = stream_csv(REFERENCE[:10]), stream_csv(REFERENCE[10:])
    (tmp_path / "a.csv.gz").write_bytes(gzip.compress(first))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("inner/b.csv", second)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.zip").write_bytes(buf.getvalue())
    merged = ingest([str(tmp_path)])
    whole = ingest_sources([Source("all.csv", stream_csv(REFERENCE))])
    assert merged.frames.drop("file", "line").equals(whole.frames.drop("file", "line"))
    assert [f.path.endswith(("a.csv.gz", "b.zip!inner/b.csv")) for f in merged.files] == [
        True,
        True,
    ]


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


@pytest.mark.parametrize("members", [{}, {"logs/": b""}], ids=["no members", "only a folder"])
def test_a_zip_with_no_files_is_named_as_empty(tmp_path: Path, members: dict[str, bytes]) -> None:
    (tmp_path / "x.zip").write_bytes(_zip(members))
    with pytest.raises(EmptyInputError, match=r"x\.zip: empty input"):
        ingest([str(tmp_path / "x.zip")])
    (tmp_path / "y.csv").write_bytes(stream_csv(REFERENCE[:4]))
    got = ingest([str(tmp_path)])
    assert [(f.path.endswith("x.zip"), f.notes) for f in got.files][0] == (
        True,
        ["zip archive with no files in it"],
    )
    assert got.frames.height == 4


def test_a_folder_with_no_files_is_named(tmp_path: Path) -> None:
    (tmp_path / "logs" / ".hidden").mkdir(parents=True)
    with pytest.raises(EmptyInputError, match="logs: no files in it to read"):
        ingest([str(tmp_path / "logs")])


def test_every_path_is_checked_before_any_file_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    good = tmp_path / "a.csv"
    good.write_bytes(stream_csv(REFERENCE))
    reads: list[Path] = []
    read_bytes = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda self: reads.append(self) or read_bytes(self))
    with pytest.raises(InputError, match="nope.csv: no such file"):
        ingest([str(good), str(tmp_path / "nope.csv")])
    assert reads == []


def test_an_empty_file_beside_others_is_listed_not_fatal(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_bytes(stream_csv(REFERENCE))
    (tmp_path / "b.log").write_bytes(b"")
    got = ingest([str(tmp_path)])
    assert got.frames.height == len(REFERENCE)
    assert [(Path(f.path).name, f.layout, f.notes) for f in got.files] == [
        ("a.csv", "stream", []),
        ("b.log", "-", ["empty file"]),
    ]


def test_overlapping_exports_keep_each_frame_once() -> None:
    a = Source("a.csv", stream_csv(REFERENCE[:12]))
    b = Source("b.csv", stream_csv(REFERENCE[6:]))
    result = ingest_sources([a, b])
    assert result.frames.height == len(REFERENCE)
    assert result.duplicates == 6


@given(
    rows=st.lists(
        st.tuples(
            st.integers(0, 2),  # source
            st.sampled_from(["CP-1", "CP-2"]),
            st.integers(0, 2),  # second
            st.sampled_from(["1", "2", None]),  # message id
            st.sampled_from(["{}", '{"a":1}']),
        ),
        max_size=30,
    )
)
def test_dropping_frames_seen_twice_matches_comparing_every_column(
    rows: list[tuple[int, str, int, str | None, str]],
) -> None:
    df = pl.DataFrame(
        {
            "src": pl.Series([r[0] for r in rows], dtype=pl.Int32),
            "charger_id": [r[1] for r in rows],
            "ts": [datetime(2025, 1, 1, tzinfo=UTC) + timedelta(seconds=r[2]) for r in rows],
            "direction": ["to_csms"] * len(rows),
            "message_type": ["CALL"] * len(rows),
            "unique_id": pl.Series([r[3] for r in rows], dtype=pl.String),
            "payload": [r[4] for r in rows],
        }
    )
    key = ["charger_id", "ts", "direction", "message_type", "unique_id", "payload"]
    want = df.filter(pl.col("src") == pl.col("src").min().over(key))
    got, dropped = _dedupe(df)
    assert got.equals(want)
    assert dropped == df.height - want.height


@given(
    rows=st.lists(
        st.tuples(
            st.integers(0, 1),  # source
            st.sampled_from(["CP-1", "CP-2"]),
            st.sampled_from(["1", "2"]),  # message id
            st.sampled_from([2, 3, 4]),
            st.sampled_from(["Heartbeat", "Reset", None]),
            st.sampled_from(["to_csms", None]),
        ),
        max_size=30,
    )
)
def test_answers_take_the_action_of_the_nearest_call_before_them(
    rows: list[tuple[int, str, str, int, str | None, str | None]],
) -> None:
    rows = sorted(rows, key=lambda r: r[0])  # in source order
    df = pl.DataFrame(
        {
            "src": pl.Series([r[0] for r in rows], dtype=pl.Int32),
            "seq": pl.Series(range(len(rows)), dtype=pl.Int64),
            "charger_id": [r[1] for r in rows],
            "unique_id": [r[2] for r in rows],
            "message_type": pl.Series([r[3] for r in rows], dtype=pl.Int8),
            "action": pl.Series([r[4] for r in rows], dtype=pl.String),
            "direction": pl.Series([r[5] for r in rows], dtype=pl.String),
        }
    )
    want = []
    for i, (src, charger, uid, kind, action, direction) in enumerate(rows):
        if kind != 2 and action is None and direction is None:
            earlier = [r for r in rows[:i] if r[:3] == (src, charger, uid) and r[3] == 2 and r[4]]
            action = earlier[-1][4] if earlier else None
        want.append(action)
    assert _answer_actions(df)["action"].to_list() == want


def test_a_missing_direction_follows_from_who_sends_the_action() -> None:
    kinds, actions = [2, 3, 4, None], ["Heartbeat", "Reset", None]  # sent by charger, by CSMS
    rows = [(k, a) for k in kinds for a in actions]
    df = pl.DataFrame(
        {
            "message_type": pl.Series([k for k, _ in rows], dtype=pl.Int8),
            "action": pl.Series([a for _, a in rows], dtype=pl.String),
            "direction": pl.Series([None] * len(rows), dtype=pl.String),
        }
    )
    sent = {"Heartbeat": "to_csms", "Reset": "to_charger"}
    back = {"to_csms": "to_charger", "to_charger": "to_csms"}
    want = [None if a is None else sent[a] if k == 2 else back[sent[a]] for k, a in rows]
    assert _fill_direction(df)["direction"].to_list() == want


def test_schema_violations_are_flagged_not_dropped() -> None:
    rows = [
        (
            "2025-03-03T08:00:00Z",
            "C",
            "incoming",
            '[2,"1","StatusNotification",{"connectorId":1,"status":"Bogus"}]',
        ),
        ("2025-03-03T08:00:01Z", "C", "outgoing", '[3,"1",{}]'),
        (
            "2025-03-03T08:00:02Z",
            "C",
            "incoming",
            '[2,"2","StartTransaction",{"connectorId":1,"idTag":"A","meterStart":0,"timestamp":"2025-03-03T08:00:02Z"}]',
        ),
    ]
    frames = ingest_sources([Source("v.csv", stream_csv(rows))]).frames
    assert frames["valid"].to_list() == [False, True, True]
    assert "errorCode" in frames["schema_error"][0] or "Bogus" in frames["schema_error"][0]


def test_versions_detected_per_charger(reference: pl.DataFrame) -> None:
    versions = dict(reference.select("charger_id", "ocpp_version").unique().iter_rows())
    assert versions == {"CP-16/A 1": "1.6", "CS-201": "2.0.1"}
    assert reference.filter(pl.col("charger_id") == "CS-201")["valid"].drop_nulls().all()


def test_typographic_quotes_are_repaired() -> None:
    frame = "[2,\u201c5\u201d,\u201cAuthorize\u201d,{\u201cidTag\u201d:\u201cxx\u201d}]"
    data = f'timestamp,type,message,charger\n2025-03-03T08:00:00Z,incoming,"{frame}",C\n'.encode()
    frames = ingest_sources([Source("q.csv", data)]).frames
    assert frames.row(0, named=True)["payload"] == '{"idTag":"xx"}'


def test_broken_csv_quoting_loses_only_the_broken_row() -> None:
    good = stream_csv(REFERENCE[:2])
    data = (
        good
        + b'2025-03-03T08:00:02Z,incoming,"[2,"3","Heartbeat",{}]",CP\n'
        + stream_csv(REFERENCE[2:4]).split(b"\n", 1)[1]
    )
    result = ingest_sources([Source("broken.csv", data)])
    assert result.frames.height == 4
    assert [r.line for r in result.rejects] == [4]


@settings(max_examples=200, deadline=None)
@given(
    rows=st.lists(
        st.tuples(st.sampled_from(["CP-2", "CP-1", "CP-10"]), st.integers(0, 6), st.integers(0, 1)),
        max_size=40,
    ),
    shuffle=st.randoms(use_true_random=False),
    in_source_order=st.booleans(),
)
def test_sorting_by_charger_and_time_matches_a_full_sort(
    rows: list[tuple[str, int, int]], shuffle: random.Random, in_source_order: bool
) -> None:
    ordered = sorted(enumerate(rows), key=lambda r: r[1][2])  # by source, then line
    df = pl.DataFrame(
        {
            "charger_id": [r[0] for _, r in ordered],
            "ts": [datetime(2025, 1, 1, tzinfo=UTC) + timedelta(seconds=r[1]) for _, r in ordered],
            "src": pl.Series([r[2] for _, r in ordered], dtype=pl.Int32),
            "seq": [i for i, _ in ordered],
        }
    )
    if not in_source_order:
        df = df.sample(fraction=1.0, shuffle=True, seed=shuffle.randint(0, 1000))
    want = df.sort(["charger_id", "ts", "src", "seq"])
    assert _by_charger_and_time(df).equals(want)


def test_direction_words_map_alike_when_short_few_or_many_distinct(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from chargescope.readers import base

    df = pl.DataFrame({"d": [" Incoming", "OUT", "sideways", None, "incoming"]})
    short = df.select(base.direction_expr("d", df)).to_series().to_list()
    monkeypatch.setattr(base, "_PER_VALUE_MIN", 0)
    few = df.select(base.direction_expr("d", df)).to_series().to_list()
    monkeypatch.setattr(base, "_PER_VALUE_MAX", 1)
    many = df.select(base.direction_expr("d", df)).to_series().to_list()
    assert short == few == many == ["to_csms", "to_charger", None, None, "to_csms"]


def _examples_with_twists() -> list[Source]:
    """The bundled examples, plus copies with broken lines, typographic quotes at the same
    place in two files, and a log whose direction markers read the other way round."""
    examples = Path(__file__).resolve().parent.parent / "examples"
    sources = [Source(p.name, gzip.decompress(p.read_bytes())) for p in sorted(examples.iterdir())]
    by_name = {s.name: s.data for s in sources}
    quoted = '"[2,\u201c5\u201d,\u201cAuthorize\u201d,{\u201cidTag\u201d:\u201cxx\u201d}]"'
    for name in ("q1.csv", "q2.csv"):
        rows = f"2025-03-03T08:00:00Z,incoming,{quoted},C-{name}\n"
        sources.append(Source(name, stream_csv(REFERENCE[:3]) + rows.encode()))
    arrows = by_name["arrows.log.gz"]
    swapped = arrows.replace(b">>", b"\0").replace(b"<<", b">>").replace(b"\0", b"<<")
    sources.append(Source("swapped-arrows.log", swapped))
    for layout in ("steve.log.gz", "octt.log.gz", "arrows.log.gz"):  # small logs, read together
        log = by_name[layout].split(b"\n")
        step = len(log) // 4 + 1
        for k in range(4):
            part = b"\n".join(log[k * step : (k + 1) * step])
            sources.append(Source(f"{k}-{layout.removesuffix('.gz')}", part))
    lines = by_name["stream.csv.gz"].split(b"\n")
    lines[5] = lines[5].replace(b"[2,", b"[7,", 1)
    lines[9] = lines[9][:40]
    sources.append(Source("broken-stream.csv", b"\n".join(lines)))
    return sources


def test_sources_read_and_normalized_together_give_what_each_alone_gives(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    together = ingest_sources(_examples_with_twists())
    assert len(together.files) == len(_examples_with_twists())
    monkeypatch.setattr("chargescope.ingest.NORMALIZE_BATCH", 1)  # every source on its own
    monkeypatch.setattr("chargescope.ingest.PARALLEL_BELOW", 0)
    alone = ingest_sources(_examples_with_twists())
    assert together.frames.equals(alone.frames)
    assert [f.as_dict() for f in together.files] == [f.as_dict() for f in alone.files]
    assert together.rejects == alone.rejects
    notes = {f.path: f.notes for f in together.files}
    assert any("other way round" in n for n in notes["swapped-arrows.log"])
    assert not any("other way round" in n for n in notes["arrows.log.gz"])
    assert {r.file for r in together.rejects} >= {"broken-stream.csv"}
    repaired = together.frames.filter(pl.col("charger_id").str.starts_with("C-q"))
    assert repaired["payload"].to_list() == ['{"idTag":"xx"}'] * 2


def test_a_source_no_layout_fits_is_skipped_and_listed(tmp_path: Path) -> None:
    for i in range(6):  # small files: read two at a time
        (tmp_path / f"{i}.csv").write_bytes(stream_csv(REFERENCE[i : i + 1]))
    (tmp_path / "3.csv").write_bytes(b"hello world\nthis is not ocpp\n")
    progress: list[str] = []
    got = ingest([str(tmp_path)], progress=lambda name, i, n: progress.append(Path(name).name))
    assert progress == [f"{i}.csv" for i in range(6)]
    layouts = {Path(f.path).name: f.layout for f in got.files}
    assert layouts == {
        "0.csv": "stream",
        "1.csv": "stream",
        "2.csv": "stream",
        "3.csv": "unknown",
        "4.csv": "stream",
        "5.csv": "stream",
    }
    skipped = next(f for f in got.files if f.path.endswith("3.csv"))
    assert skipped.frames == 0 and "no known OCPP log layout matched" in skipped.notes[0]
    assert got.summary()["skipped_files"] == 1
    alone = [
        ingest_sources([Source("x.csv", stream_csv(REFERENCE[i : i + 1]))]) for i in (0, 1, 2, 4, 5)
    ]
    assert got.frames.height == sum(a.frames.height for a in alone)


def test_when_no_source_fits_a_layout_the_first_is_the_error(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes(b"hello world\n")
    (tmp_path / "b.txt").write_bytes(b"")
    (tmp_path / "c.txt").write_bytes(b"not ocpp either\n")
    with pytest.raises(UnknownLayoutError) as info:
        ingest([str(tmp_path)])
    assert info.value.source.endswith("a.txt")


PORTAL_TEXT = (
    "Date;Station;Type;Action;Message\r\n"
    '03.03.2025 08:00:00;Zürich-01;Request In;Heartbeat;[2,"1","Heartbeat",{}]\r\n'
    '03.03.2025 08:00:01;Zürich-01;Response Out;Heartbeat;[3,"1",{"currentTime":"x"}]\r\n'
)


@pytest.mark.parametrize(
    ("encoding", "note"),
    [
        ("utf-8", None),
        ("utf-8-sig", None),
        ("cp1252", "not UTF-8: read as Windows-1252"),
        ("utf-16", "read as UTF-16 (byte-order mark)"),
        ("utf-16-be", "read as UTF-16 (byte-order mark)"),
        ("utf-16-le", "read as UTF-16 (little-endian, no byte-order mark)"),
        ("utf-16-be-nobom", "read as UTF-16 (big-endian, no byte-order mark)"),
    ],
)
def test_files_from_windows_tools_are_read_in_their_encoding(
    tmp_path: Path, encoding: str, note: str | None
) -> None:
    data = PORTAL_TEXT.encode(encoding.removesuffix("-nobom"))
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    (tmp_path / "export.csv").write_bytes(data)
    got = ingest([str(tmp_path / "export.csv")])
    assert got.frames["charger_id"].to_list() == ["Zürich-01"] * 2
    notes = got.files[0].notes
    assert (notes[0] == note) if note else not any("read as" in n and "UTF" in n for n in notes)


def test_binary_with_zero_bytes_is_not_taken_for_utf16() -> None:
    data = bytes(range(256)) * 64
    assert "UTF-16" not in (_as_utf8("f.bin", data).note or "")


def test_utf8_with_a_few_bad_bytes_stays_utf8() -> None:
    data = PORTAL_TEXT.encode() + b"03.03.2025 08:00:02;Z\xfcrich-01;Request In;Heartbeat;x\r\n"
    source = _as_utf8("export.csv", data)
    assert source.note is None and source.data == data


def test_a_character_cut_at_the_end_of_the_encoding_sniff_is_still_utf8() -> None:
    data = b"a" * (64 * 1024 - 1) + "ü".encode() + b"\n" + b"x\xfc\n"
    assert _as_utf8("f.log", data).note is None


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300))
def test_any_bytes_come_out_as_utf8_or_untouched(data: bytes) -> None:
    source = _as_utf8("f", data)
    if source.note is None:
        assert source.data == data
    else:
        source.data.decode("utf-8")  # never raises


def _allocator_setting(env: dict[str, str]) -> str:
    code = "import os, chargescope, polars; print(os.environ.get('_RJEM_MALLOC_CONF', ''))"
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    return out.stdout.strip()


def test_importing_chargescope_first_tunes_polars_allocator_unless_the_user_did() -> None:
    env = {k: v for k, v in os.environ.items() if k != "_RJEM_MALLOC_CONF"}
    assert "narenas:" in _allocator_setting(env) and "dirty_decay_ms:10000" in _allocator_setting(
        env
    )
    mine = _allocator_setting({**env, "_RJEM_MALLOC_CONF": "narenas:3"})
    assert "narenas:3" in mine and "dirty_decay_ms:10000" not in mine
