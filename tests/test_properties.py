"""Property: any bytes fed to any reader give frames or counted rejects, never an exception."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chargescope.ingest import normalize_source
from chargescope.readers import all_readers
from chargescope.readers.base import ReadOptions, Source

READERS = {n: r for n, r in all_readers().items() if n != "custom"}

# bytes that look a little like logs: pieces of real samples, separators and noise
_pieces = st.sampled_from(
    [
        b'[2,"1","Heartbeat",{}]',
        b'[3,"1",{}]',
        b'[300,"1",{}]',
        b'["2","1","Heartbeat",{}]',
        b"-1",
        b"2.5",
        b"null",
        b"2025-03-03T08:00:00Z",
        b",",
        b";",
        b"\n",
        b"\r\n",
        b'"',
        b"{",
        b"}",
        b"[",
        b"]",
        b">>",
        b"<<",
        b"CP-1",
        b"\xef\xbb\xbf",
        b"\xff\xfe",
        b"incoming",
        b"Received:",
        b"\t",
        b"timestamp,type,message,charger\n",
    ]
)
_junk = st.one_of(st.binary(max_size=300), st.lists(_pieces, max_size=40).map(b"".join))


@pytest.mark.parametrize("name", sorted(READERS))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=_junk)
def test_any_bytes_give_frames_or_rejects(name: str, data: bytes) -> None:
    reader = READERS[name]
    source = Source("fuzz.log", data)
    result = reader.read(source, ReadOptions())
    frames, rejects = normalize_source(result, 0, source.name)
    assert frames.height + len(rejects) + len(result.rejects) >= 0
    for r in rejects + result.rejects:
        assert r.file == "fuzz.log" and r.reason and r.line >= 0
